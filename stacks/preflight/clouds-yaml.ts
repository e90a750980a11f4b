/**
 * The clouds.yaml files the OpenStack provider reads (gophercloud's search
 * order) and the cloud names in them.
 */
import { existsSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";

/** OS_CLIENT_CONFIG_FILE when set, else the current directory, the user's and the system's. */
export function cloudsYamlPaths(env: NodeJS.ProcessEnv, cwd: string = process.cwd()): string[] {
  if (env.OS_CLIENT_CONFIG_FILE) return [env.OS_CLIENT_CONFIG_FILE];
  const home = env.HOME || homedir();
  return [join(cwd, "clouds.yaml"), join(home, ".config", "openstack", "clouds.yaml"), "/etc/openstack/clouds.yaml"];
}

/** Cloud names by file, for the files that exist; an unreadable file counts as naming none. */
export function cloudNames(paths: readonly string[]): Map<string, string[]> {
  const found = new Map<string, string[]>();
  for (const path of paths.filter((p) => existsSync(p))) {
    try {
      const clouds = (parse(readFileSync(path, "utf8")) as { clouds?: unknown } | null)?.clouds;
      found.set(path, clouds !== null && typeof clouds === "object" ? Object.keys(clouds) : []);
    } catch {
      found.set(path, []);
    }
  }
  return found;
}
