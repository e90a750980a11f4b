/**
 * How long the simulator takes to deploy and destroy an environment with the
 * real terraform: init + apply + destroy of the synthesized stack, in a fresh
 * workspace each run, median of 3 (1 with --quick).
 *
 *   node -r tsx/cjs bench/sim-deploy-destroy.ts [--quick] [--with-cli]
 *
 * --with-cli also times the user's commands, `npm run sim:deploy -- dev` and
 * `npm run sim:destroy -- dev` (cdktf synthesizes all environments each time;
 * they use cdktf.out and .sim/ in the checkout, like the real CLI).
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import type { EnvironmentInput } from "../config";
import { ENVIRONMENTS } from "../config/environments";
import { installSimulator } from "../sim/cli/install";
import { REPO_ROOT } from "../sim/cli/paths";
import { buildApp } from "../stacks/app";
import { parseCommandLine, runCommand } from "../cli-args";

function timed(label: string, command: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv }): number {
  const start = process.hrtime.bigint();
  const result = spawnSync(command, args, { ...options, encoding: "utf8" });
  if (result.status !== 0) throw new Error(`${label} failed (exit ${result.status}):\n${result.stderr}${result.stdout.slice(-2000)}`);
  return Number(process.hrtime.bigint() - start) / 1e9;
}

function summary(name: string, seconds: number[], what: string): string {
  const sorted = [...seconds].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)];
  return `${name}: ${median.toFixed(1)} s (${sorted[0].toFixed(1)} .. ${sorted[sorted.length - 1].toFixed(1)}, ${seconds.length} run${seconds.length > 1 ? "s" : ""}; ${what})`;
}

function deployDestroy(env: string, stackDir: string): number {
  const dir = mkdtempSync(path.join(tmpdir(), `fractals-sim-bench-${env}-`));
  try {
    const installation = installSimulator(path.join(dir, "sim"));
    const options = {
      cwd: stackDir,
      env: { ...process.env, ...installation.env, FRACTALS_SIM_STATE: path.join(dir, "cloud.json"), TF_IN_AUTOMATION: "1" },
    };
    const state = `-backend-config=path=${path.join(dir, "terraform.tfstate")}`;
    return (
      timed("init", "terraform", ["init", "-input=false", "-reconfigure", state], options) +
      timed("apply", "terraform", ["apply", "-auto-approve", "-input=false"], options) +
      timed("destroy", "terraform", ["destroy", "-auto-approve", "-input=false"], options)
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** dev and prod, with prevent_destroy off: it would (rightly) stop the destroy half. */
function destroyable(): EnvironmentInput[] {
  return ["dev", "prod"]
    .map((env) => ENVIRONMENTS.find((e) => e.env === env)!)
    .map((input) => (input.services ? { ...input, services: { ...input.services, preventDestroy: false } } : input));
}

const USAGE = `Usage: node -r tsx/cjs bench/sim-deploy-destroy.ts [--quick] [--with-cli]
  Times terraform init + apply + destroy of dev and prod against the simulator, median of 3.
  --quick     one run instead of 3
  --with-cli  also time npm run sim:deploy + sim:destroy -- dev (uses cdktf.out and .sim/ in the checkout)`;

function main(argv: string[]): number {
  const { values } = parseCommandLine(argv, { quick: { type: "boolean" }, "with-cli": { type: "boolean" } });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const runs = values.quick ? 1 : 3;
  const outdir = mkdtempSync(path.join(tmpdir(), "fractals-sim-bench-out-"));
  try {
    const inputs = destroyable();
    buildApp(inputs, { outdir }).synth();
    for (const { env } of inputs) {
      const stackDir = path.join(outdir, "stacks", env);
      const seconds = Array.from({ length: runs }, () => deployDestroy(env, stackDir));
      console.log(summary(`sim_deploy_destroy_${env}_s`, seconds, "terraform init + apply + destroy of the synthesized stack"));
    }
    if (values["with-cli"]) {
      const options = { cwd: REPO_ROOT, env: process.env };
      const seconds = Array.from(
        { length: runs },
        () =>
          timed("sim:deploy", "npm", ["run", "-s", "sim:deploy", "--", "dev"], options) +
          timed("sim:destroy", "npm", ["run", "-s", "sim:destroy", "--", "dev"], options),
      );
      console.log(
        summary("sim_cli_deploy_destroy_dev_s", seconds, "npm run sim:deploy + sim:destroy, cdktf synth of every environment included"),
      );
    }
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
  return 0;
}

runCommand("sim-deploy-destroy", () => main(process.argv.slice(2)));
