/**
 * PlanResourceChange the way an SDKv2 provider answers it, driven by the
 * schema and the behaviour file: defaults, StateFuncs, unknown computed
 * values on create, and `requires_replace` from ForceNew (nested blocks too).
 *
 * Two SDKv2 habits break Terraform's strict plan checks (a default planned for
 * a non-computed attribute; a StateFunc such as user_data's sha1 making the
 * planned value differ from the config). The real provider gets away with
 * them by flagging every response `legacy_type_system`; the simulator sets
 * that flag only on plans where one of them actually happened, so that any
 * other inconsistency still fails loudly in Terraform.
 */
import { createHash } from "node:crypto";
import { AttributeBehaviours, forcesNew, forcesNewWithin, staticDefault } from "../../providers/schema/behaviour";
import type { ResourceBehaviour, SchemaBlock, SchemaNestedBlock } from "../../providers/schema/types";
import { equalByType, isObject, setsEqual, UNKNOWN, Value, ValueObject, valuesEqual } from "../protocol/cty";
import { PathStep } from "./diagnostics";

export interface Plan {
  readonly planned: ValueObject | null;
  readonly requiresReplace: PathStep[][];
  readonly legacyTypeSystem: boolean;
}

/** Computed attributes that follow another attribute: when it changes, they are re-read after apply. */
const FOLLOWERS: Record<string, string[]> = {
  tags: ["all_tags"],
  metadata: ["all_metadata"],
  security_group_ids: ["all_security_group_ids"],
  image_id: ["image_name"],
  image_name: ["image_id"],
  flavor_id: ["flavor_name"],
  flavor_name: ["flavor_id"],
};
const TIMESTAMPS = ["updated", "updated_at", "updated_time"];

export function planResourceChange(
  block: SchemaBlock,
  behaviour: ResourceBehaviour | undefined,
  prior: ValueObject | null,
  proposed: ValueObject | null,
  config: ValueObject | null,
): Plan {
  if (proposed === null) return { planned: null, requiresReplace: [], legacyTypeSystem: false };
  const rules = behaviour?.attributes ?? {};
  const flags = { legacy: false };
  const creating = prior === null;
  const planned = planBlock(block, rules, "", proposed, creating, flags);
  if (creating) return { planned, requiresReplace: [], legacyTypeSystem: flags.legacy };

  markFollowersUnknown(block, prior, planned, config ?? {});
  return {
    planned,
    requiresReplace: replacePaths(block, rules, "", prior, planned, []),
    legacyTypeSystem: flags.legacy,
  };
}

/** What a StateFunc stores for a configured value. */
function applyStateFunc(kind: string | undefined, value: string): string {
  switch (kind) {
    case "sha1_hex":
      return createHash("sha1").update(value).digest("hex");
    case "lower":
      return value.toLowerCase();
    case "normalize_json":
      try {
        return JSON.stringify(sortKeys(JSON.parse(value)));
      } catch {
        return value;
      }
    default:
      return value;
  }
}

function planBlock(
  block: SchemaBlock,
  rules: AttributeBehaviours,
  prefix: string,
  proposed: ValueObject,
  creating: boolean,
  flags: { legacy: boolean },
): ValueObject {
  const out: ValueObject = { ...proposed };
  for (const [name, attr] of Object.entries(block.attributes ?? {})) {
    const rule = rules[prefix + name];
    const byDefault = staticDefault(rules, prefix + name);
    let value = out[name] ?? null;
    // `proposed` carries the config for non-computed attributes and the prior value for computed ones.
    if (value === null && byDefault !== undefined && !attr.required) {
      value = byDefault;
      if (!attr.computed) flags.legacy = true;
    }
    if (rule?.state_func && typeof value === "string") {
      const stored = applyStateFunc(rule.state_func_kind, value);
      if (stored !== value) flags.legacy = true;
      value = stored;
    }
    if (value === null && attr.computed && creating) value = UNKNOWN;
    out[name] = value;
  }
  for (const [name, nested] of Object.entries(block.block_types ?? {})) {
    out[name] = mapElements(out[name] ?? null, nested, (element) =>
      planBlock(nested.block, rules, `${prefix}${name}.`, element, creating, flags),
    );
  }
  return out;
}

