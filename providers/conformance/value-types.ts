/**
 * Whether a literal JSON value converts to a Terraform type, following
 * Terraform's own conversions (cty): a number or bool is a fine string, "80"
 * is a fine number, "true" a fine bool; anything else of the wrong kind is an
 * error Terraform would report at plan time. Expressions convert to anything.
 */
import { isExpression } from "./expressions";
import type { CtyType } from "../schema/types";

export interface TypeMismatch {
  /** Relative to the value checked: `""`, `[1]`, `.key`, `[0].name`. */
  readonly at: string;
  readonly message: string;
}

export function typeMismatches(value: unknown, type: CtyType, at = ""): TypeMismatch[] {
  if (isExpression(value) || type === "dynamic") return [];
  if (value === null) return [{ at, message: "must not be null inside a collection" }];
  const got = describe(value);
  if (typeof type === "string") {
    return convertsToPrimitive(value, type) ? [] : [{ at, message: `must be a ${type}, got ${got}` }];
  }
  const [kind, elem] = type;
  switch (kind) {
    case "list":
    case "set":
      if (!Array.isArray(value)) return [{ at, message: `must be a ${kind} of ${typeName(elem)}, got ${got}` }];
      return value.flatMap((v, i) => typeMismatches(v, elem, `${at}[${i}]`));
    case "map":
      if (!isPlainObject(value)) return [{ at, message: `must be a map of ${typeName(elem)}, got ${got}` }];
      return Object.entries(value).flatMap(([k, v]) => typeMismatches(v, elem, `${at}.${k}`));
    case "object": {
      if (!isPlainObject(value)) return [{ at, message: `must be an object with attributes ${Object.keys(elem).join(", ")}, got ${got}` }];
      const missing = Object.keys(elem).filter((k) => !(k in value));
      const extra = Object.keys(value).filter((k) => !(k in elem));
      return [
        ...missing.map((k) => ({ at: `${at}.${k}`, message: "is required by the object type" })),
        ...extra.map((k) => ({
          at: `${at}.${k}`,
          message: `is not an attribute of the object type (expected ${Object.keys(elem).join(", ")})`,
        })),
        ...Object.entries(value)
          .filter(([k]) => k in elem)
          .flatMap(([k, v]) => typeMismatches(v, elem[k], `${at}.${k}`)),
      ];
    }
    case "tuple":
      if (!Array.isArray(value) || value.length !== elem.length)
        return [{ at, message: `must be a tuple of ${elem.length} elements, got ${got}` }];
      return value.flatMap((v, i) => typeMismatches(v, elem[i], `${at}[${i}]`));
  }
}

export function typeName(type: CtyType): string {
  if (typeof type === "string") return type;
  if (type[0] === "object") return "object";
  if (type[0] === "tuple") return "tuple";
  return `${type[0]} of ${typeName(type[1])}`;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function convertsToPrimitive(value: unknown, type: "string" | "number" | "bool"): boolean {
  switch (type) {
    case "string":
      return typeof value === "string" || typeof value === "number" || typeof value === "boolean";
    case "number":
      return typeof value === "number" || (typeof value === "string" && /^-?\d+(\.\d+)?([eE][+-]?\d+)?$/.test(value));
    case "bool":
      return typeof value === "boolean" || value === "true" || value === "false";
  }
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return "a list";
  if (isPlainObject(value)) return "an object";
  return `${typeof value} ${JSON.stringify(value)}`;
}
