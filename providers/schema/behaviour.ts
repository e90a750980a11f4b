/**
 * The one interpreter of a behaviour file (see types.ts): what ForceNew and
 * the static defaults say, and the validations and cross-attribute rules a
 * configuration must pass, with terraform-plugin-sdk v2's semantics and
 * wording. The conformance checker (providers/conformance) and the
 * simulator's provider (sim/provider) both call it, so `npm run check` and
 * `sim:deploy` accept and refuse the same configurations with the same words.
 *
 * A configuration body here is what the provider receives at validate time:
 * primitives already converted to the attribute's type, list and set blocks as
 * arrays, single blocks as objects, map blocks as objects keyed by label, and
 * values only known at apply time as an "unknown" the caller recognizes
 * (`options.isUnknown`). The SDK's rules for unknowns hold: an unknown value
 * passes its own validation, defers `conflicts_with` (on either side),
 * counts as set for `required_with` and `at_least_one_of`, and as "maybe"
 * for `exactly_one_of`.
 */
import type { AttributeBehaviour, SchemaBlock, SchemaNestedBlock, Validation } from "./types";
import { compilesAsRegExp, isCidr, isIpAddress, isRfc3339Time, isUuid, parseJson } from "./value-formats";

/** An attribute name, a block label or map key, or an index into a list or set. */
export type PathStep = string | number;

/** Keyed by schema path, nested blocks as dotted paths without indices (`block_device.uuid`). */
export type AttributeBehaviours = Readonly<Record<string, AttributeBehaviour>>;

export type ValueCheckKind =
  "one-of" | "int-range" | "string-length" | "cidr" | "ip" | "json" | "uuid" | "regexp" | "rfc3339" | "not-empty" | "custom-validation";
export type RelationKind = "conflicts-with" | "exactly-one-of" | "at-least-one-of" | "required-with";
export type BehaviourFindingKind = ValueCheckKind | RelationKind;

/** One refusal: where (from the body's root), which kind of rule, and the SDKv2 diagnostic's summary and detail. */
export interface BehaviourFinding {
  readonly path: PathStep[];
  readonly kind: BehaviourFindingKind;
  readonly summary: string;
  readonly detail: string;
}

/** What a value that fails one validation gets: its kind and SDKv2's message. */
export interface ValueProblem {
  readonly kind: ValueCheckKind;
  readonly detail: string;
  /** The diagnostic summary when it is not SDKv2's "Invalid value for <attribute>" (the framework's validators). */
  readonly summary?: string;
}

/** The unknown value of callers that have none of their own. */
export const UNKNOWN_VALUE: unique symbol = Symbol("unknown value");

export interface ValidateOptions {
  /** Whether a value is only known at apply time; defaults to `v === UNKNOWN_VALUE`. */
  readonly isUnknown?: (value: unknown) => boolean;
}

// ---------------------------------------------------------------- ForceNew and defaults

/** Whether a change of the argument at `schemaPath` replaces the resource (SDKv2's ForceNew). */
export function forcesNew(behaviour: AttributeBehaviours, schemaPath: string): boolean {
  return behaviour[schemaPath]?.force_new === true;
}

/** Whether any argument inside the nested block at `schemaPath` forces replacement. */
export function forcesNewWithin(behaviour: AttributeBehaviours, schemaPath: string): boolean {
  const prefix = `${schemaPath}.`;
  return Object.entries(behaviour).some(([key, rules]) => key.startsWith(prefix) && rules.force_new === true);
}

/** SDKv2's static Default of the argument at `schemaPath`, or undefined when it has none. */
export function staticDefault(behaviour: AttributeBehaviours, schemaPath: string): string | number | boolean | undefined {
  const value = behaviour[schemaPath]?.default;
  return value === null ? undefined : value;
}

// ---------------------------------------------------------------- validating a body

type State = "set" | "unknown" | "unset";

