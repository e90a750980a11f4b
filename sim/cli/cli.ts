/**
 * `npm run sim:deploy|sim:plan|sim:destroy -- <env>`: the real cdktf CLI
 * against the simulated OpenStack, with no cloud and no registry.
 */
import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, rmSync } from "node:fs";
import * as path from "node:path";
import { parseCommandLine, usageLine, UsageError } from "../../cli-args";
import type { EnvironmentConfig } from "../../config";
import { ENVIRONMENTS } from "../../config/environments";
import { preventDestroyProblem } from "./destroy-guard";
import { installSimulator } from "./install";
import { bootAfterDeploy, reconcileAfterDestroy, reconcileIfRunning } from "../lab/deploy-boot";
import { labUnavailable } from "../lab/requirements";
import { Cloud, CloudFileError } from "../openstack/cloud";
import { DEFAULT_CLOUD_STATE, REPO_ROOT, SIM_WORK_DIR } from "./paths";
import { cloudLeftLine, trackedIds, untracked, untrackedReport } from "./untracked";

const COMMANDS = {
  deploy: ["deploy", "--auto-approve"],
  plan: ["diff"],
  destroy: ["destroy", "--auto-approve"],
} as const;
type Command = keyof typeof COMMANDS;

/** The pids of processes named `terraform` under `root` (from /proc; none where there is no /proc). */
function terraformUnder(root: number): number[] {
  const children = new Map<number, number[]>();
  const names = new Map<number, string>();
  let entries: string[] = [];
  try {
    entries = readdirSync("/proc").filter((e) => /^\d+$/.test(e));
  } catch {
    return [];
  }
  for (const entry of entries) {
    try {
      // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so split at the last ')'.
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const close = stat.lastIndexOf(")");
      const ppid = Number(stat.slice(close + 2).split(" ")[1]);
      names.set(Number(entry), stat.slice(stat.indexOf("(") + 1, close));
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // The process ended while we looked.
    }
  }
  const found: number[] = [];
  const walk = (pid: number) => {
    for (const child of children.get(pid) ?? []) {
      if (names.get(child) === "terraform")
        found.push(child); // its own children are plugins, which Terraform stops
      else walk(child);
    }
  };
  walk(root);
  return found;
}

/**
 * Runs cdktf so that Ctrl-C (SIGINT to the terminal's foreground process
 * group) or SIGTERM stops Terraform gracefully. cdktf-cli answers SIGINT by
 * hard-aborting Terraform, which leaves whatever the cloud had already made
 * untracked by the state. So cdktf runs in a process group of its own (the
 * terminal's signal reaches this process only) and its stdin is not the
 * terminal (a background group must not read it); the first signal goes, as
 * one SIGINT, to the terraform processes only: Terraform then lets the calls
 * in flight finish, records them in the state and stops ("Interrupt received").
 */
function runCdktf(args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const child = spawn(path.join(REPO_ROOT, "node_modules", ".bin", "cdktf"), args, {
    cwd: REPO_ROOT,
    env,
    detached: true,
    stdio: ["ignore", "inherit", "inherit"],
  });
  let interrupts = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    if (interrupts++ > 0) {
      console.error(
        `\nsim: ${signal} again: still waiting for Terraform to finish the calls in flight and save the state ` +
          `(stopping it harder would leave objects the state does not track; kill -9 ${child.pid} if you must)`,
      );
      return;
    }
    const terraform = terraformUnder(child.pid!);
    if (terraform.length > 0) {
      console.error(
        `\nsim: ${signal}: asking Terraform to stop gracefully (one SIGINT to pid ${terraform.join(", ")}); ` +
          "it finishes the calls in flight and records them in the state",
      );
      for (const pid of terraform) process.kill(pid, "SIGINT");
    } else {
      // Before or between Terraform runs (synth): nothing is being created, cdktf may stop at once.
      console.error(`\nsim: ${signal}: stopping cdktf (Terraform is not running)`);
      try {
        process.kill(-child.pid!, "SIGTERM");
      } catch {
        // Already gone.
      }
    }
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code, signal) => {
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
      resolve(interrupts > 0 && code === 0 ? 130 : (code ?? (signal ? 128 + 2 : 1)));
    });
  });
}

/** Objects named with the environment's prefix that its state does not track: said after every destroy. Returns how many. */
function reportUntracked(config: EnvironmentConfig, cloudFile: string, stateFile: string): number {
  const prefix = `${config.app}-${config.env}`;
  const objects = Cloud.load(cloudFile)
    .all()
    .filter((o) => !o.owner)
    .map((o) => ({ type: o.type, id: o.id, name: typeof o.state.name === "string" ? o.state.name : "" }));
  const found = untracked(objects, trackedIds(stateFile), prefix);
  const report = untrackedReport(
    found,
    prefix,
    `They stay in the simulated cloud (${path.relative(process.cwd(), cloudFile) || cloudFile}); on a real cloud, import them ` +
      '(terraform import) or delete them by name: README.md, "Deploying to a real cloud".',
  );
  if (report) console.log(`\n${report}`);
  return found.length;
}

