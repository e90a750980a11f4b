/**
 * Heat: stacks whose template is checked as Heat would (version, parameters),
 * whose AutoScalingGroups boot servers in the cloud, and whose `outputs` are
 * evaluated from the template's outputs section.
 *
 * `outputs` is an Optional+Computed block in the SDKv2 provider: its plan
 * says "unknown" on create and keeps the prior list on update, and apply
 * returns what Heat reports. Terraform accepts both only from a legacy-SDK
 * provider, so this type sets `legacy_type_system` like the real one.
 */
import { createHash, createHmac } from "node:crypto";
import { isObject, UNKNOWN, Value, ValueObject } from "../protocol/cty";
import { CloudError } from "../provider/diagnostics";
import { HEAT_API_PORT, heatApiHost, PROJECT_ID, stableUuid } from "./catalogue";
import { Cloud, HeatWaitCondition } from "./cloud";
import { INSTANCE, scheduleInGroup, SERVER_GROUP } from "./compute";
import { ApplyContext, applyContext, fill, ResourceModel } from "./model";
import { LB_MEMBER, LB_POOL } from "./load-balancer";
import { createPort, NETWORK, PORT, SUBNET } from "./networking";

export const STACK = "openstack_orchestration_stack_v1";

const HOT_VERSIONS = [
  "2013-05-23",
  "2014-10-16",
  "2015-04-30",
  "2015-10-15",
  "2016-04-08",
  "2016-10-14",
  "2017-02-24",
  "2017-09-01",
  "2018-03-02",
  "2018-08-31",
  "2021-04-16",
  "newton",
  "ocata",
  "pike",
  "queens",
  "rocky",
  "wallaby",
];

/** Resource types a stock Heat (Wallaby and later, with Aodh and Octavia) knows; anything else is a typo to Heat. */
const RESOURCE_TYPES = new Set([
  "OS::Aodh::Alarm",
  "OS::Aodh::CompositeAlarm",
  "OS::Aodh::EventAlarm",
  "OS::Aodh::GnocchiAggregationByMetricsAlarm",
  "OS::Aodh::GnocchiAggregationByResourcesAlarm",
  "OS::Aodh::GnocchiResourcesAlarm",
  "OS::Cinder::Volume",
  "OS::Cinder::VolumeAttachment",
  "OS::Heat::AutoScalingGroup",
  "OS::Heat::CloudConfig",
  "OS::Heat::InstanceGroup",
  "OS::Heat::MultipartMime",
  "OS::Heat::None",
  "OS::Heat::RandomString",
  "OS::Heat::ResourceGroup",
  "OS::Heat::ScalingPolicy",
  "OS::Heat::SoftwareConfig",
  "OS::Heat::SoftwareDeployment",
  "OS::Heat::Stack",
  "OS::Heat::TestResource",
  "OS::Heat::Value",
  "OS::Heat::WaitCondition",
  "OS::Heat::WaitConditionHandle",
  "OS::Neutron::FloatingIP",
  "OS::Neutron::FloatingIPAssociation",
  "OS::Neutron::Net",
  "OS::Neutron::Port",
  "OS::Neutron::Router",
  "OS::Neutron::RouterInterface",
  "OS::Neutron::SecurityGroup",
  "OS::Neutron::SecurityGroupRule",
  "OS::Neutron::Subnet",
  "OS::Nova::Flavor",
  "OS::Nova::KeyPair",
  "OS::Nova::Server",
  "OS::Nova::ServerGroup",
  "OS::Octavia::HealthMonitor",
  "OS::Octavia::Listener",
  "OS::Octavia::LoadBalancer",
  "OS::Octavia::Pool",
  "OS::Octavia::PoolMember",
  "OS::Swift::Container",
]);
const ADJUSTMENT_TYPES = ["change_in_capacity", "exact_capacity", "percent_change_in_capacity"];

type Json = null | string | number | boolean | Json[] | { [key: string]: Json };

interface Template {
  readonly heat_template_version?: Json;
  readonly description?: Json;
  readonly parameters?: Record<string, { type?: string; default?: Json }>;
  readonly resources?: Record<string, { type?: string; properties?: Record<string, Json> }>;
  readonly outputs?: Record<string, { description?: string; value?: Json }>;
}

interface StackScope {
  readonly id: string;
  readonly name: string;
  readonly template: Template;
  readonly parameters: Record<string, string>;
  /** Resolves get_attr for resources this scope knows about. */
  readonly groupSizes: Record<string, number>;
  /** A booted server's addresses by network name and id (OS::Nova::Server's `networks`), for the nested stack that booted it. */
  readonly serverNetworks?: (resourceName: string) => Record<string, string[]> | undefined;
}

/** The plan side of the SDKv2 liberty described above; returns true when it was used. */
export function planStackOutputs(prior: ValueObject | null, planned: ValueObject, config: ValueObject | null): boolean {
  const configured = Array.isArray(config?.outputs) && config.outputs.length > 0;
  if (configured) return false;
  planned.outputs = prior === null ? UNKNOWN : (prior.outputs ?? []);
  return true;
}

function parseTemplate(templateOpts: Value | undefined): Template {
  const opts = isObject(templateOpts) ? templateOpts : {};
  const body = opts.Bin;
  if (typeof body !== "string") {
    throw new CloudError(400, "The simulated Heat accepts templates in template_opts.Bin only (URL fetching is not simulated).");
  }
  return parseTemplateText(body);
}

