import { AttributePath } from "./plan-json";
import { childMarker, Redactor, unionMarker } from "./sensitive-values";

/** Shown for values Terraform learns only while applying. */
export const KNOWN_AFTER_APPLY = "(known after apply)";

/**
 * Path segment for a step into a string holding JSON (a Heat template, a
 * policy document): its changes are shown key by key, not as two blobs.
 */
export const EMBEDDED_JSON = "\u0000json";

/** Longest value shown; a longer one is cut around its first difference from the other side. */
const MAX_VALUE_CHARS = 160;

/** One changed leaf attribute, its values already rendered and masked. */
export interface AttributeChange {
  readonly path: AttributePath;
  /** Undefined when the attribute was absent or null before. */
  readonly before?: string;
  /** Undefined when the attribute is absent or null after. */
  readonly after?: string;
  /** Part of `replace_paths`: changing it is why the resource is replaced. */
  readonly forcesReplacement: boolean;
}

/** A resource's two sides, shaped like a plan's `change` (the synth diff leaves out what it lacks). */
export interface AttributeDiffInput {
  readonly before: unknown;
  readonly after: unknown;
  readonly afterUnknown?: unknown;
  readonly beforeSensitive?: unknown;
  readonly afterSensitive?: unknown;
  readonly replacePaths?: readonly AttributePath[];
}

/**
 * The leaf attributes that differ between `before` and `after`, in path
 * order. Nested objects and lists are walked down to their leaves so a
 * reviewer sees `network[0].uuid`, not two blobs of JSON.
 */
export function diffAttributes(input: AttributeDiffInput, redactor: Redactor): AttributeChange[] {
  const changes: AttributeChange[] = [];
  const replacePaths = input.replacePaths ?? [];

  const walk = (path: (string | number)[], b: unknown, a: unknown, unknown: unknown, bs: unknown, as: unknown): void => {
    const forcesReplacement = replacePaths.some((rp) => isPrefix(rp, path) || isPrefix(path, rp));
    const render = (value: unknown, marker: unknown) =>
      value === null || value === undefined ? undefined : redactor.render(value, marker, path);
    // A value sensitive on either side of the change is masked on both (unmarked before, sensitive after: the same secret).
    const marker = unionMarker(bs, as);
    if (unknown === true) {
      const before = render(b, marker);
      changes.push({ path, before: before && shorten(before, 0), after: KNOWN_AFTER_APPLY, forcesReplacement });
      return;
    }
    const sensitive = marker === true;
    if (!sensitive && canDescend(b, a, unknown)) {
      for (const key of childKeys(b, a, unknown)) {
        walk([...path, key], child(b, key), child(a, key), child(unknown, key), childMarker(bs, key), childMarker(as, key));
      }
      return;
    }
    if (sameValue(b, a)) return;
    const embedded = sensitive ? undefined : embeddedJson(b, a);
    if (embedded) {
      walk([...path, EMBEDDED_JSON], embedded[0], embedded[1], undefined, undefined, undefined);
      return;
    }
    const before = render(b, marker);
    const after = render(a, marker);
    const focus = before !== undefined && after !== undefined ? firstDifference(before, after) : 0;
    changes.push({ path, before: before && shorten(before, focus), after: after && shorten(after, focus), forcesReplacement });
  };

  walk([], input.before, input.after, input.afterUnknown, input.beforeSensitive, input.afterSensitive);
  return changes;
}

/** `a.b[0]["x.y"]`: how Terraform itself writes attribute paths; ` » ` steps into embedded JSON. */
export function formatPath(path: AttributePath): string {
  return path
    .map((segment, i) => {
      if (typeof segment === "number") return `[${segment}]`;
      if (segment === EMBEDDED_JSON) return " »";
      if (i > 0 && path[i - 1] === EMBEDDED_JSON && /^[A-Za-z_][A-Za-z0-9_-]*$/.test(segment)) return ` ${segment}`;
      if (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(segment)) return i === 0 ? segment : `.${segment}`;
      return `[${JSON.stringify(segment)}]`;
    })
    .join("");
}

/** Both sides parsed, when both are strings holding a JSON object or array. */
function embeddedJson(b: unknown, a: unknown): [unknown, unknown] | undefined {
  const parse = (text: unknown) => {
    if (typeof text !== "string" || !/^\s*[[{]/.test(text)) return undefined;
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return undefined;
    }
  };
  const parsed = [parse(b), parse(a)];
  return parsed[0] !== undefined && parsed[1] !== undefined ? [parsed[0], parsed[1]] : undefined;
}

function firstDifference(x: string, y: string): number {
  let i = 0;
  while (i < x.length && i < y.length && x[i] === y[i]) i++;
  return i;
}

/** At most MAX_VALUE_CHARS of `text`, a window that shows position `focus` with some context before it. */
function shorten(text: string, focus: number): string {
  if (text.length <= MAX_VALUE_CHARS) return text;
  const start = Math.max(0, Math.min(focus - 40, text.length - MAX_VALUE_CHARS));
  const end = start + MAX_VALUE_CHARS;
  return `${start > 0 ? "…" : ""}${text.slice(start, end)}${end < text.length ? "…" : ""} (${text.length} chars)`;
}

function isPrefix(prefix: AttributePath, path: AttributePath): boolean {
  return prefix.length <= path.length && prefix.every((segment, i) => segment === path[i]);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** Walk into both sides when they are the same kind of container (or one side is missing). */
function canDescend(b: unknown, a: unknown, unknown: unknown): boolean {
  const sides = [b, a, unknown].filter((v) => v !== null && v !== undefined && v !== false);
  if (sides.length === 0) return false;
  return sides.every(Array.isArray) || sides.every(isObject);
}

function childKeys(...sides: unknown[]): (string | number)[] {
  if (sides.some(Array.isArray)) {
    const length = Math.max(...sides.map((s) => (Array.isArray(s) ? s.length : 0)));
    return Array.from({ length }, (_, i) => i);
  }
  const keys = new Set<string>();
  for (const side of sides) if (isObject(side)) for (const key of Object.keys(side)) keys.add(key);
  return [...keys].sort();
}

function child(value: unknown, key: string | number): unknown {
  if (value === null || typeof value !== "object") return undefined;
  return (value as Record<string | number, unknown>)[key];
}

function sameValue(b: unknown, a: unknown): boolean {
  return JSON.stringify(b ?? null) === JSON.stringify(a ?? null);
}
