/**
 * `npm run sim:lab -- status|reconcile|clean` and
 * `npm run sim:exec -- <env> <server> -- <command...>`.
 */
import { parseCommandLine, usageLine, UsageError } from "../../cli-args";
import { ENVIRONMENTS } from "../../config/environments";
import { Cloud } from "../openstack/cloud";
import { DEFAULT_CLOUD_STATE } from "../cli/paths";
import { cleanLab, leftovers } from "./clean";
import { execInServer } from "./exec";
import { findServer } from "./find-server";
import { reconcile } from "./reconcile";
import { labUnavailable } from "./requirements";
import { statusLines } from "./status";
import { topology } from "./topology";

const cloudFile = () => process.env.FRACTALS_SIM_STATE || DEFAULT_CLOUD_STATE;

const LAB_USAGE = `Usage: npm run sim:lab -- status|reconcile|clean
  status      what the lab runs: every server of the simulated cloud, its state and addresses
  reconcile   boot or stop containers until the lab matches the simulated cloud, then status
  clean       remove whatever a killed run left (containers, mounts, loop devices, bridges, nft tables, daemons)
  The lab needs root and systemd-nspawn (sim/README.md, "The lab").`;

const EXEC_USAGE = `Usage: npm run sim:exec -- <env> <server-name> -- <command...>
  Runs a command in a server the lab boots (e.g. npm run sim:exec -- dev controller -- systemctl status);
  env: ${ENVIRONMENTS.map((e) => e.env).join(", ")}. Exits with the command's exit code.`;

function lab(argv: string[]): number {
  const { values, positionals } = parseCommandLine(argv, {}, true);
  if (values.help) {
    console.log(LAB_USAGE);
    return 0;
  }
  const [command, ...extra] = positionals;
  if (extra.length > 0) throw new UsageError(`one command at a time, got ${positionals.join(" ")}`);
  if (!["status", "reconcile", "clean"].includes(command ?? "")) {
    console.error(`usage: npm run sim:lab -- status|reconcile|clean; got ${JSON.stringify(command ?? "")}`);
    return 2;
  }
  const problem = labUnavailable();
  if (problem) {
    console.error(`sim:lab: ${problem}`);
    return 2;
  }
  if (command === "clean") {
    cleanLab();
    const left = leftovers();
    console.log(
      left.length === 0
        ? "lab: clean (no container, mount, loop device, namespace, bridge, nft table or daemon left)"
        : `lab: still left:\n  ${left.join("\n  ")}`,
    );
    return left.length === 0 ? 0 : 1;
  }
  if (command === "reconcile") reconcile({ cloudFile: cloudFile() });
  for (const line of statusLines(topology(Cloud.load(cloudFile())))) console.log(line);
  return 0;
}

/** Splits `<env> <server> [--] <command...>`: the command is everything after `--` or, without one, after the server's name. */
function splitExec(argv: string[]): { ours: string[]; command: string[] } {
  const dash = argv.indexOf("--");
  if (dash >= 0) return { ours: argv.slice(0, dash), command: argv.slice(dash + 1) };
  let words = 0;
  const end = argv.findIndex((a) => !a.startsWith("-") && ++words === 2);
  return end === -1 ? { ours: argv, command: [] } : { ours: argv.slice(0, end + 1), command: argv.slice(end + 1) };
}

function exec(argv: string[]): number {
  const split = splitExec(argv);
  const { values, positionals } = parseCommandLine(split.ours, {}, true);
  if (values.help) {
    console.log(EXEC_USAGE);
    return 0;
  }
  const [env, name, ...extra] = positionals;
  if (extra.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(extra[0])} before '--'; the command goes after it`);
  const command = split.command;
  const envs = ENVIRONMENTS.map((e) => e.env);
  if (!env || !name || command.length === 0 || !envs.includes(env)) {
    console.error(`usage: npm run sim:exec -- <env> <server-name> -- <command...>  (env: ${envs.join(", ")})`);
    return 2;
  }
  const problem = labUnavailable();
  if (problem) {
    console.error(`sim:exec: ${problem}`);
    return 2;
  }
  const server = findServer(topology(Cloud.load(cloudFile())), env, name);
  if ("error" in server) {
    console.error(`sim:exec: ${server.error}`);
    return 2;
  }
  try {
    return execInServer(server.id, command).code;
  } catch (err) {
    console.error(`sim:exec: ${(err as Error).message}`);
    return 1;
  }
}

if (require.main === module) {
  const [mode, ...rest] = process.argv.slice(2);
  const name = mode === "exec" ? "sim:exec" : "sim:lab";
  try {
    process.exitCode = mode === "exec" ? exec(rest) : lab(rest);
  } catch (err) {
    console.error(err instanceof UsageError ? usageLine(name, err) : `sim:lab: ${(err as Error).message}`);
    process.exitCode = err instanceof UsageError ? 2 : 1;
  }
}