function parseTemplateText(body: string): Template {
  let template: unknown;
  try {
    template = JSON.parse(body);
  } catch {
    try {
      // HOT is YAML; JSON is its common subset. Loaded only for templates that need it.
      template = (require("yaml") as typeof import("yaml")).parse(body);
    } catch (err) {
      throw new CloudError(400, `Error parsing template: ${(err as Error).message}`);
    }
  }
  if (!template || typeof template !== "object" || Array.isArray(template))
    throw new CloudError(400, "Template format is not valid: not a mapping");
  return template as Template;
}

function checkTemplate(template: Template, given: Record<string, Json>): void {
  const version = String(template.heat_template_version ?? "");
  if (!HOT_VERSIONS.includes(version)) {
    throw new CloudError(
      400,
      `The template version is invalid: Unknown version (heat_template_version => ${version}). Should be one of: ${HOT_VERSIONS.join(", ")}`,
    );
  }
  for (const [name, resource] of Object.entries(template.resources ?? {})) checkResource(name, resource, template);
  const declared = template.parameters ?? {};
  for (const name of Object.keys(given)) {
    if (!(name in declared)) throw new CloudError(400, `The Parameter (${name}) was not defined in template.`);
  }
  for (const [name, spec] of Object.entries(declared)) {
    const value = given[name] ?? spec.default;
    if (value === undefined) throw new CloudError(400, `The Parameter (${name}) was not provided.`);
    // A nested stack's parameters may be intrinsic functions of the outer template, known only at create.
    if (value !== null && typeof value === "object") continue;
    if (spec.type === "number" && Number.isNaN(Number(value))) {
      throw new CloudError(400, `Parameter '${name}' is invalid: Value '${String(value)}' is not a number`);
    }
  }
}

function checkResource(name: string, resource: { type?: string; properties?: Record<string, Json> } | undefined, template: Template): void {
  if (!resource || typeof resource.type !== "string") throw new CloudError(400, `Resource ${name} is missing "type"`);
  if (!RESOURCE_TYPES.has(resource.type)) {
    throw new CloudError(400, `Failed to validate: resources.${name}: The Resource Type (${resource.type}) could not be found.`);
  }
  const props = resource.properties ?? {};
  for (const reference of references(props, "get_resource")) {
    if (!template.resources?.[reference]) {
      throw new CloudError(400, `Failed to validate: The specified reference "${reference}" (in ${name}.Properties) is incorrect.`);
    }
  }
  for (const reference of references(props, "get_param")) {
    if (!reference.startsWith("OS::") && !template.parameters?.[reference]) {
      throw new CloudError(400, `Failed to validate: resources.${name}: The Parameter (${reference}) was not defined in template.`);
    }
  }
  if (resource.type === "OS::Heat::ScalingPolicy" && !ADJUSTMENT_TYPES.includes(String(props.adjustment_type))) {
    throw new CloudError(
      400,
      `Failed to validate: resources.${name}.properties.adjustment_type: "${String(props.adjustment_type)}" is not an allowed value [${ADJUSTMENT_TYPES.join(", ")}]`,
    );
  }
  if (resource.type === "OS::Heat::AutoScalingGroup") {
    const [min, max] = [Number(props.min_size), Number(props.max_size)];
    const desired = props.desired_capacity === undefined ? min : Number(props.desired_capacity);
    if (typeof props.min_size === "number" && typeof props.max_size === "number" && min > max) {
      throw new CloudError(400, `Failed to validate: resources.${name}: min_size can not be greater than max_size`);
    }
    if (typeof props.desired_capacity === "number" && (desired < min || desired > max)) {
      throw new CloudError(400, `Failed to validate: resources.${name}: desired_capacity must be between min_size and max_size`);
    }
    const member = props.resource as { type?: string; properties?: Record<string, Json> } | undefined;
    checkResource(`${name}.resource`, member, template);
  }
  if (resource.type === "OS::Heat::Stack") nestedTemplate(name, props);
}

/** An OS::Heat::Stack's `template` (a JSON or YAML string), checked as Heat checks a nested stack's template. */
function nestedTemplate(name: string, props: Record<string, Json>): Template {
  if (typeof props.template !== "string")
    throw new CloudError(400, `Failed to validate: resources.${name}.properties.template: a template string is required`);
  const template = parseTemplateText(props.template);
  const parameters = props.parameters && typeof props.parameters === "object" && !Array.isArray(props.parameters) ? props.parameters : {};
  try {
    checkTemplate(template, parameters);
  } catch (err) {
    if (err instanceof CloudError) throw new CloudError(err.status, `${err.message} (in the nested stack of ${name})`);
    throw err;
  }
  return template;
}

/** Every literal argument of an intrinsic function (`get_param: x`, `get_attr: [x, ...]`) under `value`. */
function references(value: Json, fn: string): string[] {
  if (Array.isArray(value)) return value.flatMap((v) => references(v, fn));
  if (!value || typeof value !== "object") return [];
  return Object.entries(value).flatMap(([key, inner]) => {
    if (key !== fn) return references(inner, fn);
    const target = Array.isArray(inner) ? inner[0] : inner;
    return typeof target === "string" ? [target] : [];
  });
}

