/** Servers by the names people use: the full Nova name, or `<env>` plus the part after `<app>-<env>-`. */
import { LabServer, LabTopology } from "./topology";

/** Every OpenStack name of an environment is `<app>-<env>-...`. */
function inEnvironment(name: string, env: string): boolean {
  return name.includes(`-${env}-`);
}

export function envOf(name: string, environments: readonly string[]): string | null {
  return environments.find((env) => inEnvironment(name, env)) ?? null;
}

/** The servers of one environment. */
export function serversOf(topo: LabTopology, env: string): LabServer[] {
  return topo.servers.filter((s) => inEnvironment(s.name, env));
}

export function findServer(topo: LabTopology, env: string, name: string): LabServer | { error: string } {
  const inEnv = serversOf(topo, env);
  const exact = topo.servers.find((s) => s.name === name) ?? inEnv.find((s) => s.name.endsWith(`-${env}-${name}`));
  if (exact) return exact;
  const partial = inEnv.filter((s) => s.name.includes(name));
  if (partial.length === 1) return partial[0];
  const names = inEnv.map((s) => s.name).join(", ") || "(none)";
  return {
    error:
      partial.length > 1
        ? `"${name}" matches several servers of ${env}: ${partial.map((s) => s.name).join(", ")}`
        : `no server "${name}" in ${env}; its servers: ${names}`,
  };
}
