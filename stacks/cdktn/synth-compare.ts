/**
 * Compares two `cdktf synth` outputs stack by stack. The only difference
 * allowed is the synthesizing library's version in the `//` metadata: a
 * stack that Terraform would read differently is a difference.
 */
import { readSynthDir } from "../../preview/load-inputs";

/** Where the synthesizing library writes its own version; expected to differ between cdktf and cdktn. */
const LIBRARY_VERSION: readonly string[] = ["//", "metadata", "version"];

export interface SynthComparison {
  readonly stacks: readonly string[];
  /** `<stack>: <path>: <a> != <b>`, at most `limit` of them. */
  readonly differences: readonly string[];
}

export function compareSynthOutputs(a: string, b: string, limit = 20): SynthComparison {
  const [left, right] = [readSynthDir(a, "synth output"), readSynthDir(b, "synth output")];
  const names = [...new Set([...left.keys(), ...right.keys()])].sort();
  const differences: string[] = [];
  for (const stack of names) {
    diff(left.get(stack), right.get(stack), [], (path, x, y) =>
      differences.push(`${stack}: ${path.join(".") || "(whole stack)"}: ${brief(x)} != ${brief(y)}`),
    );
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
