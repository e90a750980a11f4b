/**
 * `npm run sim:lab -- status|reconcile|clean` and
 * `npm run sim:exec -- <env> <server> -- <command...>`.
 */
import { ENVIRONMENTS } from "../../config";
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

function lab(argv: string[]): number {
  const [command] = argv;
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
    console.log(left.length === 0 ? "lab: clean (no container, mount, loop device, namespace, bridge, nft table or daemon left)" : `lab: still left:\n  ${left.join("\n  ")}`);
    return left.length === 0 ? 0 : 1;
  }
  if (command === "reconcile") reconcile({ cloudFile: cloudFile() });
  for (const line of statusLines(topology(Cloud.load(cloudFile())))) console.log(line);
  return 0;
}

function exec(argv: string[]): number {
  const dash = argv.indexOf("--");
  const [env, name] = dash >= 0 ? argv.slice(0, dash) : argv.slice(0, 2);
  const command = dash >= 0 ? argv.slice(dash + 1) : argv.slice(2);
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
  try {
    process.exitCode = mode === "exec" ? exec(rest) : lab(rest);
  } catch (err) {
    console.error(`sim:lab: ${(err as Error).message}`);
    process.exitCode = 1;
  }
}