function mapElements(value: Value, nested: SchemaNestedBlock, fn: (element: ValueObject) => ValueObject): Value {
  if (value === null || value === UNKNOWN) return value;
  if (Array.isArray(value)) return value.map((e) => (isObject(e) ? fn(e) : e));
  if (!isObject(value)) return value;
  if (nested.nesting_mode !== "map") return fn(value);
  const out: ValueObject = {};
  for (const [k, e] of Object.entries(value)) out[k] = isObject(e) ? fn(e) : e;
  return out;
}

function markFollowersUnknown(block: SchemaBlock, prior: ValueObject, planned: ValueObject, config: ValueObject): void {
  const attributes = block.attributes ?? {};
  let changed = false;
  for (const [name, attr] of Object.entries(attributes)) {
    if (equalByType(prior[name] ?? null, planned[name] ?? null, attr.type)) continue;
    changed = true;
    for (const follower of FOLLOWERS[name] ?? []) {
      const schema = attributes[follower];
      if (schema?.computed && (config[follower] ?? null) === null) planned[follower] = UNKNOWN;
    }
  }
  for (const name of Object.keys(block.block_types ?? {})) {
    if (!valuesEqual(prior[name] ?? null, planned[name] ?? null)) changed = true;
  }
  if (!changed) return;
  for (const name of TIMESTAMPS) {
    const schema = attributes[name];
    if (schema?.computed && !schema.optional) planned[name] = UNKNOWN;
  }
}

/** Paths whose change forces a new resource; a nested block is reported as a whole. */
function replacePaths(
  block: SchemaBlock,
  rules: AttributeBehaviours,
  prefix: string,
  prior: ValueObject,
  planned: ValueObject,
  path: PathStep[],
): PathStep[][] {
  const paths: PathStep[][] = [];
  for (const [name, attr] of Object.entries(block.attributes ?? {})) {
    if (forcesNew(rules, prefix + name) && !equalByType(prior[name] ?? null, planned[name] ?? null, attr.type)) {
      paths.push([...path, name]);
    }
  }
  for (const [name, nested] of Object.entries(block.block_types ?? {})) {
    const key = `${prefix}${name}`;
    const before = prior[name] ?? null;
    const after = planned[name] ?? null;
    const whole = forcesNew(rules, key);
    if (!whole && !forcesNewWithin(rules, key)) continue;
    const differs = whole
      ? !valuesEqual(before, after)
      : !sameProjection(project(before, nested, rules, `${key}.`), project(after, nested, rules, `${key}.`), nested);
    if (differs) paths.push([...path, name]);
  }
  return paths;
}

/** The ForceNew part of a nested block's value: what must stay equal for an in-place update. */
function project(value: Value, nested: SchemaNestedBlock, rules: AttributeBehaviours, prefix: string): Value {
  const one = (element: ValueObject): ValueObject => {
    const out: ValueObject = {};
    for (const name of Object.keys(nested.block.attributes ?? {})) {
      if (forcesNew(rules, prefix + name)) out[name] = element[name] ?? null;
    }
    for (const [name, inner] of Object.entries(nested.block.block_types ?? {})) {
      if (forcesNewWithin(rules, prefix + name) || forcesNew(rules, prefix + name)) {
        out[name] = project(element[name] ?? null, inner, rules, `${prefix}${name}.`);
      }
    }
    return out;
  };
  return mapElements(value, nested, one);
}

function sameProjection(a: Value, b: Value, nested: SchemaNestedBlock): boolean {
  if (nested.nesting_mode === "set" && Array.isArray(a) && Array.isArray(b)) return setsEqual(a, b);
  return valuesEqual(a, b);
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}
