/**
 * One deliberately broken input per checker rule (and per kind of value where
 * a rule covers several): each must produce findings that name the stack,
 * the resource address and the attribute path.
 */
import { checkStack } from "../../providers/conformance/check-stack";
import { Finding, formatFinding, RULES, RuleId } from "../../providers/conformance/findings";
import { SchemaIndex } from "../../providers/conformance/schema-index";
import { FIXTURE_STACK, fixtureStack, Json } from "./fixture-stack";
import { ACME_INDEX, acmeStack } from "./acme-provider";

const index = SchemaIndex.vendored();
const UUID = "0b4cbd2e-64d5-4e2b-9c1c-6d2e0f9b2f11";
const ref = (address: string) => `\${${address}}`;

interface BrokenInput {
  readonly name: string;
  readonly rule: RuleId;
  readonly address: string;
  readonly path: string;
  readonly message: RegExp;
  readonly breakIt: (stack: Json) => void;
  /** Findings expected in total (all of this rule); 1 unless a mistake is reported from several sides (SDKv2 reports a group's rule on each member). */
  readonly count?: number;
  /** Defaults to the fixture stack against the vendored schemas. */
  readonly acme?: boolean;
}

const res = (s: Json) => s.resource;
const server = (s: Json) => s.resource.openstack_compute_instance_v2.server;
const port = (s: Json) => s.resource.openstack_networking_port_v2.port;
const rule = (s: Json) => s.resource.openstack_networking_secgroup_rule_v2.ssh;
const acme = (s: Json) => s.resource.acme_thing.thing;

const heat = (s: Json) => s.resource.openstack_orchestration_stack_v1.workers;
const editTemplate = (s: Json, edit: (template: Json) => void) => {
  const template = JSON.parse(heat(s).template_opts.Bin);
  edit(template);
  heat(s).template_opts.Bin = JSON.stringify(template);
};

/** An AutoScalingGroup member that is a nested stack: a server and its pool member, as an API group's (constructs/heat-template.ts). */
const memberStack = (extraParameters: Json, edit: (template: Json) => void = () => undefined): Json => {
  const template: Json = {
    heat_template_version: "2018-08-31",
    parameters: { pool: { type: "string" }, port: { type: "number" } },
    resources: {
      server: { type: "OS::Nova::Server", properties: { flavor: "m1.small" } },
      member: {
        type: "OS::Octavia::PoolMember",
        properties: {
          pool: { get_param: "pool" },
          address: { get_attr: ["server", "first_address"] },
          protocol_port: { get_param: "port" },
        },
      },
    },
  };
  edit(template);
  return {
    type: "OS::Heat::Stack",
    properties: { template: JSON.stringify(template), parameters: { pool: "p", port: 80, ...extraParameters } },
  };
};

const SERVER = "openstack_compute_instance_v2.server";
const HEAT = "openstack_orchestration_stack_v1.workers";
const PORT = "openstack_networking_port_v2.port";
const RULE = "openstack_networking_secgroup_rule_v2.ssh";

