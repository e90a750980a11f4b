/**
 * `openstack_orchestration_stack_v1` carries a Heat template as a string, which
 * the provider schema sees only as text. Heat rejects a stack whose parameters
 * do not match its template, or whose template refers to parameters and
 * resources it does not declare; those are checked here, before any cloud does,
 * and likewise in the templates of nested stacks (an `OS::Heat::Stack`'s
 * `template`, an AutoScalingGroup's member), against the parameters the outer
 * template passes them. Resources Heat refuses without their required
 * properties (a pool member without its pool, address or port) are named too.
 */
import { parse } from "yaml";
import { Report } from "./check-block";
import { isExpression } from "./expressions";
import { isPlainObject } from "./value-types";

/** Properties Heat requires of the resource types these templates use (its resource schemas' `required: True`). */
const REQUIRED_PROPERTIES: Record<string, readonly string[]> = {
  "OS::Heat::AutoScalingGroup": ["max_size", "min_size", "resource"],
  "OS::Heat::ScalingPolicy": ["adjustment_type", "auto_scaling_group_id", "scaling_adjustment"],
  "OS::Heat::WaitCondition": ["handle"],
  "OS::Heat::Stack": ["template"],
  "OS::Nova::Server": ["flavor"],
  "OS::Octavia::PoolMember": ["address", "pool", "protocol_port"],
  "OS::Octavia::HealthMonitor": ["delay", "max_retries", "pool", "timeout", "type"],
};

/** Parameters Heat defines for every stack. */
const PSEUDO_PARAMETERS = new Set(["OS::stack_id", "OS::stack_name", "OS::project_id"]);

export function checkHeatStack(body: Record<string, unknown>, report: Report): void {
  const templateOpts = body.template_opts;
  const text = isPlainObject(templateOpts) ? templateOpts.Bin : undefined;
  if (typeof text !== "string" || isExpression(text)) return;
  const where = "template_opts.Bin";
  let template: unknown;
  try {
    template = parse(text);
  } catch (err) {
    report(where, "heat-template", `is not a JSON or YAML document: ${(err as Error).message.split("\n")[0]}`);
    return;
  }
  if (!isPlainObject(template) || template.heat_template_version === undefined) {
    report(where, "heat-template", "is not a Heat template (no heat_template_version)");
    return;
  }
  checkTemplate(template, isPlainObject(body.parameters) ? body.parameters : {}, where, "parameters", report);
}

/** One template against the parameters given to it; `where` is the template's path, `givenAt` the parameters'. */
function checkTemplate(
  template: Record<string, unknown>,
  given: Record<string, unknown>,
  where: string,
  givenAt: string,
  report: Report,
): void {
  const declared = isPlainObject(template.parameters) ? template.parameters : {};
  const resources = isPlainObject(template.resources) ? template.resources : {};

  for (const name of Object.keys(given)) {
    if (!(name in declared))
      report(
        `${givenAt}.${name}`,
        "heat-template",
        `is not a parameter of the template (it declares ${Object.keys(declared).join(", ") || "none"})`,
      );
  }
  for (const [name, spec] of Object.entries(declared)) {
    if (!(name in given) && !(isPlainObject(spec) && "default" in spec)) {
      report(givenAt, "heat-template", `the template's parameter '${name}' has no default and is not given`);
    }
  }
  for (const [name, resource] of Object.entries(resources)) checkResource(resource, `${where}.resources.${name}`, report);
  for (const [path, fn, arg] of intrinsics(template, where)) {
    const target = Array.isArray(arg) ? arg[0] : arg;
    if (typeof target !== "string") continue;
    if (fn === "get_param" && !(target in declared) && !PSEUDO_PARAMETERS.has(target)) {
      report(path, "heat-template", `get_param '${target}' is not a parameter of the template`);
    }
    if ((fn === "get_resource" || fn === "get_attr") && !(target in resources)) {
      report(path, "heat-template", `${fn} '${target}' is not a resource of the template`);
    }
  }
}

/** A resource's required properties; a nested stack's template (an AutoScalingGroup's member included), checked as a template. */
function checkResource(resource: unknown, at: string, report: Report): void {
  if (!isPlainObject(resource) || typeof resource.type !== "string") return;
  const props = isPlainObject(resource.properties) ? resource.properties : {};
  for (const prop of REQUIRED_PROPERTIES[resource.type] ?? []) {
    if (props[prop] === undefined || props[prop] === null)
      report(`${at}.properties`, "heat-template", `${resource.type} requires the property '${prop}'`);
  }
  if (resource.type === "OS::Heat::AutoScalingGroup" || resource.type === "OS::Heat::ResourceGroup") {
    checkResource(
      resource.type === "OS::Heat::AutoScalingGroup" ? props.resource : props.resource_def,
      `${at}.properties.resource`,
      report,
    );
  }
  if (resource.type !== "OS::Heat::Stack" || typeof props.template !== "string") return;
  const where = `${at}.properties.template`;
  let nested: unknown;
  try {
    nested = parse(props.template);
  } catch (err) {
    report(where, "heat-template", `is not a JSON or YAML document: ${(err as Error).message.split("\n")[0]}`);
    return;
  }
  if (!isPlainObject(nested) || nested.heat_template_version === undefined) {
    report(where, "heat-template", "is not a Heat template (no heat_template_version)");
    return;
  }
  checkTemplate(nested, isPlainObject(props.parameters) ? props.parameters : {}, where, `${at}.properties.parameters`, report);
}

/** Every `{ get_param | get_resource | get_attr: ... }` in the template, with its path. */
function intrinsics(value: unknown, path: string): [string, string, unknown][] {
  if (Array.isArray(value)) return value.flatMap((v, i) => intrinsics(v, `${path}[${i}]`));
  if (!isPlainObject(value)) return [];
  return Object.entries(value).flatMap(([k, v]) => [
    ...(["get_param", "get_resource", "get_attr"].includes(k) ? [[path, k, v] as [string, string, unknown]] : []),
    ...intrinsics(v, `${path}.${k}`),
  ]);
}
