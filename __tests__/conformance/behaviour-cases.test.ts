/**
 * One table of behaviour-file cases that the conformance checker and the
 * simulated providers must both decide as expected: each body goes through
 * `checkStack` as a synthesized resource (or data source) and through the
 * simulator's ValidateResourceTypeConfig / ValidateDataSourceConfig handler
 * in-process (the decoded config the handler passes to the provider: the same
 * body conformed to the type, `${...}` expressions as unknown values).
 * Both interpret the file with providers/schema/behaviour.ts; this table is
 * what keeps `npm run check` and `sim:deploy` from disagreeing again (they
 * once did on `protocol = "bogus"`).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { renderPath } from "../../providers/conformance/behaviour-rules";
import { checkStack, TerraformJson } from "../../providers/conformance/check-stack";
import { Finding, formatFinding } from "../../providers/conformance/findings";
import { SchemaIndex, TypeSchema } from "../../providers/conformance/schema-index";
import type { PathStep } from "../../providers/schema/behaviour";
import type { BehaviourFile, Validation } from "../../providers/schema/types";
import { OpenStackProvider } from "../../sim/openstack/openstack-provider";
import { Diagnostic } from "../../sim/provider/diagnostics";
import { validateConfig } from "../../sim/provider/validation";
import { blockType, conform, UNKNOWN, Value, ValueObject } from "../../sim/protocol/cty";
import { RandomProvider } from "../../sim/random/random-provider";
import { ACME_INDEX } from "./acme-provider";
import { minimalBody } from "./minimal-bodies";

type Json = Record<string, unknown>;
type ProviderName = "openstack" | "random" | "acme";

interface Case {
  /** What the case covers: a validation key (`one_of`), `custom:<name>` or a relation (`conflicts_with`). */
  readonly kind: string;
  readonly name: string;
  readonly provider?: ProviderName;
  readonly mode?: "resource" | "data";
  readonly type: string;
  /** Merged over the type's minimal body; `undefined` removes an argument. */
  readonly set: Json;
  /** Where the refusal is reported and a fragment of its message; absent when both must accept. */
  readonly refuse?: { readonly at: PathStep[]; readonly message: string };
}

const UUID = "0b4cbd2e-64d5-4e2b-9c1c-6d2e0f9b2f11";
const RULE = "openstack_networking_secgroup_rule_v2";
const TCP = { direction: "ingress", ethertype: "IPv4", protocol: "tcp" };

