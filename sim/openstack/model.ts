/**
 * What every simulated OpenStack resource type shares: the apply context,
 * the hooks a type implements, and the values the cloud fills in for
 * computed attributes no hook set.
 */
import { randomBytes, randomUUID } from "node:crypto";
import type { CtyType, SchemaBlock } from "../../providers/schema/types";
import { isObject, UNKNOWN, Value, ValueObject } from "../protocol/cty";
import { CloudError } from "../provider/diagnostics";
import { ExternalNetwork, externalNetwork, PROJECT_ID, USER_ID } from "./catalogue";
import { Cloud, CloudExtras, CloudObject } from "./cloud";

export interface ApplyContext {
  readonly cloud: Cloud;
  readonly region: string;
  /** RFC 3339, one instant per apply call. */
  readonly now: string;
  readonly external: ExternalNetwork;
  /** The resource's configuration as Terraform sends it at apply (decoded on first use), or null. */
  readonly config: () => ValueObject | null;
  /** Set by a hook for what the cloud keeps outside the Terraform-visible state; stored on the object. */
  readonly extras: CloudExtras;
}

/** The context of one apply or data-source read against `cloud`. */
export function applyContext(cloud: Cloud, region: string, config: () => ValueObject | null = () => null): ApplyContext {
  return { cloud, region, now: new Date().toISOString().replace(/\.\d+Z$/, "Z"), external: externalNetwork(), config, extras: {} };
}

/**
 * A resource type's part in the simulated cloud. Hooks mutate `state` (the
 * planned values) by filling what is still unknown, check references the way
 * the real API would, and throw CloudError when it would refuse.
 */
export interface ResourceModel {
  /** The id the API gives a new object; a random UUID unless the type says otherwise. */
  idFor?(ctx: ApplyContext, state: ValueObject): string;
  create?(ctx: ApplyContext, state: ValueObject): void;
  update?(ctx: ApplyContext, prior: ValueObject, state: ValueObject): void;
  delete?(ctx: ApplyContext, state: ValueObject): void;
  /** True where, like SDKv2, the type returns values at apply that its plan could not announce. */
  readonly legacyApply?: boolean;
}

/** Sets `state[key]` only if the plan left it unknown: known planned values must come back unchanged. */
export function fill(state: ValueObject, key: string, value: Value): void {
  if (state[key] === UNKNOWN) state[key] = value;
}

export function str(value: Value | undefined): string | null {
  return typeof value === "string" && value !== "" ? value : null;
}

export function strings(value: Value | undefined): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
}

export function objects(value: Value | undefined): ValueObject[] {
  return Array.isArray(value) ? value.filter(isObject) : [];
}

/** The object, or the API's 404 naming it. */
export function mustFind(ctx: ApplyContext, type: string, id: Value | undefined, what: string): CloudObject {
  const found = typeof id === "string" ? ctx.cloud.get(type, id) : undefined;
  if (!found) throw new CloudError(404, `${what} ${String(id)} could not be found.`);
  return found;
}

export function macAddress(): string {
  return ["fa", "16", "3e", ...[...randomBytes(3)].map((b) => b.toString(16).padStart(2, "0"))].join(":");
}

/** Fills every unknown left in `state` with what a cloud would plausibly report for it. */
export function fillUnknowns(block: SchemaBlock, state: ValueObject, ctx: ApplyContext): void {
  for (const [name, attr] of Object.entries(block.attributes ?? {})) {
    state[name] = fillValue(name, attr.type, state[name] ?? null, ctx);
  }
  for (const [name, nested] of Object.entries(block.block_types ?? {})) {
    const value = state[name];
    if (value === UNKNOWN) {
      state[name] = nested.nesting_mode === "single" || nested.nesting_mode === "group" ? null : nested.nesting_mode === "map" ? {} : [];
      continue;
    }
    const elements = Array.isArray(value) ? value : isObject(value) ? (nested.nesting_mode === "map" ? Object.values(value) : [value]) : [];
    for (const element of elements) if (isObject(element)) fillUnknowns(nested.block, element, ctx);
  }
}

function fillValue(name: string, type: CtyType, value: Value, ctx: ApplyContext): Value {
  if (value !== UNKNOWN) {
    if (Array.isArray(value) && typeof type !== "string" && (type[0] === "list" || type[0] === "set")) {
      return value.map((v) => fillValue(name, type[1] as CtyType, v, ctx));
    }
    return value;
  }
  if (type === "number") return 0;
  if (type === "bool") return false;
  if (type === "string") return genericString(name, ctx);
  if (typeof type !== "string" && type[0] === "map") return {};
  if (typeof type !== "string" && type[0] === "object") {
    const out: ValueObject = {};
    for (const [k, t] of Object.entries(type[1])) out[k] = fillValue(k, t, UNKNOWN, ctx);
    return out;
  }
  return [];
}

function genericString(name: string, ctx: ApplyContext): string {
  if (name === "id") return randomUUID();
  if (name === "region") return ctx.region;
  if (name === "tenant_id" || name === "project_id") return PROJECT_ID;
  if (name === "user_id") return USER_ID;
  if (name === "availability_zone") return "nova";
  if (name === "status") return "ACTIVE";
  if (name === "mac_address") return macAddress();
  if (/(^|_)(created|updated)(_at|_time)?$|_at$|_time$/.test(name)) return ctx.now;
  return "";
}