/** Evaluates the intrinsic functions the simulator understands; anything else is returned as written. */
function evaluate(value: Json, scope: StackScope): Json {
  if (Array.isArray(value)) return value.map((v) => evaluate(v, scope));
  if (!value || typeof value !== "object") return value;
  const keys = Object.keys(value);
  if (keys.length === 1) {
    const [fn] = keys;
    const arg = value[fn];
    if (fn === "get_param") {
      const name = String(Array.isArray(arg) ? arg[0] : arg);
      if (name === "OS::stack_id") return scope.id;
      if (name === "OS::stack_name") return scope.name;
      if (name === "OS::project_id") return PROJECT_ID;
      return scope.parameters[name] ?? scope.template.parameters?.[name]?.default ?? null;
    }
    if (fn === "get_resource") return stableUuid(scope.id, String(arg));
    if (fn === "get_attr" && Array.isArray(arg))
      return attribute(
        scope,
        String(arg[0]),
        String(arg[1]),
        arg.slice(2).map((a) => evaluate(a, scope)),
      );
    if (fn === "str_replace" && arg && typeof arg === "object" && !Array.isArray(arg)) {
      let text = String(evaluate(arg.template, scope));
      const params = arg.params && typeof arg.params === "object" && !Array.isArray(arg.params) ? arg.params : {};
      for (const [placeholder, replacement] of Object.entries(params)) {
        const resolved = evaluate(replacement, scope);
        text = text.split(placeholder).join(typeof resolved === "string" ? resolved : JSON.stringify(resolved));
      }
      return text;
    }
    if (fn === "list_join" && Array.isArray(arg)) {
      const [separator, ...lists] = arg;
      return lists.flatMap((l) => evaluate(l, scope) as Json[]).join(String(separator));
    }
  }
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, evaluate(v, scope)]));
}

function attribute(scope: StackScope, resourceName: string, name: string, path: Json[] = []): Json {
  const resource = scope.template.resources?.[resourceName];
  if (!resource) throw new CloudError(400, `The Referenced Attribute (${resourceName} ${name}) is incorrect.`);
  if (resource.type === "OS::Nova::Server" && (name === "networks" || name === "first_address")) {
    const networks = scope.serverNetworks?.(resourceName);
    if (name === "first_address") return Object.values(networks ?? {})[0]?.[0] ?? "";
    // get_attr's path walks into the attribute: [server, networks, <network id or name>, 0].
    let value: Json = (networks ?? {}) as Json;
    for (const key of path)
      value = value !== null && typeof value === "object" ? ((value as Record<string, Json>)[String(key)] ?? null) : null;
    return value;
  }
  // signal_url: the native API's signal URL, which needs a Keystone token (Aodh's "trust+url" gets one).
  if (resource.type === "OS::Heat::ScalingPolicy" && name === "signal_url") return waitHandle(scope, resourceName).endpoint;
  if (resource.type === "OS::Heat::ScalingPolicy" && name === "alarm_url") {
    // Heat's pre-signed EC2-style heat-api-cfn URL; the signature is a keyed hash, stable for the same stack and resource.
    const arn = encodeURIComponent(`arn:openstack:heat::${PROJECT_ID}:stacks/${scope.name}/${scope.id}/resources/${resourceName}`);
    const signature = createHmac("sha256", scope.id).update(resourceName).digest("base64url");
    return `http://heat-cfn.sim.invalid:8000/v1/signal/${arn}?Timestamp=2026-01-01T00%3A00%3A00Z&SignatureMethod=HmacSHA256&AWSAccessKeyId=${stableUuid(scope.id, "ec2").replace(/-/g, "")}&SignatureVersion=2&Signature=${signature}`;
  }
  if (resource.type === "OS::Heat::AutoScalingGroup" && name === "current_size") return scope.groupSizes[resourceName] ?? 0;
  if (resource.type === "OS::Heat::WaitConditionHandle") {
    const handle = waitHandle(scope, resourceName);
    if (name === "endpoint") return handle.endpoint;
    if (name === "token") return handle.token;
    if (name === "curl_cli") {
      return `curl -i -X POST -H 'X-Auth-Token: ${handle.token}' -H 'Content-Type: application/json' -H 'Accept: application/json' ${handle.endpoint}`;
    }
  }
  return stableUuid(scope.id, resourceName, name);
}

/**
 * A wait condition handle's signal URL and token, as Heat's native handle
 * gives them. Heat's API is, in the lab, a small endpoint on the external
 * network's first address (the host), reached through the router's SNAT.
 */
export function waitHandle(scope: { id: string; name: string }, handle: string): { endpoint: string; token: string } {
  return {
    endpoint: `http://${heatApiHost()}:${HEAT_API_PORT}/v1/${PROJECT_ID}/stacks/${scope.name}/${scope.id}/resources/${handle}/signal`,
    token: stableUuid(scope.id, handle, "token").replace(/-/g, ""),
  };
}

function outputsOf(scope: StackScope): ValueObject[] {
  return Object.entries(scope.template.outputs ?? {}).map(([key, output]) => {
    const value = evaluate(output?.value ?? null, scope);
    return {
      output_key: key,
      output_value: typeof value === "string" ? value : JSON.stringify(value),
      description: output?.description ?? "",
    };
  });
}

function parametersOf(state: ValueObject): Record<string, string> {
  const parameters = isObject(state.parameters) ? state.parameters : {};
  return Object.fromEntries(Object.entries(parameters).map(([k, v]) => [k, String(v)]));
}

