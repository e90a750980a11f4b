/**
 * Terraform's meta-arguments on resources and data sources: `count`,
 * `for_each`, `depends_on`, `provider` and `lifecycle`. Terraform resolves
 * most of them before asking the provider anything, so their mistakes surface
 * as configuration errors the provider schema alone cannot catch.
 */
import { Report } from "./check-block";
import { isExpression } from "./expressions";
import type { SchemaBlock } from "../schema/types";
import { isPlainObject } from "./value-types";

export const RESOURCE_META_ARGUMENTS = new Set(["count", "for_each", "depends_on", "provider", "lifecycle", "provisioner", "connection"]);
export const DATA_META_ARGUMENTS = new Set(["count", "for_each", "depends_on", "provider", "lifecycle"]);

const RESOURCE_LIFECYCLE = [
  "create_before_destroy",
  "prevent_destroy",
  "ignore_changes",
  "replace_triggered_by",
  "precondition",
  "postcondition",
];
const DATA_LIFECYCLE = ["precondition", "postcondition"];

/** What the meta-argument checks need to know about the stack. */
export interface StackIndex {
  /** `type.name` and `data.type.name` of every resource and data source. */
  readonly addresses: ReadonlySet<string>;
  /** Provider local name to the aliases configured for it ("" for the default configuration). */
  readonly providerConfigs: ReadonlyMap<string, ReadonlySet<string>>;
}

export function checkCountAndForEach(body: Record<string, unknown>, report: Report): void {
  const { count, for_each: forEach } = body;
  if (count !== undefined && forEach !== undefined) {
    report("count", "count-for-each", "'count' and 'for_each' cannot both be set");
  }
  if (count !== undefined && !isExpression(count) && !(Number.isInteger(count) && (count as number) >= 0)) {
    report("count", "count-for-each", `must be a whole number >= 0 or an expression, got ${JSON.stringify(count)}`);
  }
  if (forEach !== undefined && !isExpression(forEach) && !isPlainObject(forEach)) {
    report("for_each", "count-for-each", `must be a map or an expression (a literal list needs toset()), got ${JSON.stringify(forEach)}`);
  }
}

export function checkDependsOn(body: Record<string, unknown>, stack: StackIndex, report: Report): void {
  const dependsOn = body.depends_on;
  if (dependsOn === undefined) return;
  if (!Array.isArray(dependsOn)) {
    report("depends_on", "depends-on", "must be a list of resource or data source addresses");
    return;
  }
  dependsOn.forEach((entry, i) => {
    const target = typeof entry === "string" ? unwrap(entry) : undefined;
    if (target === undefined || !/^(data\.)?[a-z][a-z0-9_]*\.[A-Za-z_][\w-]*$|^module\.[A-Za-z_][\w-]*$/.test(target)) {
      report(
        `depends_on[${i}]`,
        "depends-on",
        `must be a resource or data source address such as 'openstack_networking_router_interface_v2.x', got ${JSON.stringify(entry)}`,
      );
    } else if (!target.startsWith("module.") && !stack.addresses.has(target)) {
      report(`depends_on[${i}]`, "depends-on", `'${target}' is not a resource or data source of this stack`);
    }
  });
}

/**
 * `provider = "<name>.<alias>"` must name a configured alias. The name may
 * differ from the type's prefix (a second local name for the same source);
 * whether that provider has the type is the unknown-type rule's business.
 */
export function checkProviderReference(body: Record<string, unknown>, stack: StackIndex, report: Report): void {
  const provider = body.provider;
  if (provider === undefined) return;
  const ref = typeof provider === "string" ? unwrap(provider) : undefined;
  const m = ref === undefined ? null : /^([a-z][a-z0-9-]*)(?:\.([A-Za-z_][\w-]*))?$/.exec(ref);
  if (!m) {
    report("provider", "provider-reference", `must be '<provider>' or '<provider>.<alias>', got ${JSON.stringify(provider)}`);
    return;
  }
  const [, name, alias = ""] = m;
  if (alias !== "" && !stack.providerConfigs.get(name)?.has(alias)) {
    report("provider", "provider-reference", `no provider configuration '${name}' with alias '${alias}' in this stack`);
  }
}

