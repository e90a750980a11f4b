/**
 * The behaviour file's validations and argument relations for one
 * configuration body, interpreted by providers/schema/behaviour.ts (the
 * simulator's interpreter too). This file only turns Terraform JSON into what
 * the provider would receive at validate time: literals converted to the
 * attribute's type (`"22"` for a number is 22), blocks written as a single
 * object as a list of one, `${...}` expressions and `dynamic` blocks as
 * unknown values. The literals inside a dynamic block's content are still
 * validated, at their `dynamic.<block>.content` path.
 */
import { PathStep, UNKNOWN_VALUE, validateBody, ValueCheckKind } from "../schema/behaviour";
import type { AttributeBehaviour, CtyType, SchemaBlock } from "../schema/types";
import type { Report } from "./check-block";
import { isExpression } from "./expressions";
import { isPlainObject, typeMismatches } from "./value-types";

const VALUE_CHECKS: ReadonlySet<string> = new Set<ValueCheckKind>([
  "one-of",
  "int-range",
  "string-length",
  "cidr",
  "ip",
  "json",
  "uuid",
  "regexp",
  "rfc3339",
  "not-empty",
  "custom-validation",
]);

/** The content of a dynamic block, validated on its own (its relations are deferred with the block). */
interface DynamicContent {
  readonly body: Record<string, unknown>;
  readonly block: SchemaBlock;
  readonly schemaPath: string;
  readonly path: PathStep[];
}

export function checkBehaviour(
  body: Record<string, unknown>,
  block: SchemaBlock,
  behaviour: Readonly<Record<string, AttributeBehaviour>>,
  report: Report,
  skipKeys: ReadonlySet<string> = new Set(),
): void {
  const contents: DynamicContent[] = [];
  const config = toConfig(body, block, "", [], skipKeys, contents);
  const isUnknown = (v: unknown) => v === UNKNOWN_VALUE;
  for (const f of validateBody(block, behaviour, config, { isUnknown })) report(renderPath(f.path), f.kind, f.detail);
  for (const content of contents) {
    const prefix = `${content.schemaPath}.`;
    const inner = Object.fromEntries(
      Object.entries(behaviour)
        .filter(([key]) => key.startsWith(prefix))
        .map(([key, rules]) => [key.slice(prefix.length), rules]),
    );
    for (const f of validateBody(content.block, inner, content.body, { isUnknown })) {
      if (VALUE_CHECKS.has(f.kind)) report(renderPath([...content.path, ...f.path]), f.kind, f.detail);
    }
  }
}

/** `fixed_ip[0].subnet_id`, `metadata.role`, `addresses[1]`: the checker's paths. */
export function renderPath(path: readonly PathStep[]): string {
  return path.map((step, i) => (typeof step === "number" ? `[${step}]` : i === 0 ? step : `.${step}`)).join("");
}

function toConfig(
  body: Record<string, unknown>,
  block: SchemaBlock,
  schemaPrefix: string,
  path: PathStep[],
  skipKeys: ReadonlySet<string>,
  contents: DynamicContent[],
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const attributes = block.attributes ?? {};
  const blockTypes = block.block_types ?? {};
  for (const [key, value] of Object.entries(body)) {
    if (key === "//" || skipKeys.has(key)) continue;
    if (key in attributes) {
      out[key] = value === null || value === undefined ? null : toValue(value, attributes[key].type);
    } else if (key in blockTypes) {
      const nested = blockTypes[key];
      const at = (step?: PathStep): PathStep[] => (step === undefined ? [...path, key] : [...path, key, step]);
      const element = (v: unknown, step?: PathStep) =>
        isPlainObject(v) ? toConfig(v, nested.block, `${schemaPrefix}${key}.`, at(step), new Set(), contents) : UNKNOWN_VALUE;
      if (value === null || value === undefined) out[key] = null;
      else if (isExpression(value)) out[key] = UNKNOWN_VALUE;
      else if (nested.nesting_mode === "map") {
        out[key] = isPlainObject(value)
          ? Object.fromEntries(Object.entries(value).map(([label, v]) => [label, element(v, label)]))
          : UNKNOWN_VALUE;
      } else if (nested.nesting_mode === "single" || nested.nesting_mode === "group") {
        out[key] = Array.isArray(value) ? (value.length === 1 ? element(value[0]) : UNKNOWN_VALUE) : element(value);
      } else {
        out[key] = Array.isArray(value) ? value.map((v, i) => element(v, i)) : [element(value, 0)];
      }
    }
  }
  if (isPlainObject(body.dynamic) && !skipKeys.has("dynamic")) {
    for (const [name, spec] of Object.entries(body.dynamic)) {
      if (!(name in blockTypes)) continue;
      if (out[name] === undefined || out[name] === null) out[name] = UNKNOWN_VALUE;
      if (isPlainObject(spec) && isPlainObject(spec.content)) {
        const schemaPath = `${schemaPrefix}${name}`;
        const at = [...path, "dynamic", name, "content"];
        contents.push({
          body: toConfig(spec.content, blockTypes[name].block, "", [], new Set(), []),
          block: blockTypes[name].block,
          schemaPath,
          path: at,
        });
      }
    }
  }
  return out;
}

/** A literal as Terraform converts it to `type`; expressions and values that do not convert (reported as wrong-type) are unknown. */
function toValue(value: unknown, type: CtyType): unknown {
  if (isExpression(value)) return UNKNOWN_VALUE;
  if (type === "dynamic") return value;
  if (typeMismatches(value, type).length > 0) return UNKNOWN_VALUE;
  if (typeof type === "string") {
    if (type === "number") return Number(value);
    if (type === "bool") return value === true || value === "true";
    return typeof value === "string" ? value.replace(/\$\$\{/g, "${").replace(/%%\{/g, "%{") : String(value);
  }
  switch (type[0]) {
    case "list":
    case "set":
      return (value as unknown[]).map((v) => toValue(v, type[1]));
    case "map":
      return Object.fromEntries(Object.entries(value as object).map(([k, v]) => [k, toValue(v, type[1])]));
    case "object":
      return Object.fromEntries(Object.entries(value as object).map(([k, v]) => [k, toValue(v, type[1][k])]));
    case "tuple":
      return (value as unknown[]).map((v, i) => toValue(v, type[1][i]));
  }
}