/**
 * Boots (or re-boots) the servers of each AutoScalingGroup, a port each on
 * the group's network. A member is either an OS::Nova::Server or an
 * OS::Heat::Stack whose nested template holds the servers (and their wait
 * conditions). Servers are owned by the outer stack, so they go when it goes.
 *
 * The group's size is Heat's, not the template's: created at desired_capacity
 * (clamped to min..max), then changed by its scaling policies' signals. A
 * stack update that leaves the group's properties as they were keeps its
 * members and size (Heat does not update an unchanged resource); one that
 * changes them resizes it to desired_capacity again, as Heat's
 * AutoScalingGroup.handle_update does. Terraform sees none of this: the size
 * is in no attribute of the stack, so a scaled group is no drift to it.
 */
function converge(ctx: ApplyContext, scope: StackScope): Record<string, number> {
  for (const member of ctx.cloud.list(LB_MEMBER)) if (member.owner === scope.id) ctx.cloud.remove(LB_MEMBER, member.id);
  for (const server of ctx.cloud.list(INSTANCE)) if (server.owner === scope.id) ctx.cloud.remove(INSTANCE, server.id);
  createServerGroups(ctx, scope);
  const sizes: Record<string, number> = {};
  const nowMs = Date.parse(ctx.now) || Date.now();
  for (const [name, resource] of Object.entries(scope.template.resources ?? {})) {
    if (resource.type !== "OS::Heat::AutoScalingGroup") continue;
    const props = evaluate(resource.properties ?? {}, scope) as Record<string, Json>;
    const min = Number(props.min_size ?? 0);
    const max = Number(props.max_size ?? min);
    const clamp = (n: number) => Math.min(max, Math.max(min, n));
    const definition = createHash("sha256").update(JSON.stringify(props)).digest("hex");
    const prior = groupRecord(ctx.cloud, scope.id, name);
    let record: GroupRecord;
    if (prior === undefined) {
      const size = clamp(Number(props.desired_capacity ?? min));
      record = {
        stack_id: scope.id,
        stack_name: scope.name,
        group: name,
        definition,
        min,
        max,
        members: Array.from({ length: size }, (_, index) => ({ index, created_ms: nowMs, servers: [] })),
        next_index: size,
        cooldown_end_ms: 0,
        in_progress: null,
        events: [],
      };
    } else if (prior.definition === definition) {
      record = { ...prior, min, max };
    } else {
      const current = prior.members.length;
      const size = clamp(
        props.desired_capacity === undefined || props.desired_capacity === null ? current : Number(props.desired_capacity),
      );
      record = { ...prior, definition, min, max };
      resizeMembers(record, size, nowMs);
    }
    for (const member of record.members) Object.assign(member, bootMember(ctx, scope, name, member.index, props));
    saveGroupRecord(ctx.cloud, record);
    sizes[name] = record.members.length;
  }
  return sizes;
}

/**
 * The stack's OS::Nova::ServerGroup resources, made once and kept across updates (owned by the stack, so
 * they go with it): the members boot after them and name them in their scheduler hints. Heat's default
 * policy is anti-affinity.
 */
function createServerGroups(ctx: ApplyContext, scope: StackScope): void {
  for (const [name, resource] of Object.entries(scope.template.resources ?? {})) {
    const id = stableUuid(scope.id, name);
    if (resource.type !== "OS::Nova::ServerGroup" || ctx.cloud.get(SERVER_GROUP, id)) continue;
    const props = evaluate(resource.properties ?? {}, scope) as Record<string, Json>;
    const policies = Array.isArray(props.policies) ? props.policies.map(String) : ["anti-affinity"];
    const groupName = typeof props.name === "string" ? props.name : `${scope.name}-${name}`;
    ctx.cloud.add({ type: SERVER_GROUP, id, owner: scope.id, state: { id, name: groupName, policies, members: [] } });
  }
}

/** Boots one member of group `name` of the stack; returns its servers' ids and its Octavia pool members' ids. */
function bootMember(
  ctx: ApplyContext,
  scope: StackScope,
  name: string,
  index: number,
  props: Record<string, Json>,
): Pick<GroupMember, "servers" | "pool_members"> {
  const member = props.resource as { type?: string; properties?: Record<string, Json> } | undefined;
  const memberName = `${scope.name}-${name}-${index}`;
  if (member?.type === "OS::Nova::Server") {
    const id = stableUuid(scope.id, name, String(index));
    bootServer(ctx, scope.id, id, memberName, member.properties ?? {}, []);
    return { servers: [id], pool_members: [] };
  }
  if (member?.type === "OS::Heat::Stack") {
    return bootNestedStack(
      ctx,
      scope.id,
      { id: stableUuid(scope.id, name, String(index), "stack"), name: memberName },
      member.properties ?? {},
    );
  }
  return { servers: [], pool_members: [] };
}

/**
 * Removes group members as Heat deletes a member stack: in reverse dependency order, so each
 * OS::Octavia::PoolMember (it refers to its server's address) goes before the server. The lab's
 * reconcile keeps that order: haproxy drops the member before the container stops.
 */
function deleteMembers(cloud: Cloud, members: readonly GroupMember[]): void {
  for (const member of members) for (const id of member.pool_members ?? []) cloud.remove(LB_MEMBER, id);
  for (const member of members) for (const server of member.servers) cloud.remove(INSTANCE, server);
}

