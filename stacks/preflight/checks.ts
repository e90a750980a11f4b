/**
 * What a real deploy needs that synth does not: credentials, and a config
 * that is not still the documentation's. Each problem is one line naming the
 * environment and the field; nothing secret is printed (only variable names,
 * cloud names and file paths).
 */
import { cidrsOverlap, DOCUMENTATION_CIDRS, EnvironmentConfig } from "../../config";
import { cloudNames, cloudsYamlPaths } from "./clouds-yaml";

/** The key material of the demo key config/common.ts ships with (matched whatever its comment says). */
const DEMO_KEY = "AAAAC3NzaC1lZDI1NTE5AAAAIJN/eXtAgecTA2yZJA6raM2h3bVrNOikOIBuudIM/Qwo";

const README = 'README "Deploying to a real cloud"';

/** Credentials: a clouds.yaml entry (the config's `cloud:` or OS_CLOUD) that exists, or OS_AUTH_URL. */
export function credentialProblems(environments: readonly EnvironmentConfig[], env: NodeJS.ProcessEnv, cwd?: string): string[] {
  const paths = cloudsYamlPaths(env, cwd);
  const files = cloudNames(paths);
  const known = new Set([...files.values()].flat());
  const searched = files.size > 0 ? [...files.keys()].join(", ") : `no clouds.yaml found (looked in ${paths.join(", ")})`;
  const problems: string[] = [];
  const missing = (name: string, where: string) =>
    `${where} names the cloud "${name}", which no clouds.yaml defines (${files.size > 0 ? `clouds in ${searched}: ${[...known].join(", ") || "none"}` : searched}); add it to ~/.config/openstack/clouds.yaml (${README})`;
  for (const config of environments.filter((e) => e.cloud !== undefined)) {
    if (!known.has(config.cloud!)) problems.push(missing(config.cloud!, `${config.env}: cloud`));
  }
  const unpinned = environments.filter((e) => e.cloud === undefined);
  if (unpinned.length === 0) return problems;
  const names = unpinned.map((e) => e.env).join(", ");
  if (env.OS_CLOUD) {
    if (!known.has(env.OS_CLOUD) && !env.OS_AUTH_URL) problems.push(missing(env.OS_CLOUD, `OS_CLOUD (for ${names})`));
  } else if (!env.OS_AUTH_URL) {
    problems.push(
      `no OpenStack credentials for ${names}: neither OS_CLOUD nor OS_AUTH_URL is set; export OS_CLOUD=<entry of clouds.yaml> or source your cloud's openrc file (${README})`,
    );
  }
  return problems;
}

/** Values from the documentation that must not reach a real cloud. */
export function placeholderProblems(environments: readonly EnvironmentConfig[]): string[] {
  const problems: string[] = [];
  for (const config of environments) {
    const key = config.access.publicKey;
    if (key.split(/\s+/)[1] === DEMO_KEY || /replace with your own key/i.test(key)) {
      problems.push(
        `${config.env}: access.publicKey is still the placeholder demo key; put your own public key in config/common.ts (PUBLIC_KEY)`,
      );
    }
    const documentation = config.access.adminCidrs.filter((cidr) => DOCUMENTATION_CIDRS.some((doc) => cidrsOverlap(cidr, doc)));
    if (documentation.length > 0) {
      problems.push(
        `${config.env}: access.adminCidrs has ${documentation.join(", ")}, a documentation range (RFC 5737) that is nobody's network; put your admin network's CIDR in config/${config.env}.ts`,
      );
    }
  }
  return problems;
}