interface Walk {
  readonly behaviour: AttributeBehaviours;
  readonly rootBlock: SchemaBlock;
  readonly root: Readonly<Record<string, unknown>>;
  readonly isUnknown: (value: unknown) => boolean;
  readonly out: BehaviourFinding[];
}

/**
 * Every validation and cross-attribute rule the behaviour file records for a
 * resource, data source or provider configuration, through nested blocks.
 */
export function validateBody(
  block: SchemaBlock,
  behaviour: AttributeBehaviours,
  body: Readonly<Record<string, unknown>>,
  options: ValidateOptions = {},
): BehaviourFinding[] {
  const walk: Walk = { behaviour, rootBlock: block, root: body, isUnknown: options.isUnknown ?? ((v) => v === UNKNOWN_VALUE), out: [] };
  walkBlock(walk, block, body, "", [], "");
  return walk.out;
}

function walkBlock(
  w: Walk,
  block: SchemaBlock,
  body: Readonly<Record<string, unknown>>,
  schemaPrefix: string,
  path: PathStep[],
  sdkPrefix: string,
): void {
  for (const name of Object.keys(block.attributes ?? {})) {
    const key = schemaPrefix + name;
    const rules = w.behaviour[key];
    if (!rules) continue;
    const value = body[name] ?? null;
    const at = [...path, name];
    checkRelations(w, rules, sdkPrefix + name, attributeState(w, value), value, at);
    if (value === null || w.isUnknown(value)) continue;
    if (rules.validation && isPrimitive(value)) {
      const problem = checkValue(key, value, rules.validation, { siblings: body, isUnknown: w.isUnknown });
      if (problem) w.out.push(finding(at, key, problem));
    }
    const elemRule = rules.elem?.validation;
    if (elemRule && typeof value === "object") {
      const elements: [PathStep, unknown][] = Array.isArray(value) ? value.map((v, i) => [i, v]) : Object.entries(value as object);
      for (const [step, element] of elements) {
        if (!isPrimitive(element) || w.isUnknown(element)) continue;
        const problem = checkValue(`${key}.${step}`, element, elemRule, { siblings: body, isUnknown: w.isUnknown });
        if (problem) w.out.push(finding([...at, step], key, problem));
      }
    }
  }
  for (const [name, nested] of Object.entries(block.block_types ?? {})) {
    const key = schemaPrefix + name;
    const value = body[name] ?? null;
    const rules = w.behaviour[key];
    if (rules) checkRelations(w, rules, sdkPrefix + name, blockState(w, value), value, [...path, name]);
    if (value === null || w.isUnknown(value)) continue;
    for (const [step, element] of blockElements(value, nested)) {
      if (w.isUnknown(element) || !isRecord(element)) continue;
      const at = step === undefined ? [...path, name] : [...path, name, step];
      walkBlock(w, nested.block, element, `${key}.`, at, `${sdkPrefix}${name}.${step ?? 0}.`);
    }
  }
}

function finding(path: PathStep[], key: string, problem: ValueProblem): BehaviourFinding {
  return { path, kind: problem.kind, summary: problem.summary ?? `Invalid value for ${key}`, detail: problem.detail };
}

/** A block's elements with their path step: an index for list and set blocks, a label for map blocks, none for single ones. */
function blockElements(value: unknown, nested: SchemaNestedBlock): [PathStep | undefined, unknown][] {
  if (Array.isArray(value)) return value.map((v, i) => [i, v]);
  if (!isRecord(value)) return [];
  if (nested.nesting_mode === "map") return Object.entries(value);
  return [[undefined, value]];
}

/**
 * SDKv2's schemaMap.validate order for one key: ExactlyOneOf and AtLeastOneOf
 * always; RequiredWith when the key is set (known or not); ConflictsWith when
 * it is set and wholly known. Keys are SDK keys from the root (`directions.0.out`).
 */
