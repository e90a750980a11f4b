/**
 * Whether `terraform init` can install the OpenStack provider: from a mirror
 * or cache on this machine, or else from the registry, which is probed.
 */
import { existsSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";

const PROVIDER = "registry.terraform.io/terraform-provider-openstack/openstack";
const REGISTRY_URL = "https://registry.terraform.io/v1/providers/terraform-provider-openstack/openstack/versions";
const PROBE_TIMEOUT_MS = 5_000;

export interface ProviderOptions {
  readonly env: NodeJS.ProcessEnv;
  /** Terraform's working directories of the stacks about to run (`<outdir>/stacks/<env>`). */
  readonly stackDirs: readonly string[];
  /** Reaches the registry, or says why not. */
  readonly probe?: () => Promise<string | undefined>;
}

/** One line saying why the provider cannot be installed and the way out, or undefined when it can. */
export async function providerProblem(options: ProviderOptions): Promise<string | undefined> {
  if (localSource(options.env, options.stackDirs)) return undefined;
  // Node's fetch ignores HTTPS_PROXY: behind a proxy the probe would say nothing true.
  if (options.env.HTTPS_PROXY || options.env.https_proxy) return undefined;
  const unreachable = await (options.probe ?? probeRegistry)();
  if (unreachable === undefined) return undefined;
  return (
    `the OpenStack provider cannot be installed: registry.terraform.io is unreachable (${unreachable}) and no provider mirror is configured; ` +
    "on a connected machine run 'terraform providers mirror <dir>' in cdktf.out/stacks/<env>, copy <dir> here and point TF_CLI_CONFIG_FILE at a file with " +
    'provider_installation { filesystem_mirror { path = "<dir>" } }'
  );
}

/** A CLI config with provider_installation, an implied local mirror, a plugin cache or an earlier init that has the provider. */
function localSource(env: NodeJS.ProcessEnv, stackDirs: readonly string[]): boolean {
  const home = env.HOME || homedir();
  const cliConfigs = [env.TF_CLI_CONFIG_FILE, join(home, ".terraformrc")].filter((f): f is string => f !== undefined && f !== "");
  if (cliConfigs.some((file) => existsSync(file) && /provider_installation\s*\{/.test(readFileSync(file, "utf8")))) return true;
  const dataDirs = (env.XDG_DATA_DIRS || "/usr/local/share:/usr/share").split(":").map((d) => join(d, "terraform", "plugins"));
  const candidates = [
    join(home, ".terraform.d", "plugins"),
    join(env.XDG_DATA_HOME || join(home, ".local", "share"), "terraform", "plugins"),
    ...dataDirs,
    // cdktf points Terraform at this cache unless told not to.
    env.TF_PLUGIN_CACHE_DIR || join(home, ".terraform.d", "plugin-cache"),
    ...stackDirs.flatMap((dir) => [join(dir, ".terraform", "providers"), join(dir, "terraform.d", "plugins")]),
  ];
  return candidates.some((dir) => existsSync(join(dir, PROVIDER)));
}

async function probeRegistry(): Promise<string | undefined> {
  try {
    const response = await fetch(REGISTRY_URL, { signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) });
    return response.ok ? undefined : `HTTP ${response.status}`;
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause?.code;
    return cause ?? (err as Error).name ?? "no answer";
  }
}
