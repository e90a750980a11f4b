/**
 * The smallest configuration each resource or data source type accepts,
 * derived from the schema and behaviour file alone: required arguments and
 * blocks with values that pass their validations, plus the first member of
 * every exactly-one-of / at-least-one-of group (and what it requires).
 */
import { TypeSchema } from "../../providers/conformance/schema-index";
import type { AttributeBehaviour, CtyType, SchemaBlock, Validation } from "../../providers/schema/types";

type Json = Record<string, unknown>;

export function minimalBody(schema: TypeSchema): Json {
  return minimalBlock(schema.block, "", schema.behaviour);
}

function minimalBlock(block: SchemaBlock, prefix: string, behaviour: Record<string, AttributeBehaviour>): Json {
  const body: Json = {};
  const attributes = block.attributes ?? {};
  const set = (name: string) => {
    if (name in body || !(name in attributes)) return;
    const key = prefix ? `${prefix}.${name}` : name;
    body[name] = valueFor(attributes[name].type, behaviour[key]?.validation, behaviour[key]?.elem?.validation);
    for (const needed of behaviour[key]?.required_with ?? []) set(lastSegment(needed));
  };
  for (const [name, attribute] of Object.entries(attributes)) if (attribute.required) set(name);
  for (const name of Object.keys(attributes)) {
    const b = behaviour[prefix ? `${prefix}.${name}` : name];
    const listed = b?.exactly_one_of ?? b?.at_least_one_of;
    if (!listed) continue;
    // The SDK adds the argument itself to its group.
    const group = [...new Set([...listed.map(lastSegment), name])].sort();
    if (!group.some((k) => k in body)) set(group[0]);
  }
  for (const [name, blockType] of Object.entries(block.block_types ?? {})) {
    if ((blockType.min_items ?? 0) > 0) {
      body[name] = Array.from({ length: blockType.min_items! }, () =>
        minimalBlock(blockType.block, prefix ? `${prefix}.${name}` : name, behaviour),
      );
    }
  }
  return body;
}

function valueFor(type: CtyType, validation?: Validation, elemValidation?: Validation): unknown {
  if (typeof type === "string") return scalarFor(type, validation);
  switch (type[0]) {
    case "list":
    case "set":
      return [valueFor(type[1], elemValidation)];
    case "map":
      return { key: valueFor(type[1], elemValidation) };
    case "object":
      return Object.fromEntries(Object.entries(type[1]).map(([k, t]) => [k, valueFor(t)]));
    case "tuple":
      return type[1].map((t) => valueFor(t));
  }
}

function scalarFor(type: "string" | "number" | "bool" | "dynamic", v?: Validation): unknown {
  const all = v?.all ?? (v?.any ? [v.any[0]] : []);
  if (all.length > 0) return scalarFor(type, Object.assign({}, ...all));
  if (type === "bool") return true;
  if (type === "number") {
    if (v?.one_of) return v.one_of[0];
    return v?.int_between?.[0] ?? v?.int_at_least ?? (v?.int_at_most !== undefined ? Math.min(1, v.int_at_most) : 1);
  }
  if (v?.one_of) return v.one_of[0];
  if (v?.cidr) return "10.0.0.0/24";
  if (v?.ip) return "192.0.2.1";
  if (v?.uuid) return "0b4cbd2e-64d5-4e2b-9c1c-6d2e0f9b2f11";
  if (v?.json || v?.custom === "validateJSONObject") return "{}";
  if (v?.rfc3339_time) return "2030-01-01T00:00:00Z";
  if (v?.match !== undefined) return "example.org.";
  if (v?.regexp) return ".*";
  if (v?.string_len_between) return "x".repeat(v.string_len_between[0]);
  return "x";
}

function lastSegment(key: string): string {
  return key.split(".").pop()!;
}