function checkRelations(w: Walk, rules: AttributeBehaviour, sdkKey: string, self: State, value: unknown, at: PathStep[]): void {
  const stateOf = (key: string): State => (key === sdkKey ? self : resolve(w, key));
  const push = (kind: RelationKind, summary: string, detail: string) => w.out.push({ path: at, kind, summary, detail });
  if (rules.exactly_one_of && rules.exactly_one_of.length > 0) {
    const all = group(rules.exactly_one_of, sdkKey);
    const states = all.map(stateOf);
    const specified = all.filter((_, i) => states[i] === "set");
    if (specified.length === 0 && !states.includes("unknown")) {
      push("exactly-one-of", "Invalid combination of arguments", `"${sdkKey}": one of \`${all.join(",")}\` must be specified`);
    } else if (specified.length > 1) {
      push(
        "exactly-one-of",
        "Invalid combination of arguments",
        `"${sdkKey}": only one of \`${all.join(",")}\` can be specified, but \`${specified.join(",")}\` were specified.`,
      );
    }
  }
  if (rules.at_least_one_of && rules.at_least_one_of.length > 0) {
    const all = group(rules.at_least_one_of, sdkKey);
    if (all.every((k) => stateOf(k) === "unset")) {
      push("at-least-one-of", "Missing required argument", `"${sdkKey}": one of \`${all.join(",")}\` must be specified`);
    }
  }
  if (self === "unset") return;
  if (rules.required_with && rules.required_with.length > 0) {
    const all = group(rules.required_with, sdkKey);
    if (all.some((k) => stateOf(k) === "unset")) {
      push("required-with", "Missing required argument", `"${sdkKey}": all of \`${all.join(",")}\` must be specified`);
    }
  }
  if (self === "unknown" || !whollyKnown(w, value)) return;
  const conflicting = (rules.conflicts_with ?? []).find((k) => k !== sdkKey && stateOf(k) === "set");
  if (conflicting) push("conflicts-with", "Conflicting configuration arguments", `"${sdkKey}": conflicts with ${conflicting}`);
}

/** The SDK's `removeDuplicates(append(keys, k))`, sorted. */
function group(keys: readonly string[], self: string): string[] {
  return [...new Set([...keys, self])].sort();
}

function attributeState(w: Walk, value: unknown): State {
  if (value === null || value === undefined) return "unset";
  return w.isUnknown(value) ? "unknown" : "set";
}

/** A block with no elements is absent for the SDK (its config shim leaves empty blocks out). */
function blockState(w: Walk, value: unknown): State {
  if (value === null || value === undefined) return "unset";
  if (w.isUnknown(value)) return "unknown";
  return Array.isArray(value) && value.length === 0 ? "unset" : "set";
}

function whollyKnown(w: Walk, value: unknown): boolean {
  if (w.isUnknown(value)) return false;
  if (Array.isArray(value)) return value.every((v) => whollyKnown(w, v));
  if (isRecord(value)) return Object.values(value).every((v) => whollyKnown(w, v));
  return true;
}

/** Follows an SDK key such as `directions.0.out` through the body and its schema. */
function resolve(w: Walk, key: string): State {
  const segments = key.split(".");
  let block: SchemaBlock = w.rootBlock;
  let body: unknown = w.root;
  for (let i = 0; i < segments.length; i++) {
    if (w.isUnknown(body)) return "unknown";
    if (!isRecord(body)) return "unset";
    const name = segments[i];
    const nested = block.block_types?.[name];
    if (!nested) {
      if (i !== segments.length - 1 || !block.attributes?.[name]) return "unset";
      return attributeState(w, body[name] ?? null);
    }
    const value = body[name] ?? null;
    if (i === segments.length - 1) return blockState(w, value);
    if (value === null) return "unset";
    if (w.isUnknown(value)) return "unknown";
    const step = segments[++i];
    if (Array.isArray(value)) body = /^\d+$/.test(step) ? value[Number(step)] : undefined;
    else if (nested.nesting_mode === "map") body = isRecord(value) ? value[step] : undefined;
    else body = step === "0" ? value : undefined;
    if (body === undefined) return "unset";
    block = nested.block;
  }
  return "unset";
}