/** Grows (new indices) or shrinks (oldest members first, as Heat removes them) the record's members to `size`. */
function resizeMembers(record: GroupRecord, size: number, nowMs: number): { added: GroupMember[]; removed: GroupMember[] } {
  const added: GroupMember[] = [];
  const removed: GroupMember[] = [];
  while (record.members.length < size) {
    const member = { index: record.next_index, created_ms: nowMs, servers: [] };
    record.next_index += 1;
    record.members.push(member);
    added.push(member);
  }
  if (record.members.length > size) {
    const oldestFirst = [...record.members].sort((a, b) => a.created_ms - b.created_ms || a.index - b.index);
    removed.push(...oldestFirst.slice(0, record.members.length - size));
    record.members = record.members.filter((m) => !removed.includes(m));
  }
  return { added, removed };
}

/**
 * A nested stack member: its servers boot with the nested template's wait conditions recorded on them, then its
 * OS::Octavia::PoolMember resources join their pools (after the servers, whose addresses they refer to); returns the ids.
 */
function bootNestedStack(
  ctx: ApplyContext,
  owner: string,
  stack: { id: string; name: string },
  props: Record<string, Json>,
): Pick<GroupMember, "servers" | "pool_members"> {
  const template = nestedTemplate(stack.name, props);
  const given = props.parameters && typeof props.parameters === "object" && !Array.isArray(props.parameters) ? props.parameters : {};
  const parameters = Object.fromEntries(Object.entries(given).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]));
  const serverIds: Record<string, string> = {};
  const serverNetworks = (resourceName: string) => {
    const id = serverIds[resourceName];
    return id === undefined ? undefined : addressesOf(ctx, id);
  };
  const nested: StackScope = { id: stack.id, name: stack.name, template, parameters, groupSizes: {}, serverNetworks };
  const resources = Object.entries(template.resources ?? {});
  const waits: HeatWaitCondition[] = resources
    .filter(([, r]) => r.type === "OS::Heat::WaitCondition")
    .map(([, r]) => {
      const p = evaluate(r.properties ?? {}, nested) as Record<string, Json>;
      const handle = Object.entries(template.resources ?? {}).find(([n]) => stableUuid(stack.id, n) === p.handle)?.[0] ?? String(p.handle);
      return { stackId: stack.id, stackName: stack.name, handle, timeoutSeconds: Number(p.timeout ?? 600), count: Number(p.count ?? 1) };
    });
  const servers = resources.filter(([, r]) => r.type === "OS::Nova::Server");
  const serverIdList = servers.map(([resName, r]) => {
    const name = servers.length === 1 ? stack.name : `${stack.name}-${resName}`;
    const id = stableUuid(stack.id, resName);
    bootServer(ctx, owner, id, name, evaluate(r.properties ?? {}, nested) as Record<string, Json>, waits);
    serverIds[resName] = id;
    return id;
  });
  const poolMembers = resources
    .filter(([, r]) => r.type === "OS::Octavia::PoolMember")
    .map(([resName, r]) =>
      createPoolMember(ctx, owner, stableUuid(stack.id, resName), evaluate(r.properties ?? {}, nested) as Record<string, Json>),
    );
  return { servers: serverIdList, pool_members: poolMembers };
}

/** A server's fixed IPs keyed by its networks' ids and names, as OS::Nova::Server's `networks` attribute gives them. */
function addressesOf(ctx: ApplyContext, serverId: string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const port of ctx.cloud.list(PORT).filter((p) => p.state.device_id === serverId)) {
    const ips = Array.isArray(port.state.all_fixed_ips) ? port.state.all_fixed_ips.map(String) : [];
    const networkId = String(port.state.network_id);
    const networkName = ctx.cloud.get(NETWORK, networkId)?.state.name;
    for (const key of [networkId, ...(typeof networkName === "string" && networkName ? [networkName] : [])])
      out[key] = [...(out[key] ?? []), ...ips];
  }
  return out;
}

/**
 * An OS::Octavia::PoolMember: an Octavia member on the pool, owned by the stack (Terraform tracks none of
 * Heat's members, and they go with the stack). Octavia's checks: the pool and subnet exist, one member per
 * address and port.
 */
function createPoolMember(ctx: ApplyContext, owner: string, id: string, props: Record<string, Json>): string {
  const pool = ctx.cloud.get(LB_POOL, String(props.pool));
  if (!pool) throw new CloudError(404, `Pool ${String(props.pool)} could not be found.`);
  if (props.subnet !== undefined && props.subnet !== null && !ctx.cloud.get(SUBNET, String(props.subnet))) {
    throw new CloudError(404, `Subnet ${String(props.subnet)} could not be found.`);
  }
  const address = typeof props.address === "string" ? props.address : "";
  const port = Number(props.protocol_port);
  if (!address || !Number.isInteger(port))
    throw new CloudError(400, `Invalid input for pool member: address '${address}', protocol_port '${String(props.protocol_port)}'`);
  const clash = ctx.cloud
    .list(LB_MEMBER)
    .some((m) => m.state.pool_id === pool.id && m.state.address === address && m.state.protocol_port === port);
  if (clash) throw new CloudError(409, `Another member on this pool is already using ip ${address} on protocol_port ${port}`);
  ctx.cloud.add({
    type: LB_MEMBER,
    id,
    owner,
    state: {
      id,
      name: "",
      pool_id: pool.id,
      address,
      protocol_port: port,
      subnet_id: props.subnet === undefined ? null : String(props.subnet),
      weight: props.weight === undefined ? 1 : Number(props.weight),
      admin_state_up: props.admin_state_up !== false,
      region: ctx.region,
    },
  });
  return id;
}

