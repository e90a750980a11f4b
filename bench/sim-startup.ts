/**
 * The measurements behind how the simulator's plugin is packaged
 * (bench/README.md, "Simulator start-up"), on request (`npm run bench -- sim_plan`):
 * `terraform plan` of dev against an empty simulated cloud, which starts each
 * of the two providers three times, with the plugin run three ways:
 *
 * - `modules`: every sim/ file transpiled on its own, as it ran before, so
 *   each start resolves and compiles about 150 modules;
 * - `bundle`: dist/sim/plugin.js, one esbuild bundle, compiled at every start;
 * - `bundle_cached`: dist/sim/launcher.js, that bundle with V8's code cache
 *   (what the mirror runs).
 *
 * The three run in turn within a sample, so they share the machine's load.
 */
import * as esbuild from "esbuild";
import * as fs from "node:fs";
import * as path from "node:path";
import { ENVIRONMENTS } from "../config/environments";
import { buildPlugin, installSimulator } from "../sim/cli/install";
import { BenchCase } from "./lib/benchmark";
import { ROOT, runTimed, tempDir } from "./lib/child";

const VARIANTS = ["modules", "bundle", "bundle_cached"] as const;
type Variant = (typeof VARIANTS)[number];

interface Workspace {
  readonly stackDir: string;
  readonly env: NodeJS.ProcessEnv;
}

/** The unbundled plugin, under dist/ so that it finds the checkout and node_modules as the real one does. */
function buildModules(): string {
  const outdir = path.join(ROOT, "dist", "bench", "plugin-modules");
  fs.rmSync(outdir, { recursive: true, force: true });
  const sources = fs
    .readdirSync(path.join(ROOT, "sim"), { recursive: true, encoding: "utf8" })
    .filter((file) => file.endsWith(".ts"))
    .map((file) => path.join(ROOT, "sim", file));
  esbuild.buildSync({ entryPoints: sources, outdir, outbase: path.join(ROOT, "sim"), platform: "node", format: "cjs", logLevel: "silent" });
  fs.cpSync(path.join(ROOT, "sim", "protocol", "proto"), path.join(outdir, "protocol", "proto"), { recursive: true });
  return path.join(outdir, "provider", "main.js");
}

async function prepare(): Promise<Record<Variant, Workspace>> {
  const launcher = buildPlugin(); // dist/sim, rebuilt if a source changed
  const plugins: Record<Variant, string> = {
    modules: buildModules(),
    bundle: path.join(path.dirname(launcher), "plugin.js"),
    bundle_cached: launcher,
  };
  const dev = ENVIRONMENTS.find((e) => e.env === "dev")!;
  // Loaded when the case runs: the app brings cdktf and the bindings, which `bench --help` does without.
  const { buildApp } = require("../stacks/app") as typeof import("../stacks/app");
  const workspaces = {} as Record<Variant, Workspace>;
  for (const variant of VARIANTS) {
    const dir = tempDir(`sim-plan-${variant}`);
    const installation = installSimulator(path.join(dir, "sim"), { plugin: plugins[variant] });
    buildApp([dev], { outdir: path.join(dir, "out") }).synth();
    const stackDir = path.join(dir, "out", "stacks", "dev");
    const env = { ...installation.env, FRACTALS_SIM_STATE: path.join(dir, "cloud.json"), TF_IN_AUTOMATION: "1" };
    await runTimed(`terraform init -input=false -backend-config=path=${path.join(dir, "terraform.tfstate")}`, { cwd: stackDir, env });
    workspaces[variant] = { stackDir, env };
  }
  return workspaces;
}

let workspaces: Promise<Record<Variant, Workspace>> | undefined;

export const simPlan: BenchCase = {
  name: "sim_plan",
  group: "alternatives",
  figures: VARIANTS.flatMap((v) => [`sim_plan_${v}_s`, `sim_plan_${v}_cpu_s`]),
  onlyOnRequest: true,
  // The first plan of each variant writes the code cache and warms the disk.
  warmup: true,
  async sample() {
    const ready = await (workspaces ??= prepare());
    const sample: Record<string, number> = {};
    for (const variant of VARIANTS) {
      const { stackDir, env } = ready[variant];
      const run = await runTimed("terraform plan -input=false -lock=false -no-color", { cwd: stackDir, env });
      sample[`sim_plan_${variant}_s`] = run.seconds;
      sample[`sim_plan_${variant}_cpu_s`] = run.cpuSeconds;
    }
    return sample;
  },
};