const CASES: Case[] = [
  // one_of (StringInSlice, IntInSlice), ignore_case, and the any-of of the security-group rule's protocol
  {
    kind: "any",
    name: 'protocol = "bogus": neither a name of the list nor a number',
    type: RULE,
    set: { ...TCP, protocol: "bogus" },
    refuse: { at: ["protocol"], message: "to be a protocol name or a number between 0 and 255, got bogus" },
  },
  { kind: "any", name: "a protocol name of the list", type: RULE, set: { ...TCP, protocol: "udp" } },
  { kind: "any", name: "a protocol given by number", type: RULE, set: { ...TCP, protocol: "6" } },
  { kind: "any", name: "the empty protocol (any)", type: RULE, set: { ...TCP, protocol: "" } },
  {
    kind: "custom:resourceNetworkingSecGroupRuleV2Protocol",
    name: "a protocol number above 255",
    type: RULE,
    set: { ...TCP, protocol: "300" },
    refuse: { at: ["protocol"], message: "protocol number between 0 and 255, got 300" },
  },
  {
    kind: "custom:resourceNetworkingSecGroupRuleV2Protocol",
    name: "a negative protocol number",
    type: RULE,
    set: { ...TCP, protocol: "-1" },
    refuse: { at: ["protocol"], message: "got -1" },
  },
  {
    kind: "custom:resourceNetworkingSecGroupRuleV2Protocol",
    name: "a protocol name in upper case (the list is case-sensitive)",
    type: RULE,
    set: { ...TCP, protocol: "TCP" },
    refuse: { at: ["protocol"], message: "got TCP" },
  },
  {
    kind: "one_of",
    name: "a direction in the wrong case",
    type: RULE,
    set: { ...TCP, direction: "INGRESS" },
    refuse: { at: ["direction"], message: 'expected direction to be one of ["ingress" "egress"], got INGRESS' },
  },
  {
    kind: "ignore_case",
    name: "a power state in another case when the check ignores case",
    type: "openstack_compute_instance_v2",
    set: { power_state: "Shutoff" },
  },
  {
    kind: "ignore_case",
    name: "a power state outside the list",
    type: "openstack_compute_instance_v2",
    set: { power_state: "running" },
    refuse: { at: ["power_state"], message: "expected power_state to be one of" },
  },
  {
    kind: "one_of",
    name: "an IP version outside IntInSlice",
    type: "openstack_networking_subnet_v2",
    set: { ip_version: 5 },
    refuse: { at: ["ip_version"], message: "expected ip_version to be one of [4 6], got 5" },
  },
  {
    kind: "one_of",
    name: "an IP version given as a string (Terraform converts it)",
    type: "openstack_networking_subnet_v2",
    set: { ip_version: "6" },
  },
  {
    kind: "one_of",
    name: "an LB method outside the list",
    type: "openstack_lb_pool_v2",
    set: { lb_method: "RANDOM" },
    refuse: { at: ["lb_method"], message: 'expected lb_method to be one of ["ROUND_ROBIN"' },
  },
  { kind: "one_of", name: "an LB method only known at apply time", type: "openstack_lb_pool_v2", set: { lb_method: "${var.method}" } },
  {
    kind: "one_of",
    name: "a value outside the list in a nested block",
    type: "openstack_bgpvpn_port_associate_v2",
    set: { routes: [{ type: "network" }] },
    refuse: { at: ["routes", 0, "type"], message: "expected routes.type to be one of" },
  },
  {
    kind: "elem",
    name: "a set element outside the list",
    type: "openstack_lb_listener_v2",
    set: { tls_versions: ["TLSv1.2", "SSLv3"] },
    refuse: { at: ["tls_versions", 1], message: "expected tls_versions.1 to be one of" },
  },
  { kind: "elem", name: "set elements of the list", type: "openstack_lb_listener_v2", set: { tls_versions: ["TLSv1.2", "TLSv1.3"] } },

  // integers
  {
    kind: "int_between",
    name: "max_retries above its range",
    type: "openstack_lb_monitor_v2",
    set: { max_retries: 11 },
    refuse: { at: ["max_retries"], message: "expected max_retries to be in the range (1 - 10), got 11" },
  },
  { kind: "int_between", name: "max_retries at its bound", type: "openstack_lb_monitor_v2", set: { max_retries: 10 } },
  {
    kind: "int_between",
    name: "a port above 65535",
    type: RULE,
    set: { ...TCP, port_range_min: 22, port_range_max: 70000 },
    refuse: { at: ["port_range_max"], message: "in the range (0 - 65535), got 70000" },
  },
  {
    kind: "int_between",
    name: "a fraction where an integer goes",
    type: RULE,
    set: { ...TCP, port_range_min: 22.5, port_range_max: 23 },
    refuse: { at: ["port_range_min"], message: "expected type of port_range_min to be integer" },
  },
  {
    kind: "int_between",
    name: "a port given as a numeric string",
    type: RULE,
    set: { ...TCP, port_range_min: "22", port_range_max: "22" },
  },
  {
    kind: "int_at_least",
    name: "an integer below its minimum in a nested block",
    type: "openstack_compute_servergroup_v2",
    set: { rules: [{ max_server_per_host: 0 }] },
    refuse: { at: ["rules", 0, "max_server_per_host"], message: "to be at least (1), got 0" },
  },
  {
    kind: "int_at_least",
    name: "a negative minimum disk",
    type: "openstack_images_image_v2",
    set: { min_disk_gb: -1 },
    refuse: { at: ["min_disk_gb"], message: "expected min_disk_gb to be at least (0), got -1" },
  },
  {
    kind: "int_at_least",
    provider: "random",
    name: "a random_password of length 0",
    type: "random_password",
    set: { length: 0 },
    refuse: { at: ["length"], message: "expected length to be at least (1), got 0" },
  },
  {
    kind: "int_at_most",
    provider: "acme",
    name: "an integer above its maximum",
    type: "acme_thing",
    set: { replicas: 11 },
    refuse: { at: ["replicas"], message: "expected replicas to be at most (10), got 11" },
  },

  // strings and formats
  {
    kind: "string_len_between",
    provider: "acme",
    name: "a string too short",
    type: "acme_thing",
    set: { label: "ab" },
    refuse: { at: ["label"], message: "expected length of label to be in the range (3 - 8), got ab" },
  },
  {
    kind: "all",
    provider: "acme",
    name: "a string passing one of all validations but not the other",
    type: "acme_thing",
    set: { code: "abcd" },
    refuse: { at: ["code"], message: "expected length of code to be in the range (2 - 3)" },
  },
  { kind: "all", provider: "acme", name: "a string passing all validations", type: "acme_thing", set: { code: "abc" } },
  {
    kind: "json",
    provider: "acme",
    name: "invalid JSON",
    type: "acme_thing",
    set: { document: "{oops" },
    refuse: { at: ["document"], message: '"document" contains an invalid JSON' },
  },
  {
    kind: "no_zero_values",
    provider: "acme",
    name: "a zero value",
    type: "acme_thing",
    set: { weight: 0 },
    refuse: { at: ["weight"], message: "expected weight to not be a zero value, got 0" },
  },
  {
    kind: "cidr",
    name: "a prefix length above 32 in a nested block",
    type: "openstack_networking_router_routes_v2",
    set: { routes: [{ destination_cidr: "10.0.0.0/33", next_hop: "10.0.0.1" }] },
    refuse: {
      at: ["routes", 0, "destination_cidr"],
      message: "expected routes.destination_cidr to be a valid IPv4 or IPv6 CIDR, got 10.0.0.0/33",
    },
  },
  {
    kind: "cidr",
    name: "a CIDR without its prefix length in a nested set block",
    type: "openstack_bgpvpn_port_associate_v2",
    set: { routes: [{ type: "prefix", prefix: "10.1.0.0" }] },
    refuse: { at: ["routes", 0, "prefix"], message: "CIDR, got 10.1.0.0" },
  },
  {
    kind: "cidr",
    name: "a list element that is not a CIDR",
    type: "openstack_networking_address_group_v2",
    set: { addresses: ["192.0.2.0/24", "bogus"] },
    refuse: { at: ["addresses", 1], message: "expected addresses.1 to be a valid IPv4 or IPv6 CIDR, got bogus" },
  },
  {
    kind: "cidr",
    name: "IPv4 and IPv6 CIDRs with host bits",
    type: "openstack_networking_address_group_v2",
    set: { addresses: ["192.0.2.1/24", "2001:db8::1/64"] },
  },
  {
    kind: "ip",
    name: "an IPv4 octet above 255",
    type: "openstack_networking_bgp_peer_v2",
    set: { peer_ip: "300.1.1.1" },
    refuse: { at: ["peer_ip"], message: "expected peer_ip to contain a valid IP, got: 300.1.1.1" },
  },
  {
    kind: "ip",
    name: "an IPv4 octet with a leading zero (Go refuses it)",
    type: "openstack_networking_router_routes_v2",
    set: { routes: [{ destination_cidr: "10.0.0.0/8", next_hop: "10.0.0.01" }] },
    refuse: { at: ["routes", 0, "next_hop"], message: "valid IP, got: 10.0.0.01" },
  },
  { kind: "ip", name: "an IPv6 address", type: "openstack_networking_bgp_peer_v2", set: { peer_ip: "2001:db8::1" } },
  {
    kind: "ip",
    mode: "data",
    name: "a data source's fixed_ip that is not an address",
    type: "openstack_networking_port_v2",
    set: { fixed_ip: "10.0.0" },
    refuse: { at: ["fixed_ip"], message: "expected fixed_ip to contain a valid IP" },
  },
  {
    kind: "uuid",
    name: "an id that is not a UUID",
    type: "openstack_images_image_v2",
    set: { image_id: "image-1" },
    refuse: { at: ["image_id"], message: 'expected "image_id" to be a valid UUID, got image-1' },
  },
  { kind: "uuid", name: "a UUID in upper case", type: "openstack_images_image_v2", set: { image_id: UUID.toUpperCase() } },
  {
    kind: "rfc3339_time",
    name: "a date that is not RFC 3339",
    type: "openstack_identity_application_credential_v3",
    set: { expires_at: "tomorrow" },
    refuse: { at: ["expires_at"], message: 'expected "expires_at" to be a valid RFC3339 date, got "tomorrow"' },
  },
  {
    kind: "rfc3339_time",
    name: "February 30th",
    type: "openstack_keymanager_secret_v1",
    set: { expiration: "2026-02-30T00:00:00Z" },
    refuse: { at: ["expiration"], message: "valid RFC3339 date" },
  },
  {
    kind: "rfc3339_time",
    name: "a timestamp with an offset",
    type: "openstack_identity_application_credential_v3",
    set: { expires_at: "2030-01-01T00:00:00+05:30" },
  },
  {
    kind: "not_empty",
    name: "an empty L7 rule value",
    type: "openstack_lb_l7rule_v2",
    set: { value: "" },
    refuse: { at: ["value"], message: 'expected "value" not to be an empty string' },
  },
  {
    kind: "match",
    name: "a DNS domain without its final dot",
    type: "openstack_networking_floatingip_v2",
    set: { dns_domain: "example.com" },
    refuse: { at: ["dns_domain"], message: "invalid value for dns_domain (must match ^$|\\.$)" },
  },
  {
    kind: "match",
    name: "a DNS domain with its final dot, and the empty one",
    type: "openstack_networking_network_v2",
    set: { dns_domain: "example.com." },
  },
  { kind: "match", name: "the empty DNS domain", type: "openstack_networking_floatingip_v2", set: { dns_domain: "" } },
  {
    kind: "regexp",
    mode: "data",
    name: "a regular expression that does not compile",
    type: "openstack_identity_project_ids_v3",
    set: { name_regex: "fractals-(" },
    refuse: { at: ["name_regex"], message: '"name_regex": "fractals-(" is not a valid regular expression' },
  },
  {
    kind: "regexp",
    mode: "data",
    name: "a regular expression that compiles",
    type: "openstack_images_image_ids_v2",
    set: { name_regex: "^ubuntu-[0-9]+$" },
  },

  // custom validators
  {
    kind: "custom:validateJSONObject",
    name: "a JSON array where a JSON object goes",
    type: "openstack_lb_flavorprofile_v2",
    set: { flavor_data: "[1,2]" },
    refuse: { at: ["flavor_data"], message: "flavor_data: must be a JSON object" },
  },
  {
    kind: "custom:validateJSONObject",
    name: "an empty string where a JSON object goes",
    type: "openstack_lb_flavorprofile_v2",
    set: { flavor_data: "" },
    refuse: { at: ["flavor_data"], message: "must not be empty" },
  },
  {
    kind: "custom:validateJSONObject",
    name: "a JSON object in a nested block",
    type: "openstack_networking_port_v2",
    set: { binding: [{ profile: '{"local_link_information": []}' }] },
  },
  {
    kind: "custom:validateJSONObject",
    name: "text that is not JSON in a nested block",
    type: "openstack_networking_port_v2",
    set: { binding: [{ profile: "not json" }] },
    refuse: { at: ["binding", 0, "profile"], message: "binding.profile: must be a JSON object" },
  },
  {
    kind: "custom:AtLeastSumOf",
    provider: "random",
    name: "a password shorter than its minimum character counts",
    type: "random_password",
    set: { length: 3, min_upper: 2, min_numeric: 2 },
    refuse: {
      at: ["length"],
      message: "Attribute length value must be at least sum of min_upper + min_lower + min_numeric + min_special, got: 3",
    },
  },
  {
    kind: "custom:AtLeastSumOf",
    provider: "random",
    name: "a minimum only known at apply time (the framework waits)",
    type: "random_string",
    set: { length: 3, min_upper: 2, min_numeric: "${var.digits}" },
  },
  // Named validators that cannot be reproduced offline pass in both (README lists them).
  {
    kind: "custom:func literal at resource_openstack_lb_l7policy_v2.go:97",
    name: "a redirect URL (not checked offline)",
    type: "openstack_lb_l7policy_v2",
    set: { action: "REDIRECT_TO_URL", redirect_url: "not a url" },
  },
  {
    kind: "custom:validatePasswordExpiresAtQuery",
    mode: "data",
    name: "a password expiry query (not checked offline)",
    type: "openstack_identity_user_v3",
    set: { password_expires_at: "whenever" },
  },
  {
    kind: "custom:dataSourceValidateImageSortFilter",
    mode: "data",
    name: "an image sort (not checked offline)",
    type: "openstack_images_image_v2",
    set: { sort: "bogus" },
  },
  {
    kind: "custom:dataSourceValidateDateFilter",
    mode: "data",
    name: "a secret date filter (not checked offline)",
    type: "openstack_keymanager_secret_v1",
    set: { created_at_filter: "yesterday" },
  },

  // relations between arguments
  {
    kind: "conflicts_with",
    name: "a gateway and no gateway",
    type: "openstack_networking_subnet_v2",
    set: { gateway_ip: "10.0.0.1", no_gateway: true },
    refuse: { at: ["no_gateway"], message: '"no_gateway": conflicts with gateway_ip' },
  },
  {
    kind: "conflicts_with",
    name: "no_gateway = false is still set (the SDK checks presence)",
    type: "openstack_networking_subnet_v2",
    set: { gateway_ip: "10.0.0.1", no_gateway: false },
    refuse: { at: ["gateway_ip"], message: '"gateway_ip": conflicts with no_gateway' },
  },
  {
    kind: "conflicts_with",
    name: "a conflict with a value only known at apply time (deferred)",
    type: "openstack_networking_subnet_v2",
    set: { gateway_ip: "${var.gateway}", no_gateway: true },
  },
  {
    kind: "conflicts_with",
    name: "a remote group and a remote prefix",
    type: RULE,
    set: { ...TCP, remote_group_id: UUID, remote_ip_prefix: "192.0.2.0/24" },
    refuse: { at: ["remote_group_id"], message: '"remote_group_id": conflicts with remote_ip_prefix' },
  },
  {
    kind: "exactly_one_of",
    name: "both of an exactly-one-of pair",
    type: "openstack_lb_pool_v2",
    set: { loadbalancer_id: UUID, listener_id: UUID },
    refuse: { at: ["listener_id"], message: "only one of `listener_id,loadbalancer_id` can be specified" },
  },
  {
    kind: "exactly_one_of",
    name: "neither of an exactly-one-of pair",
    type: "openstack_lb_pool_v2",
    set: { loadbalancer_id: undefined, listener_id: undefined },
    refuse: { at: ["loadbalancer_id"], message: '"loadbalancer_id": one of `listener_id,loadbalancer_id` must be specified' },
  },
  {
    kind: "exactly_one_of",
    name: "one of a pair only known at apply time",
    type: "openstack_lb_pool_v2",
    set: { loadbalancer_id: undefined, listener_id: "${var.listener}" },
  },
  {
    kind: "exactly_one_of",
    mode: "data",
    name: "both of a pair recorded on each member only as the other",
    type: "openstack_lb_flavor_v2",
    set: { flavor_id: UUID, name: "small" },
    refuse: { at: ["name"], message: "only one of `flavor_id,name` can be specified" },
  },
  {
    kind: "exactly_one_of",
    mode: "data",
    name: "neither of a data source's pair",
    type: "openstack_lb_loadbalancer_v2",
    set: { loadbalancer_id: undefined, name: undefined },
    refuse: { at: ["name"], message: "one of `loadbalancer_id,name` must be specified" },
  },
  {
    kind: "at_least_one_of",
    name: "none of an at-least-one-of group",
    type: "openstack_lb_loadbalancer_v2",
    set: { vip_network_id: undefined, vip_subnet_id: undefined, vip_port_id: undefined },
    refuse: { at: ["vip_port_id"], message: "one of `vip_network_id,vip_port_id,vip_subnet_id` must be specified" },
  },
  {
    kind: "at_least_one_of",
    name: "one of the group given",
    type: "openstack_lb_loadbalancer_v2",
    set: { vip_network_id: undefined, vip_port_id: UUID },
  },
  {
    kind: "at_least_one_of",
    name: "none of a group inside a block",
    type: "openstack_taas_tap_mirror_v2",
    set: { directions: [{}] },
    refuse: { at: ["directions", 0, "in"], message: '"directions.0.in": one of `directions.0.in,directions.0.out` must be specified' },
  },
  {
    kind: "at_least_one_of",
    name: "the other member of a group inside a block",
    type: "openstack_taas_tap_mirror_v2",
    set: { directions: [{ out: 101 }] },
  },
  {
    kind: "required_with",
    name: "a port range without its other end",
    type: RULE,
    set: { ...TCP, port_range_min: 22 },
    refuse: { at: ["port_range_min"], message: '"port_range_min": all of `port_range_max,port_range_min,protocol` must be specified' },
  },
  {
    kind: "required_with",
    name: "a port range whose other end is only known at apply time",
    type: RULE,
    set: { ...TCP, port_range_min: 22, port_range_max: "${var.port}" },
  },
  {
    kind: "required_with",
    name: "SNAT without an external network",
    type: "openstack_networking_router_v2",
    set: { enable_snat: true },
    refuse: { at: ["enable_snat"], message: '"enable_snat": all of `enable_snat,external_network_id` must be specified' },
  },
];