/** One server Heat boots: the instance, its port on the first network, and what Nova keeps (user data). */
function bootServer(
  ctx: ApplyContext,
  owner: string,
  id: string,
  name: string,
  server: Record<string, Json>,
  waits: HeatWaitCondition[],
): void {
  const networks = Array.isArray(server.networks) ? server.networks : [];
  const networkId = (networks[0] as Record<string, Json> | undefined)?.network;
  const groups = Array.isArray(server.security_groups) ? server.security_groups.map(String) : undefined;
  const userData = typeof server.user_data === "string" ? server.user_data : "";
  const hints = isObject(server.scheduler_hints) ? server.scheduler_hints : {};
  if (hints.group !== undefined) scheduleInGroup(ctx, hints.group);
  ctx.cloud.add({
    type: INSTANCE,
    id,
    owner,
    state: {
      id,
      name,
      image_id: server.image ?? null,
      flavor_id: server.flavor ?? null,
      key_pair: server.key_name ?? null,
      // Nova's server metadata: `metering.*` keys become Ceilometer's resource metadata, which the alarms query on.
      metadata: metadataOf(server.metadata),
      // As a Terraform-made server records them (a list of one block), so the scheduler counts both kinds alike.
      ...(hints.group !== undefined ? { scheduler_hints: [{ group: hints.group }] } : {}),
    },
    ...(userData ? { nova: { userData } } : {}),
    ...(waits.length > 0 ? { heat: { waitConditions: waits } } : {}),
  });
  if (typeof networkId === "string") {
    createPort(ctx, { networkId, deviceId: id, deviceOwner: "compute:nova", owner: id, securityGroupIds: groups });
  }
}

function deploy(ctx: ApplyContext, state: ValueObject, action: "CREATE" | "UPDATE"): void {
  const template = parseTemplate(state.template_opts);
  const parameters = parametersOf(state);
  checkTemplate(template, parameters);
  const base = { id: String(state.id), name: String(state.name), template, parameters, groupSizes: {} };
  const groupSizes = converge(ctx, base);
  state.outputs = outputsOf({ ...base, groupSizes });
  // Heat answers hidden parameters as "******", and provider 3.4.0 copies what Heat answers into
  // state: the next plan then differs from the configuration and updates the stack again.
  ctx.extras.heatParameters = parameters;
  if (isObject(state.parameters)) {
    for (const [name, spec] of Object.entries(template.parameters ?? {})) {
      if ((spec as { hidden?: unknown }).hidden === true && name in state.parameters) state.parameters[name] = "******";
    }
  }
  state.status = `${action}_COMPLETE`;
  state.status_reason = `Stack ${action} completed successfully`;
  fill(state, "template_description", typeof template.description === "string" ? template.description : "");
  fill(state, "description", typeof template.description === "string" ? template.description : "");
}

/** Heat keeps one stack per name and project, whatever its status (a failed or rolled-back one included). */
function checkNameFree(ctx: ApplyContext, name: string): void {
  if (ctx.cloud.list(STACK).some((s) => s.state.name === name)) throw new CloudError(409, `The Stack (${name}) already exists.`);
}

/**
 * A create Heat accepted that then failed inside the stack (a server over
 * quota, say): the stack stays, CREATE_FAILED, or ROLLBACK_COMPLETE after the
 * rollback that `disable_rollback: false` asks for (its resources gone).
 * Provider 3.4.0 sets the resource id only after CREATE_COMPLETE, so
 * Terraform records nothing, and the stack's name stays taken. Returns the
 * diagnostic's summary and detail, as the provider words them.
 */
export function failedCreate(ctx: ApplyContext, state: ValueObject, reason: string): { summary: string; detail: string } {
  checkNameFree(ctx, String(state.name));
  const rollback = state.disable_rollback === false;
  const status = rollback ? "ROLLBACK_COMPLETE" : "CREATE_FAILED";
  state.status = status;
  state.status_reason = rollback
    ? `Stack ROLLBACK completed successfully (after: Resource CREATE failed: ${reason})`
    : `Resource CREATE failed: ${reason}`;
  fill(state, "creation_time", ctx.now);
  fill(state, "updated_time", "");
  fill(state, "timeout", 60);
  fill(state, "outputs", []);
  const detail = rollback
    ? `unexpected state '${status}', wanted target 'CREATE_COMPLETE, UPDATE_COMPLETE, UPDATE_IN_PROGRESS'. last error: %!s(<nil>)`
    : "The stack is in error status. Please check with your cloud admin or check the orchestration API logs to see why this error occurred.";
  return { summary: `Error waiting for ${STACK} ${String(state.id)} to become ready`, detail };
}

const stack: ResourceModel = {
  legacyApply: true,
  create(ctx, state) {
    checkNameFree(ctx, String(state.name));
    deploy(ctx, state, "CREATE");
    fill(state, "creation_time", ctx.now);
    fill(state, "updated_time", "");
    fill(state, "disable_rollback", true);
    fill(state, "timeout", 60);
  },
  update(ctx, _prior, state) {
    deploy(ctx, state, "UPDATE");
    state.updated_time = ctx.now;
  },
};

