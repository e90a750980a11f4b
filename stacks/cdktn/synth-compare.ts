/**
 * Compares two `cdktf synth` outputs stack by stack. The only difference
 * allowed is the synthesizing library's version in the `//` metadata: a
 * stack that Terraform would read differently is a difference.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

/** Where the synthesizing library writes its own version; expected to differ between cdktf and cdktn. */
const LIBRARY_VERSION: readonly string[] = ["//", "metadata", "version"];

export interface SynthComparison {
  readonly stacks: readonly string[];
  /** `<stack>: <path>: <a> != <b>`, at most `limit` of them. */
  readonly differences: readonly string[];
}

export function compareSynthOutputs(a: string, b: string, limit = 20): SynthComparison {
  const stacks = (dir: string) => (existsSync(join(dir, "stacks")) ? readdirSync(join(dir, "stacks")).sort() : []);
  const names = [...new Set([...stacks(a), ...stacks(b)])].sort();
  const differences: string[] = [];
  for (const stack of names) {
    const read = (dir: string) => {
      const file = join(dir, "stacks", stack, "cdk.tf.json");
      return existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as unknown) : undefined;
    };
    diff(read(a), read(b), [], (path, x, y) => differences.push(`${stack}: ${path.join(".") || "(whole stack)"}: ${brief(x)} != ${brief(y)}`));
  }
  return { stacks: names, differences: differences.slice(0, limit) };
}

function diff(a: unknown, b: unknown, path: string[], report: (path: string[], a: unknown, b: unknown) => void): void {
  if (path.length === LIBRARY_VERSION.length && path.every((p, i) => p === LIBRARY_VERSION[i])) return;
  if (a !== null && b !== null && typeof a === "object" && typeof b === "object" && Array.isArray(a) === Array.isArray(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const key of keys) diff((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key], [...path, key], report);
    return;
  }
  if (a !== b) report(path, a, b);
}

function brief(value: unknown): string {
  const text = value === undefined ? "(absent)" : JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