// ---------------------------------------------------------------- the two deciders

const index = SchemaIndex.vendored();
const SOURCES: Record<ProviderName, { source: string; version?: string }> = {
  openstack: { source: "terraform-provider-openstack/openstack", version: "3.4.0" },
  random: { source: "hashicorp/random", version: "3.7.2" },
  acme: { source: "example.com/acme/acme" },
};

function typeSchema(c: Case): TypeSchema {
  const provider = (c.provider === "acme" ? ACME_INDEX : index).forSource(SOURCES[c.provider ?? "openstack"].source)!;
  return (c.mode === "data" ? provider.dataSources : provider.resources)[c.type];
}

function body(c: Case): Json {
  const out: Json = { ...minimalBody(typeSchema(c)), ...c.set };
  for (const [k, v] of Object.entries(out)) if (v === undefined) delete out[k];
  return out;
}

interface Refusal {
  readonly at: string;
  readonly message: string;
}

/** The findings for the case's address, as a synthesized stack gets them from `npm run check`. */
function checker(c: Case): { refusals: Refusal[]; others: string[] } {
  const name = c.provider ?? "openstack";
  const config: TerraformJson = {
    terraform: { required_providers: { [name]: SOURCES[name] } },
    [c.mode ?? "resource"]: { [c.type]: { subject: body(c) } },
  };
  const findings: Finding[] = checkStack("cases", config, c.provider === "acme" ? ACME_INDEX : index);
  return {
    refusals: findings.map((f) => ({ at: f.path, message: f.message })),
    others: findings.filter((f) => !f.address.endsWith(`${c.type}.subject`)).map(formatFinding),
  };
}