const USAGE = `Usage: npm run sim:deploy -- <env> [--boot]   cdktf deploy <env> against the simulated OpenStack; prints the outputs
       npm run sim:plan -- <env>              cdktf diff <env>
       npm run sim:destroy -- <env>           cdktf destroy <env>; says whether the simulated cloud is now empty
  <env>     one of ${ENVIRONMENTS.map((e) => e.env).join(", ")}
  --boot    (deploy only) then boot the servers in the offline lab (root), wait until the app answers
  The cloud is in .sim/cloud.json (FRACTALS_SIM_STATE), stacks and state under .sim/ (sim/README.md).`;

function unexpectedArgument(command: string | undefined, env: string | undefined, unexpected: string): string {
  return (
    `sim:${command}: unexpected argument ${JSON.stringify(unexpected)}; one environment per command ` +
    `(e.g. npm run sim:${command} -- ${env ?? "dev"}${command === "deploy" ? " [--boot]" : ""})`
  );
}

async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseCommandLine(argv, { boot: { type: "boolean" } }, true);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    // An unknown option is an unexpected argument, as an extra environment is (below).
    const [command, env] = argv.filter((a) => !a.startsWith("-"));
    console.error(err.unknownOption === undefined ? usageLine(`sim:${command}`, err) : unexpectedArgument(command, env, err.unknownOption));
    return 2;
  }
  if (parsed.values.help) {
    console.log(USAGE);
    return 0;
  }
  const [command, env, ...rest] = parsed.positionals;
  // --boot (deploy only): the lab boots the servers afterwards (sim/README.md, "The lab").
  const boot = parsed.values.boot === true;
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
    console.error(
      `sim:${command}: unknown environment ${JSON.stringify(env ?? "")}; expected one of ${environments.join(", ")} ` +
        `(e.g. npm run sim:${command} -- dev)`,
    );
    return 2;
  }
  // One environment per run: `sim:deploy -- dev staging` once deployed both and wrote staging's outputs into dev.json.
  if (rest.length > 0) {
    console.error(unexpectedArgument(command, env, rest[0]));
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
    console.error(
      `sim:${command}: the terraform CLI is not on PATH; cdktf runs it for every command. ` +
        "Install Terraform >= 1.5 (this project is tested with 1.11.4) and run the command again.",
    );
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
  const envStateFile = path.join(stateDir, `terraform.${env}.tfstate`);
  // Destroy only: what prevent_destroy protects before it runs, what the state does not track after.
  // Loaded here, not at the top: the config's checks bring cdktf and the bindings (0.4 s), which --help
  // and a refused argument do without.
  const destroying =
    command === "destroy"
      ? (require("../../config") as typeof import("../../config")).parseEnvironment(ENVIRONMENTS.find((e) => e.env === env))
      : null;
  if (destroying) {
    const problem = preventDestroyProblem(destroying, envStateFile, `${shown(SIM_WORK_DIR)}/`);
    if (problem) {
      console.error(problem);
      return 1;
    }
  }
  // The mirror's packages change with the simulator (and with Node's path); recorded checksums would refuse the new ones.
  rmSync(path.join(outdir, "stacks", env, ".terraform.lock.hcl"), { force: true });
  const args = [...COMMANDS[command as Command], env, "--output", outdir, "--skip-provider-lock"];
  if (command === "deploy") args.push("--outputs-file", outputsFile);
  console.log(
    `simulated OpenStack: cloud in ${shown(stateFile)}, providers from ${shown(installation.mirrorDir)}, ` +
      `stacks in ${shown(outdir)}, state in ${shown(stateDir)}`,
  );
  const status = await runCdktf(args, {
    ...process.env,
    ...installation.env,
    FRACTALS_SIM_STATE: stateFile,
    FRACTALS_LOCAL_STATE_DIR: stateDir,
    // cdktf's `terraform version` checks of the synth (BuildAppOptions.skipValidation); the terraform that runs next checks its own.
    FRACTALS_SKIP_VALIDATION: "1",
  });
  const listed = destroying ? reportUntracked(destroying, stateFile, envStateFile) : 0;
  if (status !== 0) return status;

  if (command === "destroy") {
    console.log(`\n${cloudLeftLine(Cloud.load(stateFile).all().length, listed)}`);
    return reconcileAfterDestroy(stateFile);
  }
  if (boot) return bootAfterDeploy(env, stateFile, outputsFile);
  return command === "deploy" ? reconcileIfRunning(stateFile) : 0;
}

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (err) => {
    console.error(err);
    process.exitCode = 1;
  },
);
