import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { basename, join } from "node:path";
import { parsePlanJson, PreviewError } from "./plan-json";
import { StackPlan } from "./plan-preview";

/** Beside a plan, what Terraform printed when that stack failed (the workflow writes it). */
export const ERROR_SUFFIX = ".error.txt";

/**
 * Reads `<stack>.json` plans from `dir`, stacks in `order`, then
 * alphabetically, each with its `<stack>.error.txt` when there is one. A
 * stack named in `expected` without a plan is reported as having none
 * (Terraform failed before writing one).
 */
export function readPlanDir(dir: string, options: { expected?: readonly string[]; order?: readonly string[] } = {}): StackPlan[] {
  requireDir(dir, "--plans");
  const names = readdirSync(dir);
  const found = new Map(names.filter((name) => name.endsWith(".json")).map((file) => [basename(file, ".json"), join(dir, file)]));
  const errors = new Map(
    names.filter((name) => name.endsWith(ERROR_SUFFIX)).map((file) => [basename(file, ERROR_SUFFIX), join(dir, file)]),
  );
  const expected = options.expected ?? [];
  if (found.size === 0 && errors.size === 0 && expected.length === 0)
    throw new PreviewError(`--plans ${dir}: no <stack>.json plan files in it`);

  const stacks = [...new Set([...expected, ...found.keys(), ...errors.keys()])].sort(byStackOrder(options.order));
  return stacks.map((stack) => {
    const file = found.get(stack);
    const errorFile = errors.get(stack);
    const error = errorFile === undefined ? undefined : readFileSync(errorFile, "utf8");
    return {
      stack,
      ...(file === undefined ? {} : { plan: parsePlanJson(readJson(file), file) }),
      ...(error === undefined ? {} : { error }),
    };
  });
}

/** Compares stack names: those in `order` first, in that order (dev, staging, prod), then alphabetically. */
export function byStackOrder(order: readonly string[] = []): (a: string, b: string) => number {
  const rank = (stack: string) => (order.includes(stack) ? order.indexOf(stack) : order.length);
  return (a, b) => rank(a) - rank(b) || a.localeCompare(b);
}

/** `<dir>/stacks/<stack>/cdk.tf.json` of a `cdktf synth` output, by stack name. */
export function readSynthDir(dir: string, flag: string): Map<string, unknown> {
  requireDir(dir, flag);
  const stacksDir = join(dir, "stacks");
  if (!existsSync(stacksDir)) throw new PreviewError(`${flag} ${dir}: not a cdktf synth output (no stacks/ directory)`);
  const stacks = new Map<string, unknown>();
  for (const stack of readdirSync(stacksDir).sort()) {
    const file = join(stacksDir, stack, "cdk.tf.json");
    if (existsSync(file)) stacks.set(stack, readJson(file));
  }
  return stacks;
}

function requireDir(dir: string, flag: string): void {
  if (!existsSync(dir)) throw new PreviewError(`${flag} ${dir}: no such directory`);
  if (!statSync(dir).isDirectory()) throw new PreviewError(`${flag} ${dir}: not a directory`);
}

function readJson(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, "utf8"));
  } catch (err) {
    throw new PreviewError(`${file}: malformed JSON (${(err as Error).message})`);
  }
}