export function checkLifecycle(
  body: Record<string, unknown>,
  mode: "resource" | "data",
  schema: SchemaBlock | undefined,
  stack: StackIndex,
  report: Report,
): void {
  const lifecycle = body.lifecycle;
  if (lifecycle === undefined) return;
  if (!isPlainObject(lifecycle)) {
    report("lifecycle", "lifecycle", "must be an object");
    return;
  }
  const allowed = mode === "resource" ? RESOURCE_LIFECYCLE : DATA_LIFECYCLE;
  for (const [key, value] of Object.entries(lifecycle)) {
    const path = `lifecycle.${key}`;
    if (!allowed.includes(key)) {
      report(
        path,
        "lifecycle",
        `'${key}' is not a lifecycle argument of a ${mode === "resource" ? "resource" : "data source"} (allowed: ${allowed.join(", ")})`,
      );
    } else if (key === "create_before_destroy" || key === "prevent_destroy") {
      // Terraform evaluates these before any variable is known: only literals are allowed.
      if (typeof value !== "boolean") report(path, "lifecycle", `must be a literal true or false, got ${JSON.stringify(value)}`);
    } else if (key === "ignore_changes") {
      checkIgnoreChanges(value, schema, path, report);
    } else if (key === "replace_triggered_by") {
      checkReplaceTriggeredBy(value, stack, path, report);
    } else {
      checkConditions(value, path, report);
    }
  }
}

function checkIgnoreChanges(value: unknown, schema: SchemaBlock | undefined, path: string, report: Report): void {
  if (value === "all") return;
  if (!Array.isArray(value)) {
    report(path, "lifecycle", `must be "all" or a list of argument names, got ${JSON.stringify(value)}`);
    return;
  }
  const known = new Set([...Object.keys(schema?.attributes ?? {}), ...Object.keys(schema?.block_types ?? {})]);
  value.forEach((entry, i) => {
    const root = typeof entry === "string" ? /^[A-Za-z_][\w-]*/.exec(unwrap(entry))?.[0] : undefined;
    if (root === undefined) report(`${path}[${i}]`, "lifecycle", `must be an argument name, got ${JSON.stringify(entry)}`);
    else if (schema && !known.has(root)) report(`${path}[${i}]`, "lifecycle", `'${root}' is not an argument of this resource type`);
  });
}

function checkReplaceTriggeredBy(value: unknown, stack: StackIndex, path: string, report: Report): void {
  if (!Array.isArray(value)) {
    report(path, "lifecycle", "must be a list of resource references");
    return;
  }
  value.forEach((entry, i) => {
    const target = typeof entry === "string" ? /^[a-z][a-z0-9_]*\.[A-Za-z_][\w-]*/.exec(unwrap(entry))?.[0] : undefined;
    if (target === undefined || !stack.addresses.has(target)) {
      report(`${path}[${i}]`, "lifecycle", `must reference a resource of this stack, got ${JSON.stringify(entry)}`);
    }
  });
}

function checkConditions(value: unknown, path: string, report: Report): void {
  const conditions = Array.isArray(value) ? value : [value];
  conditions.forEach((c, i) => {
    const where = Array.isArray(value) ? `${path}[${i}]` : path;
    if (!isPlainObject(c) || c.condition === undefined || c.error_message === undefined) {
      report(where, "lifecycle", "needs 'condition' and 'error_message'");
      return;
    }
    const extra = Object.keys(c).filter((k) => k !== "condition" && k !== "error_message");
    if (extra.length > 0) report(where, "lifecycle", `unexpected key(s) ${extra.join(", ")}; only condition and error_message are allowed`);
  });
}

/** `${openstack_x.y}` and `openstack_x.y` name the same thing in these positions. */
function unwrap(s: string): string {
  const m = /^\$\{(.*)\}$/s.exec(s.trim());
  return (m ? m[1] : s).trim();
}
