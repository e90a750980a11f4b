/**
 * `npm run sim:deploy|sim:plan|sim:destroy -- <env>`: the real cdktf CLI
 * against the simulated OpenStack, with no cloud and no registry.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import * as path from "node:path";
import { ENVIRONMENTS } from "../config";
import { installSimulator } from "./install";
import { Cloud } from "./openstack/cloud";
import { DEFAULT_CLOUD_STATE, REPO_ROOT } from "./paths";

const COMMANDS = {
  deploy: ["deploy", "--auto-approve"],
  plan: ["diff"],
  destroy: ["destroy", "--auto-approve"],
} as const;
type Command = keyof typeof COMMANDS;

function main(argv: string[]): number {
  const [command, env, ...extra] = argv;
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
  const installation = installSimulator();
  const stateFile = process.env.FRACTALS_SIM_STATE || DEFAULT_CLOUD_STATE;
  const outputsFile = path.join(REPO_ROOT, ".sim", "outputs", `${env}.json`);
  mkdirSync(path.dirname(outputsFile), { recursive: true });
  const args = [...COMMANDS[command as Command], env, "--skip-provider-lock", ...extra];
  if (command === "deploy") args.push("--outputs-file", outputsFile);
  console.log(`simulated OpenStack: cloud in ${path.relative(process.cwd(), stateFile)}, providers from ${path.relative(process.cwd(), installation.mirrorDir)}`);
  const result = spawnSync(path.join(REPO_ROOT, "node_modules", ".bin", "cdktf"), args, {
    cwd: REPO_ROOT,
    stdio: "inherit",
    env: { ...process.env, ...installation.env, FRACTALS_SIM_STATE: stateFile },
  });
  if (result.error) throw result.error;
  if (result.status !== 0) return result.status ?? 1;

  if (command === "destroy") {
    const left = Cloud.load(stateFile).all().length;
    console.log(`\nsimulated cloud: ${left === 0 ? "empty" : `${left} object(s) left (other environments)`}`);
  }
  return 0;
}

process.exitCode = main(process.argv.slice(2));