// ---------------------------------------------------------------- validating one value

export interface ValueContext {
  /** The other arguments of the same block, for validators such as `AtLeastSumOf(min_upper, ...)`. */
  readonly siblings: Readonly<Record<string, unknown>>;
  readonly isUnknown?: (value: unknown) => boolean;
}

/**
 * The first failure of `validation` for a known primitive `value` of the
 * argument `name`, in the words of the SDKv2 `validation` function (or the
 * provider's own validator) the behaviour file records; undefined when it passes.
 */
export function checkValue(
  name: string,
  value: string | number | boolean,
  validation: Validation,
  ctx: ValueContext,
): ValueProblem | undefined {
  for (const v of validation.all ?? []) {
    const problem = checkValue(name, value, v, ctx);
    if (problem) return problem;
  }
  if (validation.any && validation.any.length > 0) {
    const problems = validation.any.map((v) => checkValue(name, value, v, ctx));
    if (problems.every((p) => p)) return { kind: problems[0]!.kind, detail: problems.map((p) => p!.detail).join("; ") };
  }
  return (
    checkOneOf(name, value, validation) ??
    checkInt(name, value, validation) ??
    checkString(name, value, validation) ??
    checkCustom(name, value, validation, ctx)
  );
}

/** Go's `%q` of a []string, `%v` of an []int: `["a" "b"]`, `[4 6]`. */
function goList(values: readonly (string | number)[]): string {
  return `[${values.map((v) => (typeof v === "string" ? JSON.stringify(v) : String(v))).join(" ")}]`;
}

/** StringInSlice / IntInSlice. */
function checkOneOf(name: string, value: string | number | boolean, v: Validation): ValueProblem | undefined {
  if (!v.one_of) return undefined;
  const ok = v.one_of.some((allowed) =>
    typeof allowed === "number"
      ? Number(value) === allowed
      : v.ignore_case
        ? allowed.toLowerCase() === String(value).toLowerCase()
        : allowed === String(value),
  );
  return ok ? undefined : { kind: "one-of", detail: `expected ${name} to be one of ${goList(v.one_of)}, got ${value}` };
}

/** IntBetween / IntAtLeast / IntAtMost, on an integer attribute. */
function checkInt(name: string, value: string | number | boolean, v: Validation): ValueProblem | undefined {
  const [min, max] = v.int_between ?? [v.int_at_least, v.int_at_most];
  if (min === undefined && max === undefined) return undefined;
  const n = Number(value);
  if (typeof value === "boolean" || !Number.isInteger(n))
    return { kind: "int-range", detail: `expected type of ${name} to be integer, got ${value}` };
  if (v.int_between && (n < v.int_between[0] || n > v.int_between[1])) {
    return { kind: "int-range", detail: `expected ${name} to be in the range (${min} - ${max}), got ${n}` };
  }
  if (!v.int_between && min !== undefined && n < min)
    return { kind: "int-range", detail: `expected ${name} to be at least (${min}), got ${n}` };
  if (!v.int_between && max !== undefined && n > max)
    return { kind: "int-range", detail: `expected ${name} to be at most (${max}), got ${n}` };
  return undefined;
}