const BROKEN: BrokenInput[] = [
  {
    name: "a provider with no vendored schema",
    rule: "unknown-provider",
    address: "aws_instance.web",
    path: "",
    message: /no vendored schema for provider 'aws'/,
    breakIt: (s) => {
      res(s).aws_instance = { web: { ami: "ami-1" } };
    },
  },
  {
    name: "a provider version range that excludes the vendored schema",
    rule: "provider-version",
    address: "terraform.required_providers.openstack",
    path: "version",
    message: /'~> 4.0' excludes 3.4.0, the release whose schema is vendored/,
    breakIt: (s) => {
      s.terraform.required_providers.openstack.version = "~> 4.0";
    },
  },
  {
    name: "an unpinned provider",
    rule: "provider-version",
    address: "terraform.required_providers.random",
    path: "version",
    message: /is not set, so Terraform installs the newest release; pin it to the vendored schema's 3.7.2/,
    breakIt: (s) => {
      delete s.terraform.required_providers.random.version;
    },
  },
  {
    name: "a resource type the provider does not have",
    rule: "unknown-type",
    address: "openstack_compute_instance_v9.x",
    path: "",
    message: /not a resource of registry.terraform.io\/terraform-provider-openstack\/openstack/,
    breakIt: (s) => {
      res(s).openstack_compute_instance_v9 = { x: { name: "x" } };
    },
  },
  {
    name: "a data source type the provider does not have",
    rule: "unknown-type",
    address: "data.openstack_networking_netwrk_v2.x",
    path: "",
    message: /not a data source/,
    breakIt: (s) => {
      s.data.openstack_networking_netwrk_v2 = { x: { name: "x" } };
    },
  },

  {
    name: "a misspelt argument",
    rule: "unknown-attribute",
    address: SERVER,
    path: "nmae",
    message: /argument 'nmae' is not in the schema; did you mean 'name'\?/,
    breakIt: (s) => {
      server(s).nmae = "x";
    },
  },
  {
    name: "a camelCase argument",
    rule: "unknown-attribute",
    address: PORT,
    path: "adminStateUp",
    message: /did you mean 'admin_state_up'\?/,
    breakIt: (s) => {
      port(s).adminStateUp = true;
    },
  },
  {
    name: "an unknown argument in a nested block",
    rule: "unknown-attribute",
    address: PORT,
    path: "fixed_ip[0].subnet",
    message: /'subnet' is not in the schema; did you mean 'subnet_id'\?/,
    breakIt: (s) => {
      port(s).fixed_ip[0].subnet = "x";
    },
  },
  {
    name: "an unknown argument in the provider block",
    rule: "unknown-attribute",
    address: "provider.openstack",
    path: "auth_urll",
    message: /did you mean 'auth_url'\?/,
    breakIt: (s) => {
      s.provider.openstack[0].auth_urll = "https://keystone";
    },
  },
  {
    name: "an unknown nested block",
    rule: "unknown-block",
    address: PORT,
    path: "fixed_ips",
    message: /block 'fixed_ips' is not in the schema; did you mean 'fixed_ip'\?/,
    breakIt: (s) => {
      port(s).fixed_ips = [{ subnet_id: "x" }];
    },
  },
  {
    name: "a dynamic block of an unknown type",
    rule: "unknown-block",
    address: SERVER,
    path: "dynamic.networks",
    message: /dynamic block 'networks' is not a block in the schema; did you mean 'network'\?/,
    breakIt: (s) => {
      server(s).dynamic = { networks: { for_each: "${var.x}", content: { port: "${each.value}" } } };
    },
  },

  {
    name: "a computed-only attribute",
    rule: "computed-only",
    address: PORT,
    path: "all_fixed_ips",
    message: /computed by the provider/,
    breakIt: (s) => {
      port(s).all_fixed_ips = ["10.0.0.5"];
    },
  },

  {
    name: "a missing required argument",
    rule: "missing-required",
    address: SERVER,
    path: "name",
    message: /required argument 'name' is missing/,
    breakIt: (s) => {
      delete server(s).name;
    },
  },
  {
    name: "a missing required argument in a nested block",
    rule: "missing-required",
    address: PORT,
    path: "allowed_address_pairs[0].ip_address",
    message: /'ip_address' is missing/,
    breakIt: (s) => {
      port(s).allowed_address_pairs = [{ mac_address: "fa:16:3e:00:00:01" }];
    },
  },
  {
    name: "a null required argument",
    rule: "missing-required",
    address: SERVER,
    path: "name",
    message: /'name' is missing/,
    breakIt: (s) => {
      server(s).name = null;
    },
  },
  {
    name: "a missing required block",
    rule: "missing-block",
    address: "openstack_taas_tap_mirror_v2.mirror",
    path: "directions",
    message: /at least 1 'directions' block is required/,
    breakIt: (s) => {
      res(s).openstack_taas_tap_mirror_v2 = { mirror: { mirror_type: "gre", port_id: ref(`${PORT}.id`), remote_ip: "192.0.2.1" } };
    },
  },

  {
    name: "a list where a string goes",
    rule: "wrong-type",
    address: SERVER,
    path: "name",
    message: /must be a string, got a list/,
    breakIt: (s) => {
      server(s).name = ["fx"];
    },
  },
  {
    name: "a word where a number goes",
    rule: "wrong-type",
    address: "openstack_networking_subnet_v2.subnet",
    path: "ip_version",
    message: /must be a number, got string "four"/,
    breakIt: (s) => {
      s.resource.openstack_networking_subnet_v2.subnet.ip_version = "four";
    },
  },
  {
    name: "a word where a bool goes",
    rule: "wrong-type",
    address: PORT,
    path: "admin_state_up",
    message: /must be a bool, got string "yes"/,
    breakIt: (s) => {
      port(s).admin_state_up = "yes";
    },
  },
  {
    name: "a number where a bool goes",
    rule: "wrong-type",
    address: "openstack_networking_network_v2.net",
    path: "admin_state_up",
    message: /must be a bool, got number 1/,
    breakIt: (s) => {
      s.resource.openstack_networking_network_v2.net.admin_state_up = 1;
    },
  },
  {
    name: "a string where a set goes",
    rule: "wrong-type",
    address: PORT,
    path: "security_group_ids",
    message: /must be a set of string, got string "sg-1"/,
    breakIt: (s) => {
      port(s).security_group_ids = "sg-1";
    },
  },
  {
    name: "an object inside a set",
    rule: "wrong-type",
    address: PORT,
    path: "security_group_ids[1]",
    message: /must be a string, got an object/,
    breakIt: (s) => {
      port(s).security_group_ids.push({ id: "x" });
    },
  },
  {
    name: "a string where a list goes",
    rule: "wrong-type",
    address: "openstack_networking_subnet_v2.subnet",
    path: "dns_nameservers",
    message: /must be a list of string/,
    breakIt: (s) => {
      s.resource.openstack_networking_subnet_v2.subnet.dns_nameservers = "1.1.1.1";
    },
  },
  {
    name: "a list where a map goes",
    rule: "wrong-type",
    address: SERVER,
    path: "metadata",
    message: /must be a map of string, got a list/,
    breakIt: (s) => {
      server(s).metadata = ["role=api"];
    },
  },
  {
    name: "an object as a map value",
    rule: "wrong-type",
    address: SERVER,
    path: "metadata.role",
    message: /must be a string, got an object/,
    breakIt: (s) => {
      server(s).metadata.role = { name: "api" };
    },
  },
  {
    name: "an object type missing an attribute",
    rule: "wrong-type",
    address: "acme_thing.thing",
    path: "endpoint.port",
    acme: true,
    message: /is required by the object type/,
    breakIt: (s) => {
      acme(s).endpoint = { host: "example.org" };
    },
  },
  {
    name: "an object type with an extra attribute",
    rule: "wrong-type",
    address: "acme_thing.thing",
    path: "endpoint.proto",
    acme: true,
    message: /not an attribute of the object type/,
    breakIt: (s) => {
      acme(s).endpoint = { host: "h", port: 1, proto: "tcp" };
    },
  },
  {
    name: "a bool in an object's number attribute",
    rule: "wrong-type",
    address: "acme_thing.thing",
    path: "endpoint.port",
    acme: true,
    message: /must be a number, got boolean true/,
    breakIt: (s) => {
      acme(s).endpoint = { host: "h", port: true };
    },
  },

  {
    name: "an expression where a block goes",
    rule: "block-shape",
    address: SERVER,
    path: "network",
    message: /must be an object; a computed value needs a 'dynamic' block/,
    breakIt: (s) => {
      server(s).network = ref("var.networks");
    },
  },
  {
    name: "a dynamic block without content",
    rule: "block-shape",
    address: SERVER,
    path: "dynamic.network",
    message: /needs 'for_each' and a 'content' object/,
    breakIt: (s) => {
      server(s).dynamic = { network: { for_each: "${var.x}" } };
    },
  },
  {
    name: "two blocks where at most one is allowed",
    rule: "block-max-items",
    address: "openstack_compute_servergroup_v2.spread",
    path: "rules",
    message: /at most 1 block allowed, got 2/,
    breakIt: (s) => {
      s.resource.openstack_compute_servergroup_v2.spread.rules = [{ max_server_per_host: 1 }, { max_server_per_host: 2 }];
    },
  },
  {
    name: "two blocks of a single-nesting block type",
    rule: "block-max-items",
    address: SERVER,
    path: "timeouts",
    message: /at most 1 block allowed, got 2/,
    breakIt: (s) => {
      server(s).timeouts = [{ create: "10m" }, { create: "20m" }];
    },
  },
  {
    name: "no block where at least one is required",
    rule: "block-min-items",
    address: "openstack_taas_tap_mirror_v2.mirror",
    path: "directions",
    message: /at least 1 block required, got 0/,
    breakIt: (s) => {
      res(s).openstack_taas_tap_mirror_v2 = {
        mirror: { mirror_type: "gre", port_id: ref(`${PORT}.id`), remote_ip: "192.0.2.1", directions: [] },
      };
    },
  },

  {
    name: "a value outside a case-insensitive one-of list",
    rule: "one-of",
    address: SERVER,
    path: "power_state",
    message: /expected power_state to be one of \["active" "shutoff" "shelved_offloaded" "paused"\], got running/,
    breakIt: (s) => {
      server(s).power_state = "running";
    },
  },
  {
    name: "the wrong case in a case-sensitive one-of list",
    rule: "one-of",
    address: RULE,
    path: "direction",
    message: /expected direction to be one of \["ingress" "egress"\], got INGRESS/,
    breakIt: (s) => {
      rule(s).direction = "INGRESS";
    },
  },
  {
    name: "a number outside a numeric one-of list",
    rule: "one-of",
    address: "openstack_networking_subnet_v2.subnet",
    path: "ip_version",
    message: /expected ip_version to be one of \[4 6\], got 5/,
    breakIt: (s) => {
      s.resource.openstack_networking_subnet_v2.subnet.ip_version = 5;
    },
  },
  {
    name: "an unknown protocol name (any-of: name list or number)",
    rule: "one-of",
    address: RULE,
    path: "protocol",
    message:
      /expected protocol to be one of \["ah" .*\], got tpc; expected protocol to be a protocol name or a number between 0 and 255, got tpc/,
    breakIt: (s) => {
      rule(s).protocol = "tpc";
    },
  },
  {
    name: "a protocol number above 255",
    rule: "one-of",
    address: RULE,
    path: "protocol",
    message: /expected protocol to be a protocol number between 0 and 255, got 300/,
    breakIt: (s) => {
      rule(s).protocol = "300";
    },
  },
  {
    name: "an integer above int_between",
    rule: "int-range",
    address: "openstack_lb_monitor_v2.monitor",
    path: "max_retries",
    message: /expected max_retries to be in the range \(1 - 10\), got 11/,
    breakIt: (s) => {
      s.resource.openstack_lb_monitor_v2.monitor.max_retries = 11;
    },
  },
  {
    name: "a port above 65535",
    rule: "int-range",
    address: RULE,
    path: "port_range_max",
    message: /expected port_range_max to be in the range \(0 - 65535\), got 70000/,
    breakIt: (s) => {
      rule(s).port_range_max = 70000;
    },
  },
  {
    name: "a fraction where an integer goes",
    rule: "int-range",
    address: RULE,
    path: "port_range_min",
    message: /expected type of port_range_min to be integer, got 22.5/,
    breakIt: (s) => {
      rule(s).port_range_min = 22.5;
    },
  },
  {
    name: "an integer below int_at_least in a nested block",
    rule: "int-range",
    address: "openstack_compute_servergroup_v2.spread",
    path: "rules[0].max_server_per_host",
    message: /expected rules.max_server_per_host to be at least \(1\), got 0/,
    breakIt: (s) => {
      s.resource.openstack_compute_servergroup_v2.spread.rules = [{ max_server_per_host: 0 }];
    },
  },
  {
    name: "an integer above int_at_most",
    rule: "int-range",
    address: "acme_thing.thing",
    path: "replicas",
    acme: true,
    message: /expected replicas to be at most \(10\), got 11/,
    breakIt: (s) => {
      acme(s).replicas = 11;
    },
  },
  {
    name: "a random_password length of 0",
    rule: "int-range",
    address: "random_password.db",
    path: "length",
    message: /expected length to be at least \(1\), got 0/,
    breakIt: (s) => {
      Object.assign(s.resource.random_password.db, { length: 0, min_upper: 0, min_numeric: 0 });
    },
  },
  {
    name: "a string shorter than allowed",
    rule: "string-length",
    address: "acme_thing.thing",
    path: "label",
    acme: true,
    message: /expected length of label to be in the range \(3 - 8\), got ab/,
    breakIt: (s) => {
      acme(s).label = "ab";
    },
  },
  {
    name: "a string failing one validation of an all-of",
    rule: "string-length",
    address: "acme_thing.thing",
    path: "code",
    acme: true,
    message: /expected length of code to be in the range \(2 - 3\)/,
    breakIt: (s) => {
      acme(s).code = "abcd";
    },
  },
  {
    name: "an invalid CIDR in a list",
    rule: "cidr",
    address: "openstack_networking_address_group_v2.admins",
    path: "addresses[1]",
    message: /expected addresses.1 to be a valid IPv4 or IPv6 CIDR, got 10.0.0.0\/33/,
    breakIt: (s) => {
      res(s).openstack_networking_address_group_v2 = { admins: { addresses: ["203.0.113.0/24", "10.0.0.0/33"] } };
    },
  },
  {
    name: "an invalid CIDR in a nested block",
    rule: "cidr",
    address: "openstack_bgpvpn_port_associate_v2.assoc",
    path: "routes[0].prefix",
    message: /expected routes.prefix to be a valid IPv4 or IPv6 CIDR, got 10.1.0.0/,
    breakIt: (s) => {
      res(s).openstack_bgpvpn_port_associate_v2 = {
        assoc: { bgpvpn_id: UUID, port_id: ref(`${PORT}.id`), routes: [{ type: "prefix", prefix: "10.1.0.0" }] },
      };
    },
  },
  {
    name: "an invalid IP address",
    rule: "ip",
    address: "openstack_networking_bgp_peer_v2.peer",
    path: "peer_ip",
    message: /expected peer_ip to contain a valid IP, got: 300.1.1.1/,
    breakIt: (s) => {
      res(s).openstack_networking_bgp_peer_v2 = { peer: { peer_ip: "300.1.1.1", remote_as: 65001 } };
    },
  },
  {
    name: "a JSON array where a JSON object goes",
    rule: "json",
    address: "openstack_lb_flavorprofile_v2.profile",
    path: "flavor_data",
    message: /flavor_data: must be a JSON object, got \[1,2\]/,
    breakIt: (s) => {
      res(s).openstack_lb_flavorprofile_v2 = { profile: { name: "fx", provider_name: "amphora", flavor_data: "[1,2]" } };
    },
  },
  {
    name: "invalid JSON",
    rule: "json",
    address: "acme_thing.thing",
    path: "document",
    acme: true,
    message: /"document" contains an invalid JSON/,
    breakIt: (s) => {
      acme(s).document = "{oops";
    },
  },
  {
    name: "an invalid UUID",
    rule: "uuid",
    address: "openstack_bgpvpn_port_associate_v2.assoc",
    path: "routes[0].bgpvpn_id",
    message: /expected "routes.bgpvpn_id" to be a valid UUID, got vpn-1/,
    breakIt: (s) => {
      res(s).openstack_bgpvpn_port_associate_v2 = {
        assoc: { bgpvpn_id: UUID, port_id: ref(`${PORT}.id`), routes: [{ type: "bgpvpn_id", bgpvpn_id: "vpn-1" }] },
      };
    },
  },
  {
    name: "a value not matching the required pattern",
    rule: "regexp",
    address: "openstack_networking_floatingip_v2.fip",
    path: "dns_domain",
    message: /invalid value for dns_domain \(must match \^\$\|\\\.\$\)/,
    breakIt: (s) => {
      s.resource.openstack_networking_floatingip_v2.fip.dns_domain = "example.com";
    },
  },
  {
    name: "an invalid regular expression",
    rule: "regexp",
    address: "data.openstack_identity_project_ids_v3.projects",
    path: "name_regex",
    message: /"name_regex": "fractals-\(" is not a valid regular expression/,
    breakIt: (s) => {
      s.data.openstack_identity_project_ids_v3 = { projects: { name_regex: "fractals-(" } };
    },
  },
  {
    name: "a timestamp that is not RFC 3339",
    rule: "rfc3339",
    address: "openstack_identity_application_credential_v3.ci",
    path: "expires_at",
    message: /expected "expires_at" to be a valid RFC3339 date, got "tomorrow"/,
    breakIt: (s) => {
      res(s).openstack_identity_application_credential_v3 = { ci: { name: "ci", expires_at: "tomorrow" } };
    },
  },
  {
    name: "an empty string where a value is required",
    rule: "not-empty",
    address: "openstack_lb_l7rule_v2.path",
    path: "value",
    message: /expected "value" not to be an empty string/,
    breakIt: (s) => {
      res(s).openstack_lb_l7rule_v2 = { path: { l7policy_id: UUID, type: "PATH", compare_type: "STARTS_WITH", value: "" } };
    },
  },
  {
    name: "a zero value where none is allowed",
    rule: "not-empty",
    address: "acme_thing.thing",
    path: "weight",
    acme: true,
    message: /expected weight to not be a zero value, got 0/,
    breakIt: (s) => {
      acme(s).weight = 0;
    },
  },
  {
    name: "a password shorter than its minimum character counts",
    rule: "custom-validation",
    address: "random_password.db",
    path: "length",
    message: /Attribute length value must be at least sum of min_upper \+ min_lower \+ min_numeric \+ min_special, got: 3/,
    breakIt: (s) => {
      s.resource.random_password.db.length = 3;
    },
  },

  {
    name: "user data that changes on every plan",
    rule: "volatile-force-new",
    address: SERVER,
    path: "user_data",
    message: /forces replacement and calls timestamp\(\), which changes on every plan/,
    breakIt: (s) => {
      server(s).user_data = "#cloud-config\n# built ${timestamp()}\n";
    },
  },
  {
    name: "an argument and the argument it conflicts with",
    rule: "conflicts-with",
    address: SERVER,
    path: "network_mode",
    message: /"network_mode": conflicts with network$/,
    breakIt: (s) => {
      server(s).network_mode = "auto";
    },
  },
  {
    name: "a rule with both a remote group and a remote prefix",
    rule: "conflicts-with",
    address: RULE,
    path: "remote_group_id",
    count: 2,
    message: /"remote_group_id": conflicts with remote_ip_prefix/,
    breakIt: (s) => {
      rule(s).remote_group_id = UUID;
    },
  },
  {
    name: "both of an exactly-one-of pair",
    rule: "exactly-one-of",
    address: "openstack_lb_pool_v2.pool",
    path: "listener_id",
    count: 2,
    message: /"listener_id": only one of `listener_id,loadbalancer_id` can be specified, but `listener_id,loadbalancer_id` were specified./,
    breakIt: (s) => {
      Object.assign(s.resource.openstack_lb_pool_v2.pool, { loadbalancer_id: UUID, listener_id: UUID });
    },
  },
  {
    name: "neither of an exactly-one-of pair",
    rule: "exactly-one-of",
    address: "openstack_lb_pool_v2.pool",
    path: "listener_id",
    count: 2,
    message: /"listener_id": one of `listener_id,loadbalancer_id` must be specified/,
    breakIt: (s) => {
      delete s.resource.openstack_lb_pool_v2.pool.loadbalancer_id;
    },
  },
  {
    name: "none of an at-least-one-of group",
    rule: "at-least-one-of",
    address: "openstack_lb_loadbalancer_v2.lb",
    path: "vip_network_id",
    count: 3,
    message: /"vip_network_id": one of `vip_network_id,vip_port_id,vip_subnet_id` must be specified/,
    breakIt: (s) => {
      delete s.resource.openstack_lb_loadbalancer_v2.lb.vip_subnet_id;
    },
  },
  {
    name: "none of an at-least-one-of group inside a block",
    rule: "at-least-one-of",
    address: "openstack_taas_tap_mirror_v2.mirror",
    path: "directions[0].in",
    message: /"directions.0.in": one of `directions.0.in,directions.0.out` must be specified/,
    breakIt: (s) => {
      res(s).openstack_taas_tap_mirror_v2 = {
        mirror: { mirror_type: "gre", port_id: ref(`${PORT}.id`), remote_ip: "192.0.2.1", directions: [{}] },
      };
    },
  },
  {
    name: "an argument without the arguments it requires",
    rule: "required-with",
    address: RULE,
    path: "port_range_min",
    message: /"port_range_min": all of `port_range_max,port_range_min,protocol` must be specified/,
    breakIt: (s) => {
      delete rule(s).port_range_max;
    },
  },

  {
    name: "a stack parameter the Heat template does not declare",
    rule: "heat-template",
    address: HEAT,
    path: "parameters.flavour",
    message: /is not a parameter of the template \(it declares image, size\)/,
    breakIt: (s) => {
      heat(s).parameters.flavour = "m1.small";
    },
  },
  {
    name: "a Heat parameter without default that is not given",
    rule: "heat-template",
    address: HEAT,
    path: "parameters",
    message: /the template's parameter 'image' has no default and is not given/,
    breakIt: (s) => {
      heat(s).parameters = {};
    },
  },
  {
    name: "get_param of an undeclared parameter",
    rule: "heat-template",
    address: HEAT,
    path: "template_opts.Bin.resources.group.properties.resource.properties.key_name",
    message: /get_param 'key_name' is not a parameter of the template/,
    breakIt: (s) => {
      editTemplate(s, (t) => {
        t.resources.group.properties.resource.properties.key_name = { get_param: "key_name" };
      });
    },
  },
  {
    name: "get_attr of an undeclared resource",
    rule: "heat-template",
    address: HEAT,
    path: "template_opts.Bin.outputs.scale_up_url.value",
    message: /get_attr 'scale_up_policy' is not a resource of the template/,
    breakIt: (s) => {
      editTemplate(s, (t) => {
        t.outputs.scale_up_url.value = { get_attr: ["scale_up_policy", "signal_url"] };
      });
    },
  },
  {
    name: "a Heat resource without a property Heat requires",
    rule: "heat-template",
    address: HEAT,
    path: "template_opts.Bin.resources.group.properties",
    message: /OS::Heat::AutoScalingGroup requires the property 'max_size'/,
    breakIt: (s) => {
      editTemplate(s, (t) => {
        delete t.resources.group.properties.max_size;
      });
    },
  },
  {
    name: "a member stack given a parameter its template does not declare",
    rule: "heat-template",
    address: HEAT,
    path: "template_opts.Bin.resources.group.properties.resource.properties.parameters.flavour",
    message: /is not a parameter of the template \(it declares pool, port\)/,
    breakIt: (s) => {
      editTemplate(s, (t) => {
        t.resources.group.properties.resource = memberStack({ flavour: "m1.small" });
      });
    },
  },
  {
    name: "a member stack's pool member without its port",
    rule: "heat-template",
    address: HEAT,
    path: "template_opts.Bin.resources.group.properties.resource.properties.template.resources.member.properties",
    message: /OS::Octavia::PoolMember requires the property 'protocol_port'/,
    breakIt: (s) => {
      editTemplate(s, (t) => {
        t.resources.group.properties.resource = memberStack({}, (m) => {
          delete m.resources.member.properties.protocol_port;
        });
      });
    },
  },
  {
    name: "a member stack's get_param of a parameter its template does not declare",
    rule: "heat-template",
    address: HEAT,
    path: "template_opts.Bin.resources.group.properties.resource.properties.template.resources.member.properties.address",
    message: /get_param 'address' is not a parameter of the template/,
    breakIt: (s) => {
      editTemplate(s, (t) => {
        t.resources.group.properties.resource = memberStack({}, (m) => {
          m.resources.member.properties.address = { get_param: "address" };
        });
      });
    },
  },
  {
    name: "a template that is not a Heat template",
    rule: "heat-template",
    address: HEAT,
    path: "template_opts.Bin",
    message: /is not a Heat template/,
    breakIt: (s) => {
      heat(s).template_opts.Bin = JSON.stringify({ resources: {} });
    },
  },
  {
    name: "a reference to an undeclared resource",
    rule: "reference",
    address: "openstack_networking_subnet_v2.subnet",
    path: "network_id",
    message: /refers to 'openstack_networking_network_v2.missing', which is not declared in this stack/,
    breakIt: (s) => {
      s.resource.openstack_networking_subnet_v2.subnet.network_id = ref("openstack_networking_network_v2.missing.id");
    },
  },
  {
    name: "a reference to an attribute the type does not have",
    rule: "reference",
    address: "output.server_ip",
    path: "value",
    message: /'openstack_networking_port_v2' has no attribute 'all_fixed_ipz'/,
    breakIt: (s) => {
      s.output.server_ip.value = ref("element(openstack_networking_port_v2.port.all_fixed_ipz, 0)");
    },
  },
  {
    name: "a reference inside a template",
    rule: "reference",
    address: SERVER,
    path: "user_data",
    message: /'random_password.dbx', which is not declared/,
    breakIt: (s) => {
      server(s).user_data = `#cloud-config\npassword: ${ref("random_password.dbx.result")}\n`;
    },
  },
  {
    name: "a reference to a counted resource without an index",
    rule: "reference",
    address: SERVER,
    path: "scheduler_hints[0].group",
    message: /has count or for_each: select an instance/,
    breakIt: (s) => {
      s.resource.openstack_compute_servergroup_v2.spread.count = 2;
    },
  },

  {
    name: "an output showing a password without being sensitive",
    rule: "sensitive-output",
    address: "output.db_password",
    path: "value",
    message: /shows sensitive 'random_password.db.result'; set sensitive = true on the output/,
    breakIt: (s) => {
      s.output.db_password = { value: ref("random_password.db.result") };
    },
  },
  {
    name: "a depends_on target that does not exist",
    rule: "depends-on",
    address: "openstack_networking_floatingip_associate_v2.fip_association",
    path: "depends_on[0]",
    message: /'openstack_networking_router_interface_v2.gone' is not a resource or data source of this stack/,
    breakIt: (s) => {
      s.resource.openstack_networking_floatingip_associate_v2.fip_association.depends_on = [
        "openstack_networking_router_interface_v2.gone",
      ];
    },
  },
  {
    name: "a depends_on entry that is not an address",
    rule: "depends-on",
    address: SERVER,
    path: "depends_on[0]",
    message: /must be a resource or data source address/,
    breakIt: (s) => {
      server(s).depends_on = [42];
    },
  },

  {
    name: "a misspelt lifecycle key",
    rule: "lifecycle",
    address: SERVER,
    path: "lifecycle.prevent_destory",
    message: /'prevent_destory' is not a lifecycle argument of a resource/,
    breakIt: (s) => {
      server(s).lifecycle.prevent_destory = true;
    },
  },
  {
    name: "a non-literal prevent_destroy",
    rule: "lifecycle",
    address: "openstack_blockstorage_volume_v3.data",
    path: "lifecycle.prevent_destroy",
    message: /must be a literal true or false, got "true"/,
    breakIt: (s) => {
      s.resource.openstack_blockstorage_volume_v3.data.lifecycle.prevent_destroy = "true";
    },
  },
  {
    name: "ignore_changes naming an unknown argument",
    rule: "lifecycle",
    address: SERVER,
    path: "lifecycle.ignore_changes[0]",
    message: /'imagename' is not an argument of this resource type/,
    breakIt: (s) => {
      server(s).lifecycle.ignore_changes = ["imagename"];
    },
  },
  {
    name: "replace_triggered_by naming a missing resource",
    rule: "lifecycle",
    address: SERVER,
    path: "lifecycle.replace_triggered_by[0]",
    message: /must reference a resource of this stack/,
    breakIt: (s) => {
      server(s).lifecycle.replace_triggered_by = [ref("openstack_networking_port_v2.nope.id")];
    },
  },
  {
    name: "a precondition without an error message",
    rule: "lifecycle",
    address: SERVER,
    path: "lifecycle.precondition[0]",
    message: /needs 'condition' and 'error_message'/,
    breakIt: (s) => {
      server(s).lifecycle.precondition = [{ condition: "${true}" }];
    },
  },
  {
    name: "create_before_destroy on a data source",
    rule: "lifecycle",
    address: "data.openstack_networking_network_v2.external",
    path: "lifecycle.create_before_destroy",
    message: /not a lifecycle argument of a data source/,
    breakIt: (s) => {
      s.data.openstack_networking_network_v2.external.lifecycle = { create_before_destroy: true };
    },
  },

  {
    name: "a negative count",
    rule: "count-for-each",
    address: SERVER,
    path: "count",
    message: /must be a whole number >= 0/,
    breakIt: (s) => {
      server(s).count = -1;
    },
  },
  {
    name: "a list literal as for_each",
    rule: "count-for-each",
    address: SERVER,
    path: "for_each",
    message: /must be a map or an expression \(a literal list needs toset\(\)\)/,
    breakIt: (s) => {
      server(s).for_each = ["a", "b"];
    },
  },
  {
    name: "both count and for_each",
    rule: "count-for-each",
    address: SERVER,
    path: "count",
    message: /cannot both be set/,
    breakIt: (s) => {
      Object.assign(server(s), { count: 1, for_each: { a: "x" } });
    },
  },

  {
    name: "a provider alias that is not configured",
    rule: "provider-reference",
    address: SERVER,
    path: "provider",
    message: /no provider configuration 'openstack' with alias 'missing'/,
    breakIt: (s) => {
      server(s).provider = "openstack.missing";
    },
  },
  {
    name: "a provider that does not have the type",
    rule: "unknown-type",
    address: SERVER,
    path: "",
    message: /not a resource of registry.terraform.io\/hashicorp\/random \(selected by provider = "random"\)/,
    breakIt: (s) => {
      server(s).provider = "random";
    },
  },
  {
    name: "a duplicate provider alias",
    rule: "provider-config",
    address: "provider.openstack.other",
    path: "alias",
    message: /alias 'other' is configured twice/,
    breakIt: (s) => {
      s.provider.openstack.push({ alias: "other" });
    },
  },
  {
    name: "two default provider configurations",
    rule: "provider-config",
    address: "provider.openstack",
    path: "",
    message: /more than one default/,
    breakIt: (s) => {
      s.provider.openstack.push({ region: "RegionThree" });
    },
  },
];

