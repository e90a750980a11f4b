/**
 * The validations recorded in the behaviour file (SDKv2's ValidateFunc and
 * the cross-attribute rules), enforced at validate time with messages that
 * follow SDKv2's wording and name the attribute.
 */
import type { AttributeBehaviour, ResourceBehaviour, SchemaBlock, Validation } from "../../providers/schema/types";
import { compilesAsRegExp, isCidr, isIpAddress, isRfc3339Time, isUuid, parseJson } from "../../providers/schema/value-formats";
import { isObject, UNKNOWN, Value, ValueObject } from "../protocol/cty";
import { Diagnostic, PathStep } from "./diagnostics";

/** The SDKv2-style message for a value that fails `rule`, or null when it passes. */
function checkValue(name: string, value: Value, rule: Validation): string | null {
  if (value === null || value === UNKNOWN) return null;
  if (rule.all) {
    for (const r of rule.all) {
      const problem = checkValue(name, value, r);
      if (problem) return problem;
    }
  }
  if (rule.any) {
    const problems = rule.any.map((r) => checkValue(name, value, r));
    if (problems.every((p) => p !== null)) return problems.join("; ");
  }
  if (rule.one_of) {
    const matches = rule.one_of.some((allowed) =>
      typeof allowed === "string" && typeof value === "string" && rule.ignore_case
        ? allowed.toLowerCase() === value.toLowerCase()
        : allowed === value);
    if (!matches) return `expected ${name} to be one of ${JSON.stringify(rule.one_of)}, got ${JSON.stringify(value)}`;
  }
  if (typeof value === "number") {
    const between = rule.int_between;
    if (between && (value < between[0] || value > between[1])) {
      return `expected ${name} to be in the range (${between[0]} - ${between[1]}), got ${value}`;
    }
    if (rule.int_at_least !== undefined && value < rule.int_at_least) return `expected ${name} to be at least (${rule.int_at_least}), got ${value}`;
    if (rule.int_at_most !== undefined && value > rule.int_at_most) return `expected ${name} to be at most (${rule.int_at_most}), got ${value}`;
  }
  if (typeof value === "string") {
    const len = rule.string_len_between;
    if (len && (value.length < len[0] || value.length > len[1])) {
      return `expected length of ${name} to be in the range (${len[0]} - ${len[1]}), got ${value}`;
    }
    if (rule.cidr && !isCidr(value)) return `expected ${name} to be a valid IPv4 or IPv6 CIDR, got ${value}`;
    if (rule.ip && !isIpAddress(value)) return `expected ${name} to contain a valid IP, got: ${value}`;
    if (rule.uuid && !isUuid(value)) return `expected ${JSON.stringify(name)} to be a valid UUID, got ${value}`;
    if (rule.not_empty && value === "") return `expected ${JSON.stringify(name)} not to be an empty string`;
    if (rule.rfc3339_time && !isRfc3339Time(value)) {
      return `expected ${JSON.stringify(name)} to be a valid RFC3339 date, got ${JSON.stringify(value)}`;
    }
    if (rule.match !== undefined && !new RegExp(rule.match).test(value)) {
      return `invalid value for ${name} (must match ${rule.match})`;
    }
    if (rule.regexp && !compilesAsRegExp(value)) return `${JSON.stringify(name)}: ${JSON.stringify(value)} is not a valid regular expression`;
    if (rule.json && parseJson(value) === undefined) return `${JSON.stringify(name)} contains an invalid JSON`;
  }
  if (rule.no_zero_values && (value === 0 || value === "" || value === false)) {
    return `expected ${name} to not be a zero value, got ${JSON.stringify(value)}`;
  }
  return null;
}

/**
 * Per-attribute validations and the cross-attribute rules of one resource's
 * (or data source's) configuration, attribute paths included.
 */
export function validateConfig(block: SchemaBlock, behaviour: ResourceBehaviour | undefined, config: ValueObject): Diagnostic[] {
  if (!behaviour) return [];
  const diagnostics: Diagnostic[] = [];
  walkAttributes(block, behaviour, "", config, [], diagnostics);
  for (const [path, rules] of Object.entries(behaviour.attributes)) {
    if (path.includes(".")) continue; // cross-attribute rules are recorded with top-level names
    diagnostics.push(...crossAttributeProblems(path, rules, config));
  }
  return diagnostics;
}

