/**
 * Why `sim:destroy` would stop at `prevent_destroy`, said before it runs:
 * `cdktf destroy` reports only "Invoking Terraform CLI failed with exit code 1"
 * and drops Terraform's own error, so the user would not learn which resource
 * is protected or what to do.
 */
import { existsSync, readFileSync } from "node:fs";
import type { EnvironmentConfig } from "../../config";

interface StateFile {
  readonly resources?: { readonly mode: string; readonly type: string; readonly name: string; readonly instances?: unknown[] }[];
}

/** The message that explains the refusal, or null when nothing deployed is protected. */
export function preventDestroyProblem(config: EnvironmentConfig, stateFile: string, simDir = ".sim/"): string | null {
  if (!config.services?.preventDestroy || !existsSync(stateFile)) return null;
  const state = JSON.parse(readFileSync(stateFile, "utf8")) as StateFile;
  const volumes = (state.resources ?? [])
    .filter((r) => r.mode === "managed" && r.type === "openstack_blockstorage_volume_v3" && (r.instances?.length ?? 0) > 0)
    .map((r) => `${r.type}.${r.name}`);
  if (volumes.length === 0) return null;
  return (
    `sim:destroy ${config.env}: Terraform will not destroy ${volumes.join(", ")}, the services node's database volume, ` +
    `because services.preventDestroy is true for ${config.env} (config/${config.env}.ts). To remove the simulated ${config.env}, ` +
    `set services.preventDestroy to false and run sim:destroy again, or delete ${simDir} to start over with an empty simulated cloud.`
  );
}