let dir: string;
let openstack: OpenStackProvider;
let random: RandomProvider;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), "fractals-behaviour-cases-"));
  openstack = new OpenStackProvider({ stateFile: path.join(dir, "cloud.json"), faults: "" });
  random = new RandomProvider();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Terraform JSON literals as Terraform decodes them for the provider: expressions are unknown. */
function decoded(value: unknown): Value {
  if (typeof value === "string" && /(^|[^$])\$\{/.test(value)) return UNKNOWN;
  if (Array.isArray(value)) return value.map(decoded);
  if (value !== null && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, decoded(v)]));
  return value as Value;
}

/** The diagnostics the simulator's ValidateResourceTypeConfig / ValidateDataSourceConfig would answer. */
function simulator(c: Case): Refusal[] {
  const schema = typeSchema(c);
  const config = conform(decoded(body(c)), blockType(schema.block)) as ValueObject;
  let diagnostics: Diagnostic[];
  if (c.provider === "acme") {
    diagnostics = validateConfig(schema.block, { attributes: schema.behaviour }, config);
  } else if (c.provider === "random") {
    diagnostics = random.validateResource(c.type, config);
  } else {
    diagnostics = c.mode === "data" ? openstack.validateDataSource(c.type, config) : openstack.validateResource(c.type, config);
  }
  return diagnostics.map((d) => ({ at: renderPath(d.attribute ?? []), message: d.detail ?? d.summary }));
}