function walkAttributes(
  block: SchemaBlock, behaviour: ResourceBehaviour, prefix: string, value: ValueObject, path: PathStep[], out: Diagnostic[],
): void {
  for (const name of Object.keys(block.attributes ?? {})) {
    const rules = behaviour.attributes[prefix + name];
    const v = value[name] ?? null;
    if (!rules || v === null || v === UNKNOWN) continue;
    if (rules.validation) {
      const problem = checkValue(prefix + name, v, rules.validation);
      if (problem) out.push({ severity: "ERROR", summary: `Invalid value for ${prefix + name}`, detail: problem, attribute: [...path, name] });
    }
    const elemRule = rules.elem?.validation;
    if (elemRule) {
      const elements = Array.isArray(v) ? v : isObject(v) ? Object.values(v) : [];
      elements.forEach((element, i) => {
        const problem = checkValue(`${prefix + name}.${i}`, element, elemRule);
        if (problem) out.push({ severity: "ERROR", summary: `Invalid value for ${prefix + name}`, detail: problem, attribute: [...path, name, i] });
      });
    }
  }
  for (const [name, nested] of Object.entries(block.block_types ?? {})) {
    const v = value[name] ?? null;
    if (v === null || v === UNKNOWN) continue;
    const elements: Value[] = Array.isArray(v) ? v : isObject(v) && (nested.nesting_mode === "map") ? Object.values(v) : [v];
    elements.forEach((element, i) => {
      if (!isObject(element)) return;
      const stepPath: PathStep[] = nested.nesting_mode === "single" || nested.nesting_mode === "group" ? [...path, name] : [...path, name, i];
      walkAttributes(nested.block, behaviour, `${prefix}${name}.`, element, stepPath, out);
    });
  }
}

function crossAttributeProblems(name: string, rules: AttributeBehaviour, config: ValueObject): Diagnostic[] {
  const isSet = (key: string) => {
    const v = config[key];
    return v !== undefined && v !== null && !(Array.isArray(v) && v.length === 0);
  };
  const problems: Diagnostic[] = [];
  const topLevel = (keys: readonly string[] | undefined) => (keys ?? []).filter((k) => !k.includes("."));
  // As in SDKv2, an argument still unknown at validate time is checked once it is known.
  if (isSet(name) && config[name] !== UNKNOWN) {
    for (const other of topLevel(rules.conflicts_with)) {
      if (other !== name && isSet(other) && config[other] !== UNKNOWN) {
        problems.push({ severity: "ERROR", summary: "Conflicting configuration arguments", detail: `"${name}": conflicts with ${other}`, attribute: [name] });
      }
    }
    const required = topLevel(rules.required_with);
    if (required.some((k) => !isSet(k))) {
      problems.push({ severity: "ERROR", summary: "Missing required argument", detail: `"${name}": all of \`${required.join(",")}\` must be specified`, attribute: [name] });
    }
  }
  // exactly_one_of / at_least_one_of are recorded on every member; report once, on the first.
  const exactly = topLevel(rules.exactly_one_of);
  if (exactly.length > 0 && exactly[0] === name) {
    const given = exactly.filter(isSet);
    if (given.length === 0) {
      problems.push({ severity: "ERROR", summary: "Invalid combination of arguments", detail: `"${name}": one of \`${exactly.join(",")}\` must be specified`, attribute: [name] });
    } else if (given.length > 1) {
      problems.push({ severity: "ERROR", summary: "Invalid combination of arguments", detail: `"${name}": only one of \`${exactly.join(",")}\` can be specified, but \`${given.join(",")}\` were specified.`, attribute: [name] });
    }
  }
  const atLeast = topLevel(rules.at_least_one_of);
  if (atLeast.length > 0 && atLeast[0] === name && !atLeast.some(isSet)) {
    problems.push({ severity: "ERROR", summary: "Missing required argument", detail: `"${name}": one of \`${atLeast.join(",")}\` must be specified`, attribute: [name] });
  }
  return problems;
}
