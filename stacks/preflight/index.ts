/**
 * The real-cloud preflight: before `cdktf deploy`/`diff`/`destroy` reach
 * Terraform, say in one line per problem what is missing, instead of
 * Terraform's "Invoking Terraform CLI failed with exit code 1" minutes later.
 * main.ts runs it while synthesizing; it does nothing for `cdktf synth`,
 * tests and the simulator (`npm run sim:*`).
 */
import { join, resolve } from "node:path";
import { EnvironmentConfig, loadEnvironments } from "../../config";
import { credentialProblems, placeholderProblems } from "./checks";
import { CdktfInvocation, CLOUD_COMMANDS, findCdktfInvocation } from "./command";
import { providerProblem } from "./provider";

export interface PreflightOptions {
  readonly env: NodeJS.ProcessEnv;
  /** The cdktf command being run; default: read from the parent processes. */
  readonly invocation?: CdktfInvocation;
  readonly cwd?: string;
  /** Reaches the Terraform registry, or says why not (tests stub it). */
  readonly probe?: () => Promise<string | undefined>;
}

/**
 * Whether this synth is for a real cloud: a cdktf command that runs
 * Terraform, not the simulator (which sets FRACTALS_SIM_STATE for its
 * provider). FRACTALS_PREFLIGHT=0 turns it off, =1 on whatever the command.
 */
export function preflightCommand(
  env: NodeJS.ProcessEnv,
  find: () => CdktfInvocation | undefined = findCdktfInvocation,
): CdktfInvocation | undefined {
  if (env.FRACTALS_PREFLIGHT === "0") return undefined;
  if (env.FRACTALS_PREFLIGHT === "1") return find() ?? { command: "deploy", stacks: [] };
  if (env.FRACTALS_SIM_STATE) return undefined;
  const invocation = find();
  return invocation !== undefined && CLOUD_COMMANDS.has(invocation.command) ? invocation : undefined;
}

/**
 * The problems, one line each; empty when the deploy may go ahead (or this
 * is no deploy). `inputs` are validated here (ConfigError) only when it runs.
 */
export async function preflight(inputs: readonly unknown[], options: PreflightOptions): Promise<string[]> {
  const invocation = options.invocation ?? preflightCommand(options.env);
  if (invocation === undefined) return [];
  const targets = targetEnvironments(loadEnvironments(inputs), invocation.stacks);
  const outdir = resolve(options.cwd ?? process.cwd(), options.env.CDKTF_OUTDIR ?? "cdktf.out");
  const provider = providerProblem({
    env: options.env,
    stackDirs: targets.map((e) => join(outdir, "stacks", e.env)),
    probe: options.probe,
  });
  // Placeholders matter to what is about to be deployed, not to what is being destroyed.
  const placeholders = invocation.command === "destroy" ? [] : placeholderProblems(targets);
  const problems = [...credentialProblems(targets, options.env, options.cwd), ...placeholders];
  const providerLine = await provider;
  return providerLine ? [...problems, providerLine] : problems;
}

/**
 * The stacks named on the command line (`cdktf deploy dev`): the words that
 * are environment names (option values such as `--output dir` are not);
 * all of them when none is named or a pattern (`'*'`) is given.
 */
function targetEnvironments(environments: readonly EnvironmentConfig[], words: readonly string[]): readonly EnvironmentConfig[] {
  const named = environments.filter((e) => words.includes(e.env));
  return named.length === 0 || words.some((w) => w.includes("*")) ? environments : named;
}
