/**
 * Runs the real `terraform` against the simulator for the end-to-end tests:
 * synthesizes environments with buildApp into a temporary directory, installs
 * the simulator's mirror there, and keeps each workspace's cloud apart.
 */
import { ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { EnvironmentInput } from "../../config";
import { buildPlugin, installSimulator, SimInstallation } from "../../sim/cli/install";
import { Cloud, CloudObject } from "../../sim/openstack/cloud";
import { buildApp } from "../../stacks/app";

/** `terraform version`'s first line, or null when there is no terraform on PATH. */
export const TERRAFORM_VERSION: string | null = (() => {
  const result = spawnSync("terraform", ["version"], { encoding: "utf8", env: { ...process.env, CHECKPOINT_DISABLE: "1" } });
  return result.status === 0 ? result.stdout.split("\n")[0] : null;
})();

/**
 * `describe` when terraform is installed; otherwise the suite is reported as
 * skipped, and said so loudly, rather than passing without having run.
 */
export function describeWithTerraform(name: string, fn: () => void): void {
  if (TERRAFORM_VERSION) {
    describe(name, fn);
    return;
  }
  console.warn(
    `\n*** SKIPPED: "${name}" needs the terraform CLI, which is not on PATH. ` +
      "These simulator end-to-end tests did NOT run. Install Terraform >= 1.5 to run them. ***\n",
  );
  describe.skip(name, fn);
}

export interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface ResourceChange {
  readonly address: string;
  readonly type: string;
  readonly actions: string[];
}

/**
 * The simulated providers, long-lived: `launcher.js reattach` serves both in
 * one process, and Terraform reattaches to it through TF_REATTACH_PROVIDERS
 * instead of starting each provider 2 to 10 times per command (about 0.2 s of
 * CPU each; these suites ran some 300 starts, bench/README.md "Inner-loop
 * suite"). The provider reads its cloud file on every call and its fault
 * settings at every Configure, as a fresh process would, so one process per
 * workspace and per provider environment behaves as the per-command starts did.
 * `terraform init` still installs the providers from the simulator's mirror
 * (it starts none): the end-to-end suite asserts that.
 *
 * Reattached, Terraform talks to the providers over plain gRPC on 127.0.0.1
 * (as it did here before, with TF_DISABLE_PLUGIN_TLS, for 8 % of a plan's CPU).
 * The go-plugin handshake and its mutual TLS, with providers installed from
 * the mirror and started by Terraform, are still run by `npm run sim:*`
 * (sim/cli.test.ts, interrupt.test.ts), the live plan
 * (__tests__/preview/live-plan.test.ts) and the lab. The plan-preview
 * workflow's test reattaches too (ReattachedProviders).
 */
export class ReattachedProviders {
  private child?: ChildProcess;
  private reattach?: Promise<string>;

  constructor(private readonly env: NodeJS.ProcessEnv) {}

  /** The TF_REATTACH_PROVIDERS value, starting the process on first use. */
  value(): Promise<string> {
    return (this.reattach ??= new Promise<string>((resolve, reject) => {
      const child = spawn(process.execPath, [buildPlugin(), "reattach"], { env: this.env, stdio: ["ignore", "pipe", "pipe"] });
      this.child = child;
      let stdout = "";
      let stderr = "";
      child.stdout!.on("data", (d) => {
        stdout += d;
        const line = stdout.indexOf("\n");
        if (line >= 0) resolve(stdout.slice(0, line));
      });
      child.stderr!.on("data", (d) => (stderr += d));
      child.on("error", reject);
      child.on("exit", (code) => reject(new Error(`simulated providers (reattach) exited ${code} before serving:\n${stderr}`)));
    }));
  }

  stop(): void {
    this.child?.kill();
  }
}

/** One simulated cloud, one Terraform state per environment, any number of synthesized variants. */
export class SimWorkspace {
  readonly dir: string;
  readonly stateFile: string;
  private readonly installation: SimInstallation;
  private variants = 0;
  /** By the provider environment a command passes (fault injection): the providers read it at their start. */
  private readonly providers = new Map<string, ReattachedProviders>();

  constructor(label: string) {
    this.dir = mkdtempSync(path.join(tmpdir(), `fractals-sim-${label}-`));
    this.stateFile = path.join(this.dir, "cloud.json");
    this.installation = installSimulator(path.join(this.dir, "sim"));
  }

  /**
   * Synthesizes the environments and returns the stack directory of the
   * first (each call a fresh outdir; see `init` for the shared state).
   */
  synth(inputs: EnvironmentInput[]): string {
    const outdir = path.join(this.dir, "runs", `out-${this.variants++}`);
    mkdirSync(outdir, { recursive: true });
    buildApp(inputs, { outdir, skipValidation: true }).synth(); // terraform runs on it next
    return path.join(outdir, "stacks", inputs[0].env);
  }

  /** `terraform init`, with the state kept at the workspace level so that every synthesized variant shares it. */
  init(stackDir: string): Promise<Run> {
    return this.terraform(stackDir, ["init", "-input=false", `-backend-config=path=${path.join(this.dir, "terraform.tfstate")}`]);
  }

  /** Runs terraform with the workspace's long-lived providers (`init` installs them from the mirror instead); `env` reaches the providers too. */
  async terraform(stackDir: string, args: string[], env: Record<string, string> = {}): Promise<Run> {
    const fullEnv: NodeJS.ProcessEnv = {
      ...process.env,
      ...this.installation.env,
      FRACTALS_SIM_STATE: this.stateFile,
      TF_IN_AUTOMATION: "1",
      ...env,
    };
    if (args[0] !== "init") {
      const key = JSON.stringify(env);
      let providers = this.providers.get(key);
      if (!providers) this.providers.set(key, (providers = new ReattachedProviders(fullEnv)));
      fullEnv.TF_REATTACH_PROVIDERS = await providers.value();
    }
    return new Promise((resolve, reject) => {
      const child = spawn("terraform", [...args, "-no-color"], { cwd: stackDir, env: fullEnv });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (d) => (stdout += d));
      child.stderr.on("data", (d) => (stderr += d));
      child.on("error", reject);
      child.on("close", (code) => resolve({ code: code ?? -1, stdout, stderr }));
    });
  }

  /** Saves a plan and returns its resource changes from `terraform show -json`. */
  async planChanges(stackDir: string, extraArgs: string[] = []): Promise<ResourceChange[]> {
    const planned = await this.terraform(stackDir, ["plan", "-input=false", "-out=plan.bin", ...extraArgs]);
    if (planned.code !== 0) throw new Error(`terraform plan failed:\n${planned.stderr}`);
    return this.savedPlanChanges(stackDir);
  }

  /** The resource changes of the plan last saved as plan.bin in the stack directory (no second plan), from `terraform show -json`. */
  async savedPlanChanges(stackDir: string): Promise<ResourceChange[]> {
    const shown = await this.terraform(stackDir, ["show", "-json", "plan.bin"]);
    if (shown.code !== 0) throw new Error(`terraform show failed:\n${shown.stderr}`);
    const plan = JSON.parse(shown.stdout) as { resource_changes?: { address: string; type: string; change: { actions: string[] } }[] };
    return (plan.resource_changes ?? []).map((c) => ({ address: c.address, type: c.type, actions: c.change.actions }));
  }

  /**
   * Addresses and ids of the root module's managed resources in Terraform's
   * state, from `terraform state pull` (the state as the backend holds it).
   * `terraform show -json` gives the same list but starts both providers for
   * their schemas: 0.48 s of CPU against 0.04 s (bench/README.md).
   */
  async stateResources(stackDir: string): Promise<{ address: string; type: string; id: string }[]> {
    const pulled = await this.terraform(stackDir, ["state", "pull"]);
    if (pulled.code !== 0) throw new Error(`terraform state pull failed:\n${pulled.stderr}`);
    const state = JSON.parse(pulled.stdout) as { version: number; resources?: StateResource[] };
    if (state.version !== 4) throw new Error(`terraform state pull: state format version ${state.version}, this reader knows 4`);
    return (state.resources ?? [])
      .filter((r) => r.mode === "managed" && r.module === undefined)
      .flatMap((r) =>
        r.instances.map((i) => ({ address: `${r.type}.${r.name}${indexSuffix(i.index_key)}`, type: r.type, id: i.attributes.id })),
      );
  }

  cloud(): readonly CloudObject[] {
    return Cloud.load(this.stateFile).all();
  }

  /** Deletes an object behind Terraform's back, as someone using the dashboard would. */
  removeFromCloud(type: string, id: string): void {
    const cloud = Cloud.load(this.stateFile);
    cloud.remove(type, id);
    cloud.save(this.stateFile);
  }

  dispose(): void {
    for (const providers of this.providers.values()) providers.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** One resource of a version-4 state file. */
interface StateResource {
  readonly module?: string;
  readonly mode: "managed" | "data";
  readonly type: string;
  readonly name: string;
  readonly instances: { readonly index_key?: number | string; readonly attributes: { readonly id: string } }[];
}

/** `[0]` or `["key"]` as Terraform writes an instance's address; nothing for a single instance. */
function indexSuffix(key: number | string | undefined): string {
  return key === undefined ? "" : `[${JSON.stringify(key)}]`;
}

/** Actions other than no-op/read, keyed by address. */
export function changed(changes: ResourceChange[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const c of changes) {
    if (c.actions.every((a) => a === "no-op" || a === "read")) continue;
    out[c.address] = c.actions.length === 2 ? "replace" : c.actions[0];
  }
  return out;
}