/** Heat's record of an AutoScalingGroup: its members and scaling state (the group resource's metadata in Heat). Not a Terraform type. */
export const SCALING_GROUP = "heat_autoscaling_group";

export interface GroupMember {
  readonly index: number;
  readonly created_ms: number;
  servers: string[];
  /** The member stack's OS::Octavia::PoolMember ids (Octavia members Heat owns, not Terraform). */
  pool_members?: string[];
}

export interface ScalingEvent {
  readonly at_ms: number;
  readonly policy: string;
  /** scaled, cooldown (ignored), in-progress (ignored), no-change (at a bound). */
  readonly outcome: "scaled" | "cooldown" | "in-progress" | "no-change";
  readonly from: number;
  readonly to: number;
}

export interface GroupRecord {
  readonly stack_id: string;
  readonly stack_name: string;
  readonly group: string;
  definition: string;
  min: number;
  max: number;
  members: GroupMember[];
  next_index: number;
  /** Heat refuses scaling signals until then (epoch ms, the lab's clock). */
  cooldown_end_ms: number;
  /** A scaling action whose new members have not yet signalled their wait conditions; Heat refuses signals meanwhile. */
  in_progress: { since_ms: number; policy: string; cooldown_ms: number; waits: HeatWaitCondition[] } | null;
  events: ScalingEvent[];
}

const groupId = (stackId: string, group: string) => stableUuid(stackId, group, "autoscaling-group");

export function groupRecord(cloud: Cloud, stackId: string, group: string): GroupRecord | undefined {
  return cloud.get(SCALING_GROUP, groupId(stackId, group))?.state as unknown as GroupRecord | undefined;
}

function saveGroupRecord(cloud: Cloud, record: GroupRecord): void {
  const id = groupId(record.stack_id, record.group);
  cloud.remove(SCALING_GROUP, id);
  cloud.add({ type: SCALING_GROUP, id, owner: record.stack_id, state: JSON.parse(JSON.stringify(record)) as ValueObject });
}

/** Every AutoScalingGroup Heat holds, with its size and servers. */
export function scalingGroups(cloud: Cloud): GroupRecord[] {
  return cloud.list(SCALING_GROUP).map((o) => o.state as unknown as GroupRecord);
}

/** A stack as Heat holds it: its template and the parameters as given (hidden ones included). */
function stackScope(cloud: Cloud, stackId: string): { scope: StackScope; region: string } {
  const stack = cloud.get(STACK, stackId);
  if (!stack) throw new CloudError(404, `The Stack (${stackId}) could not be found.`);
  const template = parseTemplate(stack.state.template_opts);
  const parameters = stack.heatParameters ?? parametersOf(stack.state);
  const scope = { id: stack.id, name: String(stack.state.name), template, parameters, groupSizes: {} };
  return { scope, region: typeof stack.state.region === "string" ? stack.state.region : "RegionOne" };
}

export interface SignalOptions {
  /** The lab's clock, epoch ms. */
  readonly nowMs: number;
  /** The lab's time scale: a cooldown of N s lasts N / timeScale s. Default 1. */
  readonly timeScale?: number;
}

/**
 * A signal to an OS::Heat::ScalingPolicy (what Aodh's alarm action posts to
 * its signal_url), handled as Heat does: ignored while the group is in
 * cooldown or a scaling action is in progress; otherwise the new capacity
 * (change_in_capacity, exact_capacity or percent_change_in_capacity with
 * min_adjustment_step) clamped to min..max; no change at a bound (and no
 * cooldown then). Growing boots new members and stays in progress until
 * their wait conditions are signalled (`finishScaling`), after which the
 * cooldown starts; shrinking removes the oldest members and starts it at once.
 */
