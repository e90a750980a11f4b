/**
 * cty values as Terraform puts them on the wire (DynamicValue.msgpack), shaped
 * by the schema types of ../providers/schema/types.ts.
 *
 * Values are plain JS: null, string, number, boolean, arrays (lists, sets,
 * tuples), plain objects (maps, objects), and UNKNOWN for values Terraform or
 * the provider will only know after apply.
 */
import { decode, encode, ExtensionCodec } from "@msgpack/msgpack";
import type { CtyType, SchemaBlock } from "../../providers/schema/types";

/** A value not known until apply (msgpack extension 0; 12 is an unknown with refinements). */
export const UNKNOWN: unique symbol = Symbol("unknown");
export type Unknown = typeof UNKNOWN;

export type Value = null | string | number | boolean | Unknown | Value[] | ValueObject;
export interface ValueObject {
  [key: string]: Value;
}

const codec = new ExtensionCodec();
codec.register({
  type: 0,
  encode: (value: unknown) => (value === UNKNOWN ? new Uint8Array([0]) : null),
  decode: () => UNKNOWN,
});
codec.register({ type: 12, encode: () => null, decode: () => UNKNOWN });

export function isObject(value: Value | undefined): value is ValueObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The object type of a block: attributes plus nested blocks in their collection shapes. */
export function blockType(block: SchemaBlock): CtyType {
  const fields: Record<string, CtyType> = {};
  for (const [name, attr] of Object.entries(block.attributes ?? {})) fields[name] = attr.type;
  for (const [name, nested] of Object.entries(block.block_types ?? {})) {
    const inner = blockType(nested.block);
    fields[name] = nested.nesting_mode === "single" || nested.nesting_mode === "group" ? inner : [nested.nesting_mode, inner];
  }
  return ["object", fields];
}

export function encodeValue(value: Value, type: CtyType): Uint8Array {
  return encode(conform(value, type), { extensionCodec: codec });
}

export function decodeValue(bytes: Uint8Array | undefined, type: CtyType): Value {
  if (!bytes || bytes.length === 0) return null;
  return conform(decode(bytes, { extensionCodec: codec }) as Value, type);
}

/**
 * Shapes a value to its type: every object attribute present (null when
 * missing), unknown keys dropped, numbers that cty sent as strings (beyond
 * float64 precision) parsed. Terraform rejects objects with missing keys.
 */
export function conform(value: Value, type: CtyType): Value {
  if (value === null || value === UNKNOWN) return value;
  if (type === "dynamic") {
    throw new Error("dynamic attributes are not supported: none of the served schemas uses them");
  }
  if (type === "number") return typeof value === "string" ? Number(value) : value;
  if (typeof type === "string") return value;
  const [kind, inner] = type;
  switch (kind) {
    case "list":
    case "set":
      return (value as Value[]).map((v) => conform(v, inner));
    case "tuple":
      return (value as Value[]).map((v, i) => conform(v, inner[i]));
    case "map": {
      const out: ValueObject = {};
      for (const [k, v] of Object.entries(value as ValueObject)) out[k] = conform(v, inner);
      return out;
    }
    case "object": {
      const out: ValueObject = {};
      const source = value as ValueObject;
      for (const [k, t] of Object.entries(inner)) out[k] = conform(source[k] ?? null, t);
      return out;
    }
  }
}

/** Deep equality; UNKNOWN equals nothing, not even itself (it may become anything). */
export function valuesEqual(a: Value | undefined, b: Value | undefined): boolean {
  if (a === UNKNOWN || b === UNKNOWN) return false;
  if (a === b) return true;
  if (a === null || b === null || a === undefined || b === undefined) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((v, i) => valuesEqual(v, b[i]));
  }
  if (typeof a === "object" && typeof b === "object") {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const k of keys) if (!valuesEqual(a[k] ?? null, b[k] ?? null)) return false;
    return true;
  }
  return false;
}

/** Equality under a type: set elements compare regardless of order. */
export function equalByType(a: Value, b: Value, type: CtyType): boolean {
  if (typeof type !== "string" && type[0] === "set" && Array.isArray(a) && Array.isArray(b)) return setsEqual(a, b);
  return valuesEqual(a, b);
}

/** Two wholly known sets with the same elements, in any order (an unknown element could be anything). */
export function setsEqual(a: Value[], b: Value[]): boolean {
  if (a.length !== b.length || !isWhollyKnown(a) || !isWhollyKnown(b)) return false;
  const key = (v: Value) => JSON.stringify(v);
  const left = a.map(key).sort();
  const right = b.map(key).sort();
  return left.every((k, i) => k === right[i]);
}

/** A deep copy (structuredClone cannot copy the UNKNOWN symbol). */
export function cloneValue<T extends Value>(value: T): T {
  if (Array.isArray(value)) return value.map(cloneValue) as T;
  if (isObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, cloneValue(v)])) as T;
  return value;
}

/** True when the value holds no UNKNOWN anywhere. */
export function isWhollyKnown(value: Value): boolean {
  if (value === UNKNOWN) return false;
  if (Array.isArray(value)) return value.every(isWhollyKnown);
  if (isObject(value)) return Object.values(value).every(isWhollyKnown);
  return true;
}