/** StringLenBetween, IsCIDR, IsIPAddress, IsUUID, StringIsNotEmpty, IsRFC3339Time, StringMatch, StringIsValidRegExp, StringIsJSON, NoZeroValues. */
function checkString(name: string, value: string | number | boolean, v: Validation): ValueProblem | undefined {
  const s = String(value);
  const len = v.string_len_between;
  if (len && (s.length < len[0] || s.length > len[1])) {
    return { kind: "string-length", detail: `expected length of ${name} to be in the range (${len[0]} - ${len[1]}), got ${s}` };
  }
  if (v.cidr && !isCidr(s)) return { kind: "cidr", detail: `expected ${name} to be a valid IPv4 or IPv6 CIDR, got ${s}` };
  if (v.ip && !isIpAddress(s)) return { kind: "ip", detail: `expected ${name} to contain a valid IP, got: ${s}` };
  if (v.uuid && !isUuid(s)) return { kind: "uuid", detail: `expected ${JSON.stringify(name)} to be a valid UUID, got ${s}` };
  if (v.not_empty && s === "") return { kind: "not-empty", detail: `expected ${JSON.stringify(name)} not to be an empty string` };
  if (v.rfc3339_time && !isRfc3339Time(s)) {
    return { kind: "rfc3339", detail: `expected ${JSON.stringify(name)} to be a valid RFC3339 date, got ${JSON.stringify(s)}` };
  }
  if (v.match !== undefined && !new RegExp(v.match).test(s))
    return { kind: "regexp", detail: `invalid value for ${name} (must match ${v.match})` };
  if (v.regexp && !compilesAsRegExp(s))
    return { kind: "regexp", detail: `${JSON.stringify(name)}: ${JSON.stringify(s)} is not a valid regular expression` };
  if (v.json && parseJson(s) === undefined) return { kind: "json", detail: `${JSON.stringify(name)} contains an invalid JSON` };
  if (v.no_zero_values && (value === 0 || value === "" || value === false)) {
    return { kind: "not-empty", detail: `expected ${name} to not be a zero value, got ${JSON.stringify(value)}` };
  }
  return undefined;
}

/**
 * The provider-specific validators the behaviour file names that can be
 * reproduced offline. Any other name passes: README lists them.
 */
function checkCustom(name: string, value: string | number | boolean, v: Validation, ctx: ValueContext): ValueProblem | undefined {
  if (!v.custom) return undefined;
  const s = String(value);
  if (v.custom === "validateJSONObject") {
    // terraform-provider-openstack's validateJSONObject: json.Unmarshal into a map[string]interface{}.
    if (s === "") return { kind: "json", detail: `${name}: value must not be empty` };
    const parsed = parseJson(s);
    if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
      return { kind: "json", detail: `${name}: must be a JSON object, got ${s}` };
    }
  }
  if (v.custom.startsWith("resourceNetworkingSecGroupRuleV2Protocol")) {
    // After its list of names, the provider takes strconv.Atoi of the protocol and requires 0-255.
    if (!/^[+-]?\d+$/.test(s))
      return { kind: "one-of", detail: `expected ${name} to be a protocol name or a number between 0 and 255, got ${s}` };
    const n = Number(s);
    if (n < 0 || n > 255) return { kind: "one-of", detail: `expected ${name} to be a protocol number between 0 and 255, got ${n}` };
  }
  const sumOf = /^AtLeastSumOf\(([^)]*)\)$/.exec(v.custom);
  if (sumOf) {
    // The framework's int64validator.AtLeastSumOf: it waits while any of the summed attributes is unknown.
    const names = sumOf[1].split(",").map((n) => n.trim());
    const values = names.map((n) => ctx.siblings[n] ?? null);
    if (values.some((x) => ctx.isUnknown?.(x))) return undefined;
    const sum = values.reduce<number>((total, x) => total + (typeof x === "number" ? x : 0), 0);
    if (Number(value) < sum) {
      return {
        kind: "custom-validation",
        summary: "Invalid Attribute Value",
        detail: `Attribute ${name} value must be at least sum of ${names.join(" + ")}, got: ${value}`,
      };
    }
  }
  return undefined;
}

function isPrimitive(value: unknown): value is string | number | boolean {
  return typeof value === "string" || typeof value === "number" || typeof value === "boolean";
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
