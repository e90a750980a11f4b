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
import { createHmac } from "node:crypto";
import { isObject, UNKNOWN, Value, ValueObject } from "../protocol/cty";
import { CloudError } from "../provider/diagnostics";
import { HEAT_API_PORT, heatApiHost, PROJECT_ID, stableUuid } from "./catalogue";
import { HeatWaitCondition } from "./cloud";
import { INSTANCE } from "./compute";
import { ApplyContext, fill, ResourceModel } from "./model";
import { createPort } from "./networking";

export const STACK = "openstack_orchestration_stack_v1";

const HOT_VERSIONS = [
  "2013-05-23", "2014-10-16", "2015-04-30", "2015-10-15", "2016-04-08", "2016-10-14", "2017-02-24", "2017-09-01",
  "2018-03-02", "2018-08-31", "2021-04-16", "newton", "ocata", "pike", "queens", "rocky", "wallaby",
];

/** Resource types a stock Heat (Wallaby and later, with Aodh and Octavia) knows; anything else is a typo to Heat. */
const RESOURCE_TYPES = new Set([
  "OS::Aodh::Alarm", "OS::Aodh::CompositeAlarm", "OS::Aodh::EventAlarm", "OS::Aodh::GnocchiAggregationByMetricsAlarm",
  "OS::Aodh::GnocchiAggregationByResourcesAlarm", "OS::Aodh::GnocchiResourcesAlarm", "OS::Cinder::Volume",
  "OS::Cinder::VolumeAttachment", "OS::Heat::AutoScalingGroup", "OS::Heat::CloudConfig", "OS::Heat::InstanceGroup",
  "OS::Heat::MultipartMime", "OS::Heat::None", "OS::Heat::RandomString", "OS::Heat::ResourceGroup", "OS::Heat::ScalingPolicy",
  "OS::Heat::SoftwareConfig", "OS::Heat::SoftwareDeployment", "OS::Heat::Stack", "OS::Heat::TestResource", "OS::Heat::Value",
  "OS::Heat::WaitCondition", "OS::Heat::WaitConditionHandle", "OS::Neutron::FloatingIP", "OS::Neutron::FloatingIPAssociation",
  "OS::Neutron::Net", "OS::Neutron::Port", "OS::Neutron::Router", "OS::Neutron::RouterInterface", "OS::Neutron::SecurityGroup",
  "OS::Neutron::SecurityGroupRule", "OS::Neutron::Subnet", "OS::Nova::Flavor", "OS::Nova::KeyPair", "OS::Nova::Server",
  "OS::Nova::ServerGroup", "OS::Octavia::HealthMonitor", "OS::Octavia::Listener", "OS::Octavia::LoadBalancer",
  "OS::Octavia::Pool", "OS::Octavia::PoolMember", "OS::Swift::Container",
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
}

/** The plan side of the SDKv2 liberty described above; returns true when it was used. */
export function planStackOutputs(prior: ValueObject | null, planned: ValueObject, config: ValueObject | null): boolean {
  const configured = Array.isArray(config?.outputs) && config.outputs.length > 0;
  if (configured) return false;
  planned.outputs = prior === null ? UNKNOWN : prior.outputs ?? [];
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
  if (!template || typeof template !== "object" || Array.isArray(template)) throw new CloudError(400, "Template format is not valid: not a mapping");
  return template as Template;
}

function checkTemplate(template: Template, given: Record<string, Json>): void {
  const version = String(template.heat_template_version ?? "");
  if (!HOT_VERSIONS.includes(version)) {
    throw new CloudError(400, `The template version is invalid: Unknown version (heat_template_version => ${version}). Should be one of: ${HOT_VERSIONS.join(", ")}`);
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
    throw new CloudError(400, `Failed to validate: resources.${name}.properties.adjustment_type: "${String(props.adjustment_type)}" is not an allowed value [${ADJUSTMENT_TYPES.join(", ")}]`);
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
  if (typeof props.template !== "string") throw new CloudError(400, `Failed to validate: resources.${name}.properties.template: a template string is required`);
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
    if (fn === "get_attr" && Array.isArray(arg)) return attribute(scope, String(arg[0]), String(arg[1]));
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

function attribute(scope: StackScope, resourceName: string, name: string): Json {
  const resource = scope.template.resources?.[resourceName];
  if (!resource) throw new CloudError(400, `The Referenced Attribute (${resourceName} ${name}) is incorrect.`);
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
    return { output_key: key, output_value: typeof value === "string" ? value : JSON.stringify(value), description: output?.description ?? "" };
  });
}

function parametersOf(state: ValueObject): Record<string, string> {
  const parameters = isObject(state.parameters) ? state.parameters : {};
  return Object.fromEntries(Object.entries(parameters).map(([k, v]) => [k, String(v)]));
}

/**
 * Boots (or re-boots) the servers of each AutoScalingGroup: desired capacity
 * clamped to min..max, a port each on the group's network. A member is either
 * an OS::Nova::Server or an OS::Heat::Stack whose nested template holds the
 * servers (and their wait conditions). Servers are owned by the outer stack,
 * so they go when it goes.
 */
function converge(ctx: ApplyContext, scope: StackScope): Record<string, number> {
  for (const server of ctx.cloud.list(INSTANCE)) if (server.owner === scope.id) ctx.cloud.remove(INSTANCE, server.id);
  const sizes: Record<string, number> = {};
  for (const [name, resource] of Object.entries(scope.template.resources ?? {})) {
    if (resource.type !== "OS::Heat::AutoScalingGroup") continue;
    const props = evaluate(resource.properties ?? {}, scope) as Record<string, Json>;
    const min = Number(props.min_size ?? 0);
    const max = Number(props.max_size ?? min);
    const size = Math.min(max, Math.max(min, Number(props.desired_capacity ?? min)));
    sizes[name] = size;
    const member = props.resource as { type?: string; properties?: Record<string, Json> } | undefined;
    for (let i = 0; i < size; i++) {
      const memberName = `${scope.name}-${name}-${i}`;
      if (member?.type === "OS::Nova::Server") {
        bootServer(ctx, scope.id, stableUuid(scope.id, name, String(i)), memberName, member.properties ?? {}, []);
      } else if (member?.type === "OS::Heat::Stack") {
        bootNestedStack(ctx, scope.id, { id: stableUuid(scope.id, name, String(i), "stack"), name: memberName }, member.properties ?? {});
      }
    }
  }
  return sizes;
}

/** A nested stack member: its servers boot with the nested template's wait conditions recorded on them. */
function bootNestedStack(ctx: ApplyContext, owner: string, stack: { id: string; name: string }, props: Record<string, Json>): void {
  const template = nestedTemplate(stack.name, props);
  const given = props.parameters && typeof props.parameters === "object" && !Array.isArray(props.parameters) ? props.parameters : {};
  const parameters = Object.fromEntries(Object.entries(given).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]));
  const nested: StackScope = { id: stack.id, name: stack.name, template, parameters, groupSizes: {} };
  const resources = Object.entries(template.resources ?? {});
  const waits: HeatWaitCondition[] = resources.filter(([, r]) => r.type === "OS::Heat::WaitCondition").map(([, r]) => {
    const p = evaluate(r.properties ?? {}, nested) as Record<string, Json>;
    const handle = Object.entries(template.resources ?? {}).find(([n]) => stableUuid(stack.id, n) === p.handle)?.[0] ?? String(p.handle);
    return { stackId: stack.id, stackName: stack.name, handle, timeoutSeconds: Number(p.timeout ?? 600), count: Number(p.count ?? 1) };
  });
  const servers = resources.filter(([, r]) => r.type === "OS::Nova::Server");
  for (const [resName, r] of servers) {
    const name = servers.length === 1 ? stack.name : `${stack.name}-${resName}`;
    bootServer(ctx, owner, stableUuid(stack.id, resName), name, evaluate(r.properties ?? {}, nested) as Record<string, Json>, waits);
  }
}

/** One server Heat boots: the instance, its port on the first network, and what Nova keeps (user data). */
function bootServer(ctx: ApplyContext, owner: string, id: string, name: string, server: Record<string, Json>, waits: HeatWaitCondition[]): void {
  const networks = Array.isArray(server.networks) ? server.networks : [];
  const networkId = (networks[0] as Record<string, Json> | undefined)?.network;
  const groups = Array.isArray(server.security_groups) ? server.security_groups.map(String) : undefined;
  const userData = typeof server.user_data === "string" ? server.user_data : "";
  ctx.cloud.add({
    type: INSTANCE, id, owner,
    state: { id, name, image_id: server.image ?? null, flavor_id: server.flavor ?? null, key_pair: server.key_name ?? null },
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
  state.status_reason = rollback ? `Stack ROLLBACK completed successfully (after: Resource CREATE failed: ${reason})` : `Resource CREATE failed: ${reason}`;
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

export const ORCHESTRATION_MODELS: Record<string, ResourceModel> = { [STACK]: stack };

