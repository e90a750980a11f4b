/**
 * The behaviour file's relations between arguments, with terraform-plugin-sdk
 * v2's semantics: `conflicts_with` and `required_with` apply when the argument
 * is set; `exactly_one_of` and `at_least_one_of` always. Keys are absolute
 * paths from the resource's root (`directions.0.out`). A value that is an
 * expression counts as set for the argument itself, and as "not yet known"
 * for the others, exactly as the SDK defers those checks to apply time.
 */
import { BodyContext, BodyLocation } from "./check-block";
import { isExpression } from "./expressions";
import { joinPath } from "./findings";
import type { SchemaAttribute, SchemaNestedBlock } from "../schema/types";
import { isPlainObject } from "./value-types";

type State = "set" | "unknown" | "unset";

export function checkArgumentConstraints(
  body: Record<string, unknown>,
  attributes: Record<string, SchemaAttribute>,
  blockTypes: Record<string, SchemaNestedBlock>,
  at: BodyLocation,
  ctx: BodyContext,
  dynamicBlocks: ReadonlySet<string>,
): void {
  const reportedGroups = new Set<string>();
  for (const name of [...Object.keys(attributes), ...Object.keys(blockTypes)]) {
    const behaviour = ctx.behaviour[joinPath(at.schemaPath, name)];
    if (!behaviour) continue;
    const path = joinPath(at.path, name);
    const self: State = dynamicBlocks.has(name) ? "unknown" : stateOf(body[name]);
    const sdkKey = at.schemaPath ? `${at.schemaPath.split(".").join(".0.")}.0.${name}` : name;
    const stateOfKey = (key: string): State => (key === sdkKey ? self : resolve(ctx.root, key));

    if (self !== "unset") {
      const conflicting = (behaviour.conflicts_with ?? []).filter((k) => stateOfKey(k) === "set");
      if (conflicting.length > 0) {
        ctx.report(path, "conflicts-with", `conflicts with ${conflicting.map((k) => `'${k}'`).join(", ")}; set only one of them`);
      }
      if (behaviour.required_with) {
        const group = sortedGroup(behaviour.required_with, sdkKey);
        const missing = group.filter((k) => stateOfKey(k) === "unset");
        if (missing.length > 0) {
          ctx.report(path, "required-with", `requires ${missing.map((k) => `'${k}'`).join(", ")} (all of ${group.join(", ")} must be set together)`);
        }
      }
    }
    for (const [rule, keys] of [["exactly-one-of", behaviour.exactly_one_of], ["at-least-one-of", behaviour.at_least_one_of]] as const) {
      if (!keys) continue;
      const group = sortedGroup(keys, sdkKey);
      const groupId = `${rule}:${group.join(",")}`;
      if (reportedGroups.has(groupId)) continue;
      const states = group.map(stateOfKey);
      const specified = group.filter((_, i) => states[i] === "set");
      const unknown = states.includes("unknown");
      if (specified.length === 0 && !unknown) {
        ctx.report(path, rule, `one of ${group.map((k) => `'${k}'`).join(", ")} must be set`);
        reportedGroups.add(groupId);
      } else if (rule === "exactly-one-of" && specified.length > 1) {
        ctx.report(path, rule, `only one of ${group.map((k) => `'${k}'`).join(", ")} may be set, got ${specified.join(", ")}`);
        reportedGroups.add(groupId);
      }
    }
  }
}

function sortedGroup(keys: readonly string[], self: string): string[] {
  return [...new Set([...keys, self])].sort();
}

function stateOf(value: unknown): State {
  if (value === undefined || value === null) return "unset";
  return isExpression(value) ? "unknown" : "set";
}

/** Follows an SDK key such as `directions.0.out` through the body; blocks may be single objects in JSON. */
function resolve(root: Record<string, unknown>, key: string): State {
  let current: unknown = root;
  for (const segment of key.split(".")) {
    if (isExpression(current)) return "unknown";
    if (Array.isArray(current)) {
      current = /^\d+$/.test(segment) ? current[Number(segment)] : undefined;
    } else if (isPlainObject(current)) {
      if (/^\d+$/.test(segment)) {
        if (segment !== "0") return "unset";
        continue;
      }
      const dynamic = current.dynamic;
      if (current[segment] === undefined && isPlainObject(dynamic) && segment in dynamic) return "unknown";
      current = current[segment];
    } else {
      return "unset";
    }
  }
  return stateOf(current);
}