describe.each([
  ["the conformance checker", (c: Case) => checker(c).refusals],
  ["the simulator", simulator],
] as const)("%s", (_who, decide) => {
  test.each(CASES.map((c) => [`${c.kind}: ${c.name} (${c.type})`, c] as const))("%s", (_, c) => {
    const refusals = decide(c);
    if (!c.refuse) {
      expect(refusals).toEqual([]);
    } else {
      expect(refusals).toContainEqual({ at: renderPath(c.refuse.at), message: expect.stringContaining(c.refuse.message) });
    }
  });
});

test("the checker and the simulator refuse each case at the same paths with the same messages", () => {
  const differences = CASES.flatMap((c) => {
    const fromChecker = checker(c);
    expect(fromChecker.others).toEqual([]);
    const key = (r: Refusal) => `${r.at}: ${r.message}`;
    const a = fromChecker.refusals.map(key).sort();
    const b = simulator(c).map(key).sort();
    return JSON.stringify(a) === JSON.stringify(b) ? [] : [{ case: c.name, checker: a, simulator: b }];
  });
  expect(differences).toEqual([]);
});

// ---------------------------------------------------------------- coverage of the behaviour files

/** Every validation key, named custom validator and relation the vendored behaviour files use. */
function kindsIn(file: BehaviourFile): Set<string> {
  const kinds = new Set<string>();
  const validation = (v: Validation) => {
    for (const key of Object.keys(v)) if (key !== "custom") kinds.add(key);
    if (v.custom) kinds.add(`custom:${v.custom.replace(/^(resourceNetworkingSecGroupRuleV2Protocol|AtLeastSumOf).*/, "$1")}`);
    for (const inner of [...(v.all ?? []), ...(v.any ?? [])]) validation(inner);
  };
  for (const group of [file.resources ?? {}, file.data_sources ?? {}, { provider: file.provider ?? { attributes: {} } }]) {
    for (const type of Object.values(group)) {
      for (const rules of Object.values(type.attributes)) {
        if (rules.validation) validation(rules.validation);
        if (rules.elem?.validation) {
          kinds.add("elem");
          validation(rules.elem.validation);
        }
        for (const relation of ["conflicts_with", "exactly_one_of", "at_least_one_of", "required_with"] as const) {
          if (rules[relation]) kinds.add(relation);
        }
      }
    }
  }
  return kinds;
}