export function signalScalingPolicy(cloud: Cloud, stackId: string, policy: string, options: SignalOptions): ScalingEvent {
  const { scope, region } = stackScope(cloud, stackId);
  const resource = scope.template.resources?.[policy];
  if (!resource) throw new CloudError(404, `The Resource (${policy}) could not be found in Stack ${scope.name}.`);
  if (resource.type !== "OS::Heat::ScalingPolicy")
    throw new CloudError(400, `Resource ${policy} of type ${resource.type} does not take signals here`);
  const props = evaluate(resource.properties ?? {}, scope) as Record<string, Json>;
  const groupName = Object.keys(scope.template.resources ?? {}).find((n) => stableUuid(scope.id, n) === props.auto_scaling_group_id);
  const record = groupName ? groupRecord(cloud, scope.id, groupName) : undefined;
  if (!groupName || !record) throw new CloudError(400, `${policy}: auto_scaling_group_id names no AutoScalingGroup of the stack`);
  const timeScale = options.timeScale ?? 1;
  const current = record.members.length;
  const event = (outcome: ScalingEvent["outcome"], to = current): ScalingEvent => {
    const e = { at_ms: options.nowMs, policy, outcome, from: current, to };
    record.events.push(e);
    saveGroupRecord(cloud, record);
    return e;
  };
  if (record.in_progress) return event("in-progress");
  if (options.nowMs < record.cooldown_end_ms) return event("cooldown");
  const adjustment = Number(props.scaling_adjustment ?? 0);
  const type = String(props.adjustment_type ?? "change_in_capacity");
  let wanted = current + adjustment;
  if (type === "exact_capacity") wanted = adjustment;
  if (type === "percent_change_in_capacity") {
    const delta = (current * adjustment) / 100;
    const step = Number(props.min_adjustment_step ?? 0);
    const rounded = Math.abs(delta) < 1 ? Math.sign(delta) : delta > 0 ? Math.floor(delta) : Math.ceil(delta);
    wanted = current + (Math.abs(rounded) < step ? Math.sign(delta) * step : rounded);
  }
  const size = Math.min(record.max, Math.max(record.min, wanted));
  if (size === current) return event("no-change");
  const cooldownMs = (Number(props.cooldown ?? 0) * 1000) / timeScale;
  const { added, removed } = resizeMembers(record, size, options.nowMs);
  deleteMembers(cloud, removed);
  const groupResource = scope.template.resources?.[groupName];
  const groupProps = evaluate(groupResource?.properties ?? {}, scope) as Record<string, Json>;
  const ctx = applyContext(cloud, region);
  for (const member of added) Object.assign(member, bootMember(ctx, scope, groupName, member.index, groupProps));
  const waits = added.flatMap((m) => m.servers.flatMap((id) => cloud.get(INSTANCE, id)?.heat?.waitConditions ?? []));
  if (waits.length > 0) record.in_progress = { since_ms: options.nowMs, policy, cooldown_ms: cooldownMs, waits };
  else record.cooldown_end_ms = options.nowMs + cooldownMs;
  return event("scaled", size);
}

/**
 * Ends the scaling actions whose new members have signalled every wait
 * condition (or whose wait timed out, when Heat would mark the member
 * failed): the group's cooldown starts then. Returns the groups finished.
 */
export function finishScaling(cloud: Cloud, signalled: (wait: HeatWaitCondition) => boolean, nowMs: number): GroupRecord[] {
  const finished: GroupRecord[] = [];
  for (const record of scalingGroups(cloud)) {
    const progress = record.in_progress;
    if (!progress) continue;
    const timedOut = progress.waits.some((w) => nowMs - progress.since_ms > w.timeoutSeconds * 1000);
    if (!timedOut && !progress.waits.every(signalled)) continue;
    record.in_progress = null;
    record.cooldown_end_ms = nowMs + progress.cooldown_ms;
    saveGroupRecord(cloud, record);
    finished.push(record);
  }
  return finished;
}

/** An Aodh alarm a stack declares, its properties evaluated (what Heat creates in Aodh). */
export interface StackAlarm {
  readonly id: string;
  readonly name: string;
  readonly stackId: string;
  readonly type: string;
  readonly metric: string;
  readonly aggregationMethod: string;
  readonly granularity: number;
  readonly evaluationPeriods: number;
  readonly threshold: number;
  readonly comparisonOperator: string;
  readonly resourceType: string;
  readonly query: Json;
  readonly alarmActions: string[];
  readonly okActions: string[];
  readonly insufficientDataActions: string[];
  /** Heat's OS::Aodh::* default is true: the actions run at every evaluation that finds the alarm state, not only on a change. */
  readonly repeatActions: boolean;
  readonly enabled: boolean;
}

export function stackAlarms(cloud: Cloud): StackAlarm[] {
  const alarms: StackAlarm[] = [];
  for (const stack of cloud.list(STACK)) {
    let scope: StackScope;
    try {
      scope = stackScope(cloud, stack.id).scope;
    } catch {
      continue;
    }
    for (const [name, resource] of Object.entries(scope.template.resources ?? {})) {
      if (resource.type !== "OS::Aodh::GnocchiAggregationByResourcesAlarm") continue;
      const p = evaluate(resource.properties ?? {}, scope) as Record<string, Json>;
      const strings = (v: Json | undefined) => (Array.isArray(v) ? v.map(String) : []);
      let query: Json = p.query ?? null;
      if (typeof query === "string") {
        try {
          query = JSON.parse(query) as Json;
        } catch {
          // Aodh would refuse it; the lab matches nothing
        }
      }
      alarms.push({
        id: stableUuid(stack.id, name, "alarm"),
        name: `${scope.name}-${name}`,
        stackId: stack.id,
        type: resource.type,
        metric: String(p.metric ?? ""),
        aggregationMethod: String(p.aggregation_method ?? "mean"),
        granularity: Number(p.granularity ?? 60),
        evaluationPeriods: Number(p.evaluation_periods ?? 1),
        threshold: Number(p.threshold),
        comparisonOperator: String(p.comparison_operator ?? "eq"),
        resourceType: String(p.resource_type ?? "instance"),
        query,
        alarmActions: strings(p.alarm_actions),
        okActions: strings(p.ok_actions),
        insufficientDataActions: strings(p.insufficient_data_actions),
        repeatActions: p.repeat_actions === undefined ? true : p.repeat_actions === true,
        enabled: p.enabled === undefined ? true : p.enabled === true,
      });
    }
  }
  return alarms;
}

/** Nova metadata values are strings. */
function metadataOf(value: Json | undefined): ValueObject {
  if (!value || typeof value !== "object" || Array.isArray(value)) return {};
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]));
}

export const ORCHESTRATION_MODELS: Record<string, ResourceModel> = { [STACK]: stack };