function check(input: BrokenInput | undefined, stack: Json): Finding[] {
  return input?.acme ? checkStack(FIXTURE_STACK, stack, ACME_INDEX) : checkStack(FIXTURE_STACK, stack, index);
}

describe("conformance rules", () => {
  test("the unbroken fixtures conform", () => {
    expect(checkStack(FIXTURE_STACK, fixtureStack(), index).map(formatFinding)).toEqual([]);
    expect(checkStack(FIXTURE_STACK, acmeStack(), ACME_INDEX).map(formatFinding)).toEqual([]);
  });

  test("every rule has at least one broken input", () => {
    const covered = new Set(BROKEN.map((b) => b.rule));
    expect(Object.keys(RULES).filter((r) => !covered.has(r as RuleId))).toEqual([]);
  });

  test.each(BROKEN.map((b) => [`${b.rule}: ${b.name}`, b] as const))("%s", (_, input) => {
    const stack = input.acme ? acmeStack() : fixtureStack();
    input.breakIt(stack);
    const findings = check(input, stack);
    const lines = findings.map(formatFinding);
    expect(findings.map((f) => f.rule)).toEqual(Array(input.count ?? 1).fill(input.rule));
    expect(findings[0]).toMatchObject({ stack: FIXTURE_STACK, address: input.address, path: input.path });
    expect(findings[0].message).toMatch(input.message);
    expect(lines[0].startsWith(`${FIXTURE_STACK}: ${input.address}: ${input.path ? `${input.path}: ` : ""}`)).toBe(true);
  });
});