test("the table covers every kind of validation and relation the behaviour files use, refused and accepted", () => {
  const vendored = [
    require("../../providers/openstack/openstack-3.4.0.behaviour.json") as BehaviourFile,
    require("../../providers/random/random-behaviour.json") as BehaviourFile,
  ];
  const used = new Set(vendored.flatMap((file) => [...kindsIn(file)]));
  const refused = new Set(CASES.filter((c) => c.refuse).map((c) => c.kind));
  const accepted = new Set(CASES.filter((c) => !c.refuse).map((c) => c.kind));
  // Named validators this interpreter does not reproduce accept anything, in both.
  const notReproducible = [...used].filter((k) => k.startsWith("custom:") && !/Protocol|AtLeastSumOf|validateJSONObject/.test(k));
  expect([...used].filter((k) => !refused.has(k) && !accepted.has(k))).toEqual([]);
  expect([...used].filter((k) => !refused.has(k) && !notReproducible.includes(k))).toEqual([]);
  expect(notReproducible.filter((k) => !accepted.has(k))).toEqual([]);
  expect(used.has("custom:resourceNetworkingSecGroupRuleV2Protocol")).toBe(true);
});

test("the minimal configuration of every type passes the simulator too (the checker's side is all-types.test.ts)", () => {
  const refused = (["resource", "data"] as const).flatMap((mode) => {
    const provider = index.forSource(SOURCES.openstack.source)!;
    return Object.keys(mode === "data" ? provider.dataSources : provider.resources).flatMap((type) => {
      const c: Case = { kind: "minimal", name: "minimal", mode, type, set: {} };
      return simulator(c).map((r) => `${mode} ${type}: ${r.at}: ${r.message}`);
    });
  });
  expect(refused).toEqual([]);
});
