/** What the checker reports: one finding per violated rule, located precisely enough to fix. */

/** Every rule the checker enforces; tests have one deliberately broken input per rule. */
export const RULES = {
  "unknown-provider": "the provider has no vendored schema, or is missing from required_providers",
  "provider-version": "required_providers does not pin a version its vendored schema describes",
  "unknown-type": "the resource or data source type is not in its provider's schema",
  "unknown-attribute": "an argument the schema does not declare",
  "unknown-block": "a nested block the schema does not declare",
  "computed-only": "a value for an attribute the provider computes and does not accept",
  "missing-required": "a required argument is absent",
  "missing-block": "a required nested block is absent",
  "wrong-type": "the value cannot be converted to the attribute's type",
  "block-shape": "a nested block written as something other than an object, or a list of objects",
  "block-min-items": "fewer nested blocks than the schema's min_items",
  "block-max-items": "more nested blocks than the schema's max_items",
  "one-of": "the value is not one of the allowed values",
  "int-range": "the number is outside the allowed integer range",
  "string-length": "the string is shorter or longer than allowed",
  cidr: "the value is not a CIDR",
  ip: "the value is not an IP address",
  json: "the value is not valid JSON (or not a JSON object)",
  uuid: "the value is not a UUID",
  regexp: "the value is not a valid regular expression, or does not match the required pattern",
  rfc3339: "the value is not an RFC 3339 timestamp",
  "not-empty": "the value is empty or a zero value",
  "custom-validation": "a provider-specific validation failed",
  "volatile-force-new": "an argument that forces replacement is computed by a function that changes on every plan",
  "conflicts-with": "two arguments that exclude each other are both set",
  "exactly-one-of": "not exactly one argument of a group is set",
  "at-least-one-of": "none of the arguments of a group is set",
  "required-with": "an argument is set without the arguments it needs",
  "heat-template": "an orchestration stack whose parameters or Heat template do not fit together",
  reference: "an expression refers to a resource, data source or attribute that does not exist",
  "sensitive-output": "an output shows a sensitive attribute without being marked sensitive (Terraform refuses to plan)",
  "depends-on": "a depends_on entry does not name a resource or data source of the stack",
  lifecycle: "an unknown lifecycle key, or a lifecycle value of the wrong shape",
  "count-for-each": "count or for_each of the wrong shape, or both set",
  "provider-reference": "the provider meta-argument names a provider configuration that does not exist",
  "provider-config": "duplicate or malformed provider configurations",
} as const;

export type RuleId = keyof typeof RULES;

export interface Finding {
  /** Stack (environment) id. */
  readonly stack: string;
  /** Terraform address: `openstack_networking_port_v2.api_port_1234`, `data.x.y`, `provider.openstack`. */
  readonly address: string;
  /** Path of the attribute inside the address, e.g. `fixed_ip[0].subnet_id`; empty for the whole object. */
  readonly path: string;
  readonly rule: RuleId;
  readonly message: string;
}

/** `dev: openstack_networking_port_v2.api_port: fixed_ip[0].subnet_id: must be ... [wrong-type]` */
/** A finding's or a behaviour's dotted path: `prefix.key`, or `key` at the top level. */
export function joinPath(prefix: string, key: string): string {
  return prefix ? `${prefix}.${key}` : key;
}

export function formatFinding(f: Finding): string {
  const where = f.path ? `${f.address}: ${f.path}` : f.address;
  return `${f.stack}: ${where}: ${f.message} [${f.rule}]`;
}
