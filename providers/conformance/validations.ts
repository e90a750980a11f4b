/**
 * The value validations a behaviour file records, with the semantics of the
 * terraform-plugin-sdk v2 `validation` package (and the framework's
 * int64validator for hashicorp/random). Only literal values are validated;
 * expressions are checked by Terraform once known.
 */
import { RuleId } from "./findings";
import type { Validation } from "../schema/types";
import { compilesAsRegExp, isCidr, isIpAddress, isRfc3339Time, isUuid, parseJson } from "../schema/value-formats";

export interface ValidationFailure {
  readonly rule: RuleId;
  readonly message: string;
}

/** Gives custom validators access to sibling arguments (e.g. `AtLeastSumOf(min_upper, ...)`). */
export interface ValidationContext {
  readonly siblings: Record<string, unknown>;
}

/** The first failure of `validation` for `value`, or undefined when it passes. */
export function validate(value: unknown, validation: Validation, ctx: ValidationContext): ValidationFailure | undefined {
  if (validation.all) {
    for (const v of validation.all) {
      const failure = validate(value, v, ctx);
      if (failure) return failure;
    }
  }
  if (validation.any) {
    const failures = validation.any.map((v) => validate(value, v, ctx));
    if (failures.every((f) => f)) {
      return { rule: failures[0]!.rule, message: failures.map((f) => f!.message).join(", or ") };
    }
  }
  return checkOneOf(value, validation)
    ?? checkIntRange(value, validation)
    ?? checkStringLength(value, validation)
    ?? checkFormat(value, validation)
    ?? checkCustom(value, validation, ctx);
}

function checkOneOf(value: unknown, v: Validation): ValidationFailure | undefined {
  if (!v.one_of) return undefined;
  // IntInSlice records numbers, StringInSlice strings; Terraform has already converted the value to the attribute's type.
  const ok = v.one_of.some((allowed) => typeof allowed === "number"
    ? Number(value) === allowed
    : v.ignore_case ? allowed.toLowerCase() === String(value).toLowerCase() : allowed === String(value));
  if (ok) return undefined;
  const allowed = v.one_of.map((a) => JSON.stringify(a)).join(", ");
  return { rule: "one-of", message: `must be one of ${allowed}${v.ignore_case ? " (case-insensitive)" : ""}, got ${JSON.stringify(value)}` };
}

function checkIntRange(value: unknown, v: Validation): ValidationFailure | undefined {
  const [min, max] = v.int_between ?? [v.int_at_least, v.int_at_most];
  if (min === undefined && max === undefined) return undefined;
  const n = Number(value);
  const range = min !== undefined && max !== undefined ? `between ${min} and ${max}`
    : min !== undefined ? `at least ${min}` : `at most ${max}`;
  if (!Number.isInteger(n)) return { rule: "int-range", message: `must be an integer ${range}, got ${JSON.stringify(value)}` };
  if ((min !== undefined && n < min) || (max !== undefined && n > max)) {
    return { rule: "int-range", message: `must be ${range}, got ${n}` };
  }
  return undefined;
}

function checkStringLength(value: unknown, v: Validation): ValidationFailure | undefined {
  if (!v.string_len_between) return undefined;
  const [min, max] = v.string_len_between;
  const length = String(value).length;
  if (length >= min && length <= max) return undefined;
  return { rule: "string-length", message: `must be between ${min} and ${max} characters long, got ${length}` };
}

function checkFormat(value: unknown, v: Validation): ValidationFailure | undefined {
  const s = String(value);
  const got = JSON.stringify(value);
  if (v.cidr && !isCidr(s)) return { rule: "cidr", message: `must be a CIDR such as 10.0.0.0/24, got ${got}` };
  if (v.ip && !isIpAddress(s)) return { rule: "ip", message: `must be an IPv4 or IPv6 address, got ${got}` };
  if (v.json && parseJson(s) === undefined) return { rule: "json", message: `must be valid JSON, got ${got}` };
  if (v.uuid && !isUuid(s)) {
    return { rule: "uuid", message: `must be a UUID, got ${got}` };
  }
  if (v.regexp && !compilesAsRegExp(s)) return { rule: "regexp", message: `must be a valid regular expression, got ${got}` };
  if (v.match !== undefined && !new RegExp(v.match).test(s)) {
    return { rule: "regexp", message: `must match /${v.match}/, got ${got}` };
  }
  if (v.rfc3339_time && !isRfc3339Time(s)) {
    return { rule: "rfc3339", message: `must be an RFC 3339 timestamp such as 2030-01-01T00:00:00Z, got ${got}` };
  }
  if (v.not_empty && s === "") return { rule: "not-empty", message: "must not be empty" };
  if (v.no_zero_values && (value === "" || value === 0 || value === false)) {
    return { rule: "not-empty", message: `must not be a zero value, got ${got}` };
  }
  return undefined;
}

/** Provider-specific validators, by the name the behaviour file records. Unknown names cannot be checked offline. */
function checkCustom(value: unknown, v: Validation, ctx: ValidationContext): ValidationFailure | undefined {
  if (!v.custom) return undefined;
  const got = JSON.stringify(value);
  if (v.custom === "validateJSONObject") {
    const parsed = parseJson(String(value));
    if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
      return { rule: "json", message: `must be a JSON object, got ${got}` };
    }
  }
  if (v.custom.startsWith("resourceNetworkingSecGroupRuleV2Protocol")) {
    // The provider accepts a protocol number 0-255 when the name is not in its list.
    const n = Number(value);
    if (!/^\d+$/.test(String(value)) || n > 255) return { rule: "one-of", message: `must be a protocol name or a number 0-255, got ${got}` };
  }
  const sumOf = /^AtLeastSumOf\(([^)]*)\)$/.exec(v.custom);
  if (sumOf) {
    const names = sumOf[1].split(",").map((n) => n.trim());
    const known = names.map((n) => ctx.siblings[n]).filter((x) => typeof x === "number") as number[];
    const sum = known.reduce((a, b) => a + b, 0);
    if (Number(value) < sum) {
      return { rule: "custom-validation", message: `must be at least ${names.join(" + ")} (${sum}), got ${got}` };
    }
  }
  return undefined;
}
