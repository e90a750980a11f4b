/**
 * `npm run sim:deploy|sim:plan|sim:destroy -- <env>`: the real cdktf CLI
 * against the simulated OpenStack, with no cloud and no registry.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, rmSync } from "node:fs";
import * as path from "node:path";
import { ENVIRONMENTS, parseEnvironment } from "../config";
import { preventDestroyProblem } from "./destroy-guard";
import { installSimulator } from "./install";
import { bootAfterDeploy, reconcileAfterDestroy, reconcileIfRunning } from "./lab/deploy-boot";
import { labUnavailable } from "./lab/requirements";
import { Cloud, CloudFileError } from "./openstack/cloud";
import { DEFAULT_CLOUD_STATE, REPO_ROOT, SIM_WORK_DIR } from "./paths";

const COMMANDS = {
  deploy: ["deploy", "--auto-approve"],
  plan: ["diff"],
  destroy: ["destroy", "--auto-approve"],
} as const;
type Command = keyof typeof COMMANDS;

function main(argv: string[]): number {
  const [command, env, ...rest] = argv;
  // --boot (deploy only): the lab boots the servers afterwards (sim/README.md, "The lab").
  const boot = rest.includes("--boot");
  if (boot && command !== "deploy") {
    console.error(`sim:${command}: --boot goes with sim:deploy only`);
    return 2;
  }
  const environments = ENVIRONMENTS.map((e) => e.env);
  if (!(command in COMMANDS)) {
    console.error(`usage: sim/cli.ts deploy|plan|destroy <env>; got command ${JSON.stringify(command)}`);
    return 2;
  }
  if (!env || !environments.includes(env)) {
    console.error(`sim:${command}: unknown environment ${JSON.stringify(env ?? "")}; expected one of ${environments.join(", ")} ` +
      `(e.g. npm run sim:${command} -- dev)`);
    return 2;
  }
  // One environment per run: `sim:deploy -- dev staging` once deployed both and wrote staging's outputs into dev.json.
  const unexpected = rest.find((a) => a !== "--boot");
  if (unexpected !== undefined) {
    console.error(`sim:${command}: unexpected argument ${JSON.stringify(unexpected)}; one environment per command ` +
      `(e.g. npm run sim:${command} -- ${env}${command === "deploy" ? " [--boot]" : ""})`);
    return 2;
  }
  const stateFile = process.env.FRACTALS_SIM_STATE || DEFAULT_CLOUD_STATE;
  // A damaged cloud file: one line naming it and the way out, before cdktf (whose providers would each print it).
  try {
    Cloud.load(stateFile);
  } catch (err) {
    if (!(err instanceof CloudFileError)) throw err;
    console.error(`sim:${command}: ${err.message}`);
    return 1;
  }
  // Without terraform, cdktf says only "terraform init failed with exit code 1".
  if (spawnSync("terraform", ["version"], { stdio: "ignore", env: { ...process.env, CHECKPOINT_DISABLE: "1" } }).error) {
    console.error(`sim:${command}: the terraform CLI is not on PATH; cdktf runs it for every command. ` +
      "Install Terraform >= 1.5 (this project is tested with 1.11.4) and run the command again.");
    return 2;
  }
  // Before terraform runs: a deploy that cannot boot afterwards should not half-happen.
  const labProblem = boot ? labUnavailable() : null;
  if (labProblem) {
    console.error(`sim:deploy --boot: ${labProblem}`);
    return 2;
  }
  const installation = installSimulator();
  // Its own cdktf.out and state files: a simulated deploy must never touch the real deploy's state or lock file.
  // A cdktf.out per environment: two runs for different environments at once would otherwise rewrite
  // each other's manifest.json mid-synth ("Unexpected end of JSON input").
  const outdir = path.join(SIM_WORK_DIR, "cdktf.out", env);
  const stateDir = path.join(SIM_WORK_DIR, "state");
  const outputsFile = path.join(SIM_WORK_DIR, "outputs", `${env}.json`);
  mkdirSync(path.dirname(outputsFile), { recursive: true });
  mkdirSync(outdir, { recursive: true }); // cdktf's App makes the outdir, not its parents
  const shown = (p: string) => path.relative(process.cwd(), p) || ".";
  if (command === "destroy") {
    const config = parseEnvironment(ENVIRONMENTS.find((e) => e.env === env));
    const problem = preventDestroyProblem(config, path.join(stateDir, `terraform.${env}.tfstate`), `${shown(SIM_WORK_DIR)}/`);
    if (problem) {
      console.error(problem);
      return 1;
    }
  }
  // The mirror's packages change with the simulator (and with Node's path); recorded checksums would refuse the new ones.
  rmSync(path.join(outdir, "stacks", env, ".terraform.lock.hcl"), { force: true });
  const args = [...COMMANDS[command as Command], env, "--output", outdir, "--skip-provider-lock"];
  if (command === "deploy") args.push("--outputs-file", outputsFile);
  console.log(`simulated OpenStack: cloud in ${shown(stateFile)}, providers from ${shown(installation.mirrorDir)}, ` +
    `stacks in ${shown(outdir)}, state in ${shown(stateDir)}`);
  const result = spawnSync(path.join(REPO_ROOT, "node_modules", ".bin", "cdktf"), args, {
    cwd: REPO_ROOT,
    stdio: "inherit",
    env: { ...process.env, ...installation.env, FRACTALS_SIM_STATE: stateFile, FRACTALS_LOCAL_STATE_DIR: stateDir },
  });
  if (result.error) throw result.error;
  if (result.status !== 0) return result.status ?? 1;

  if (command === "destroy") {
    const left = Cloud.load(stateFile).all().length;
    console.log(`\nsimulated cloud: ${left === 0 ? "empty" : `${left} object(s) left (other environments)`}`);
    return reconcileAfterDestroy(stateFile);
  }
  if (boot) return bootAfterDeploy(env, stateFile, outputsFile);
  return command === "deploy" ? reconcileIfRunning(stateFile) : 0;
}

process.exitCode = main(process.argv.slice(2));