describe("values the checker must accept", () => {
  const accepts: [string, (s: Json) => void][] = [
    [
      "an expression where a number goes",
      (s) => {
        rule(s).port_range_min = ref("var.port");
        rule(s).port_range_max = ref("var.port");
      },
    ],
    [
      "a numeric string where a number goes (Terraform converts it)",
      (s) => {
        rule(s).port_range_min = "22";
      },
    ],
    [
      "a number where a string goes",
      (s) => {
        server(s).metadata.replicas = 3;
      },
    ],
    [
      "an expression where a list goes",
      (s) => {
        port(s).security_group_ids = ref("var.groups");
      },
    ],
    [
      "a one-of value in another case when the check ignores case",
      (s) => {
        server(s).power_state = "Shutoff";
      },
    ],
    [
      "a protocol given by number",
      (s) => {
        rule(s).protocol = "6";
      },
    ],
    [
      "a dynamic block for a known block type",
      (s) => {
        delete server(s).network;
        server(s).dynamic = { network: { for_each: ref("var.ports"), content: { port: ref("network.value") } } };
      },
    ],
    [
      "a dynamic block whose iterator name looks like a resource type",
      (s) => {
        delete port(s).fixed_ip;
        port(s).dynamic = {
          fixed_ip: {
            for_each: ref("var.subnets"),
            iterator: "subnet_entry",
            content: { subnet_id: ref("subnet_entry.value.id"), ip_address: ref("fixed_ip.key") },
          },
        };
      },
    ],
    [
      "a volatile function in an argument that updates in place",
      (s) => {
        server(s).metadata = { deployed: "${timestamp()}" };
      },
    ],
    [
      "a Heat template written in YAML",
      (s) => {
        heat(s).template_opts.Bin = "heat_template_version: 2018-08-31\nparameters:\n  image: {type: string}\nresources: {}\n";
      },
    ],
    [
      "a sensitive output showing a password",
      (s) => {
        s.output.db_password = { value: ref("random_password.db.result"), sensitive: true };
      },
    ],
    [
      "a single block written as an object",
      (s) => {
        server(s).timeouts = { create: "30m" };
      },
    ],
    [
      "a provider alias that is configured",
      (s) => {
        server(s).provider = "openstack.other";
      },
    ],
    [
      "a conflict with a value only known at apply time (the SDK defers it)",
      (s) => {
        rule(s).remote_group_id = ref("openstack_networking_secgroup_v2.group.id");
        delete rule(s).remote_ip_prefix;
        rule(s).remote_ip_prefix = ref("var.maybe_null");
      },
    ],
    [
      "an indexed reference to a counted resource",
      (s) => {
        s.resource.openstack_compute_servergroup_v2.spread.count = 2;
        server(s).scheduler_hints[0].group = ref("openstack_compute_servergroup_v2.spread[0].id");
      },
    ],
    [
      "escaped interpolation in user data",
      (s) => {
        server(s).user_data = "#!/bin/sh\necho $${HOME}/openstack_x.y\n";
      },
    ],
    [
      "for_each over a map, and count as an expression",
      (s) => {
        server(s).for_each = { a: "1" };
        s.resource.openstack_lb_monitor_v2.monitor.count = ref("var.n");
      },
    ],
    [
      "ignore_changes = all, and preconditions with messages",
      (s) => {
        server(s).lifecycle = { ignore_changes: "all", precondition: [{ condition: "${true}", error_message: "never" }] };
      },
    ],
  ];
  test.each(accepts)("%s", (_, change) => {
    const stack = fixtureStack();
    change(stack);
    expect(checkStack(FIXTURE_STACK, stack, index).map(formatFinding)).toEqual([]);
  });
});
