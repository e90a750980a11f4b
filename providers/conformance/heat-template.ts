/**
 * `openstack_orchestration_stack_v1` carries a Heat template as a string, which
 * the provider schema sees only as text. Heat rejects a stack whose parameters
 * do not match its template, or whose template refers to parameters and
 * resources it does not declare; those are checked here, before any cloud does.
 */
import { parse } from "yaml";
import { Report } from "./check-block";
import { isExpression } from "./expressions";
import { isPlainObject } from "./value-types";

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
  const declared = isPlainObject(template.parameters) ? template.parameters : {};
  const resources = isPlainObject(template.resources) ? template.resources : {};
  const given = isPlainObject(body.parameters) ? body.parameters : {};

  for (const name of Object.keys(given)) {
    if (!(name in declared)) report(`parameters.${name}`, "heat-template", `is not a parameter of the template (it declares ${Object.keys(declared).join(", ") || "none"})`);
  }
  for (const [name, spec] of Object.entries(declared)) {
    if (!(name in given) && !(isPlainObject(spec) && "default" in spec)) {
      report("parameters", "heat-template", `the template's parameter '${name}' has no default and is not given`);
    }
  }
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

/** Every `{ get_param | get_resource | get_attr: ... }` in the template, with its path. */
function intrinsics(value: unknown, path: string): [string, string, unknown][] {
  if (Array.isArray(value)) return value.flatMap((v, i) => intrinsics(v, `${path}[${i}]`));
  if (!isPlainObject(value)) return [];
  return Object.entries(value).flatMap(([k, v]) => [
    ...(["get_param", "get_resource", "get_attr"].includes(k) ? [[path, k, v] as [string, string, unknown]] : []),
    ...intrinsics(v, `${path}.${k}`),
  ]);
}
