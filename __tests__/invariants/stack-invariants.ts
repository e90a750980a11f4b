/**
 * Properties every synthesized environment must have, beyond schema
 * conformance. Each function returns human-readable violations (empty when
 * the invariant holds) naming the stack and the resource address.
 */
import { publicAddressCount, SSH_PUBLIC_ADDRESS_LIMIT } from "../../config/schema";
import { isExpression, referencesIn } from "../../providers/conformance/expressions";

export type StackJson = {
  resource?: Record<string, Record<string, Record<string, unknown>>>;
  data?: Record<string, Record<string, Record<string, unknown>>>;
  output?: Record<string, unknown>;
};

const SECRET_KEY = /pass(word)?|secret|token|private_?key|admin_pass|credential/i;
const PRIVATE_KEY = /-----BEGIN [A-Z ]*PRIVATE KEY-----|PuTTY-User-Key-File/;
/**
 * `scheme://user:password@host` with a literal password: group 1 is the URL
 * from its scheme, group 2 the password. The lookbehind starts each try only
 * at the beginning of a run of scheme characters, so a long base64 run (the
 * app's gz+b64 archive in user data) is scanned once instead of once per
 * character: `[a-z][a-z0-9+.-]*:\/\/...` alone backtracked quadratically, 3.3 s of
 * the property tests' 15 (bench/README.md). It finds the same URLs: within a run
 * the old pattern too could only start at the run's first letter.
 */
const URL_CREDENTIAL = /(?<![a-z0-9+.-])[0-9+.-]*([a-z][a-z0-9+.-]*:\/\/[^:/\s'"@]+:([^@\s'"]+)@)/gi;

/**
 * No private key anywhere, and no literal value for anything that looks like a
 * password: secrets come from random_password and stay references
 * (`${random_password.x.result}`) until apply time. Looks inside embedded JSON
 * documents (the Heat template) and inside URLs in user data.
 */
export function secretLiterals(file: string, text: string): string[] {
  const violations: string[] = [];
  if (PRIVATE_KEY.test(text)) violations.push(`${file}: contains a private key`);
  const visit = (value: unknown, path: string): void => {
    if (typeof value === "string") {
      const embedded = parseEmbeddedJson(value);
      if (embedded !== undefined) visit(embedded, `${path}(json)`);
      for (const m of value.matchAll(URL_CREDENTIAL)) {
        if (!m[2].startsWith("${")) violations.push(`${file}: ${path}: URL with a literal password '${m[1]}'`);
      }
    } else if (Array.isArray(value)) {
      value.forEach((v, i) => visit(v, `${path}[${i}]`));
    } else if (value && typeof value === "object") {
      for (const [k, v] of Object.entries(value)) {
        const child = path ? `${path}.${k}` : k;
        if (SECRET_KEY.test(k) && typeof v === "string" && v !== "" && !isExpression(v)) {
          violations.push(`${file}: ${child}: literal value for a secret`);
        }
        visit(v, child);
      }
    }
  };
  visit(JSON.parse(text), "");
  return violations;
}

/** Literal `name`s of OpenStack resources, by `stack: address`. */
export function openstackNames(stacks: Record<string, StackJson>): Map<string, string[]> {
  const byName = new Map<string, string[]>();
  for (const [stack, config] of Object.entries(stacks)) {
    for (const [type, name, body] of resources(config)) {
      if (!type.startsWith("openstack_") || typeof body.name !== "string" || isExpression(body.name)) continue;
      byName.set(body.name, [...(byName.get(body.name) ?? []), `${stack}: ${type}.${name}`]);
    }
  }
  return byName;
}

export function duplicateNames(stacks: Record<string, StackJson>): string[] {
  return [...openstackNames(stacks)]
    .filter(([, owners]) => owners.length > 1)
    .map(([name, owners]) => `'${name}' is used by ${owners.join(" and ")}`);
}

/**
 * A floating IP can only be associated once the port's subnet is routed to the
 * external network: every association must depend, through references or
 * depends_on, on the router interface of the subnet its port is on.
 */
export function floatingIpsWithoutRoute(stack: string, config: StackJson): string[] {
  const graph = dependencyGraph(config);
  const body = (address: string) => {
    const [type, name] = address.split(".");
    return config.resource?.[type]?.[name];
  };
  const violations: string[] = [];
  for (const type of ["openstack_networking_floatingip_associate_v2", "openstack_compute_floatingip_associate_v2"]) {
    for (const [name, association] of Object.entries(config.resource?.[type] ?? {})) {
      const address = `${type}.${name}`;
      const portRef = [association.port_id, association.instance_id].find((v) => typeof v === "string") as string | undefined;
      const target = portRef ? referencesIn(portRef).find((r) => r.mode === "resource") : undefined;
      const subnets = target ? subnetsOf(body(target.address)) : [];
      if (subnets.length === 0) {
        violations.push(`${stack}: ${address}: cannot tell which subnet its port is on`);
        continue;
      }
      const reachable = reachableFrom(address, graph);
      for (const subnet of subnets) {
        const interfaces = Object.entries(config.resource?.openstack_networking_router_interface_v2 ?? {})
          .filter(([, ri]) => typeof ri.subnet_id === "string" && referencesIn(ri.subnet_id).some((r) => r.address === subnet))
          .map(([n]) => `openstack_networking_router_interface_v2.${n}`);
        if (!interfaces.some((ri) => reachable.has(ri))) {
          violations.push(`${stack}: ${address}: does not depend on the router interface of ${subnet}`);
        }
      }
    }
  }
  return violations;
}

/** Every remote_group_id is a reference to a security group declared in the same stack. */
export function foreignRemoteGroups(stack: string, config: StackJson): string[] {
  const groups = new Set(
    Object.keys(config.resource?.openstack_networking_secgroup_v2 ?? {}).map((n) => `openstack_networking_secgroup_v2.${n}`),
  );
  return Object.entries(config.resource?.openstack_networking_secgroup_rule_v2 ?? {})
    .filter(([, rule]) => rule.remote_group_id !== undefined)
    .filter(([, rule]) => {
      const refs = typeof rule.remote_group_id === "string" ? referencesIn(rule.remote_group_id) : [];
      return refs.length !== 1 || !groups.has(refs[0].address) || refs[0].attribute !== "id";
    })
    .map(
      ([name, rule]) =>
        `${stack}: openstack_networking_secgroup_rule_v2.${name}: remote_group_id ${JSON.stringify(rule.remote_group_id)} is not a group of this stack`,
    );
}

/** Ingress rules that let the whole internet reach port 22. */
export function sshFromAnywhere(stack: string, config: StackJson): string[] {
  const ssh = Object.entries(config.resource?.openstack_networking_secgroup_rule_v2 ?? {})
    .filter(([, rule]) => rule.direction === "ingress" && coversPort22(rule))
    .filter(([, rule]) => rule.remote_group_id === undefined && rule.remote_address_group_id === undefined);
  const open = ssh
    .filter(([, rule]) => rule.remote_ip_prefix === undefined || rule.remote_ip_prefix === "::/0")
    .map(
      ([name, rule]) =>
        `${stack}: openstack_networking_secgroup_rule_v2.${name}: admits port 22 from ${rule.remote_ip_prefix ?? "anywhere"}`,
    );
  // Judged together: two /1 rules open SSH to the internet as surely as one /0.
  const exposed = publicAddressCount(ssh.map(([, rule]) => rule.remote_ip_prefix).filter((p): p is string => typeof p === "string"));
  if (exposed > SSH_PUBLIC_ADDRESS_LIMIT) open.push(`${stack}: port 22 is open to ${exposed} public addresses`);
  return open;
}

/**
 * Ingress rules on port 22 whose source is neither one of the configured admin CIDRs nor a jump host's
 * group: a group of this stack whose every port-22 rule admits an admin CIDR (the bastion's).
 */
export function sshFromOutsideAdmins(stack: string, config: StackJson, adminCidrs: readonly string[]): string[] {
  const ssh = sshRules(config);
  const fromAdmins = (rule: Record<string, unknown>) =>
    typeof rule.remote_ip_prefix === "string" && adminCidrs.includes(rule.remote_ip_prefix);
  const jumpGroups = new Set(
    [...new Set(ssh.map(([, rule]) => groupOf(rule.security_group_id)))].filter(
      (group) => group && ssh.filter(([, rule]) => groupOf(rule.security_group_id) === group).every(([, rule]) => fromAdmins(rule)),
    ),
  );
  return ssh
    .filter(([, rule]) => !fromAdmins(rule) && !(rule.remote_group_id !== undefined && jumpGroups.has(groupOf(rule.remote_group_id))))
    .map(
      ([name, rule]) =>
        `${stack}: openstack_networking_secgroup_rule_v2.${name}: admits port 22 from ${String(rule.remote_ip_prefix ?? rule.remote_group_id ?? "anywhere")}, neither an admin CIDR nor a jump host's group`,
    );
}

/**
 * Port-22 rules from a CIDR on a group that is no jump host's: a server the admin networks reach
 * directly instead of through the bastion (whose group the other groups' SSH rules name).
 */
export function sshPastTheBastion(stack: string, config: StackJson): string[] {
  const ssh = sshRules(config);
  const jumpGroups = new Set(ssh.map(([, rule]) => groupOf(rule.remote_group_id)).filter((g) => g !== undefined));
  return ssh
    .filter(([, rule]) => rule.remote_group_id === undefined && !jumpGroups.has(groupOf(rule.security_group_id) ?? ""))
    .map(
      ([name, rule]) =>
        `${stack}: openstack_networking_secgroup_rule_v2.${name}: admits port 22 from ${String(rule.remote_ip_prefix ?? "anywhere")} straight to a server, not through the bastion`,
    );
}

function sshRules(config: StackJson): [string, Record<string, unknown>][] {
  return Object.entries(config.resource?.openstack_networking_secgroup_rule_v2 ?? {}).filter(
    ([, rule]) => rule.direction === "ingress" && coversPort22(rule),
  );
}

/** The security group a `${openstack_networking_secgroup_v2.x.id}` reference names. */
function groupOf(reference: unknown): string | undefined {
  const refs = typeof reference === "string" ? referencesIn(reference) : [];
  return refs.length === 1 && refs[0].type === "openstack_networking_secgroup_v2" ? refs[0].address : undefined;
}

/** Two identical rules in one group: Neutron answers 409 Conflict to the second. */
export function duplicateRules(stack: string, config: StackJson): string[] {
  const seen = new Map<string, string>();
  const violations: string[] = [];
  for (const [name, rule] of Object.entries(config.resource?.openstack_networking_secgroup_rule_v2 ?? {})) {
    const key = JSON.stringify(
      [
        "security_group_id",
        "direction",
        "ethertype",
        "protocol",
        "port_range_min",
        "port_range_max",
        "remote_ip_prefix",
        "remote_group_id",
      ].map((k) => rule[k] ?? null),
    );
    const first = seen.get(key);
    if (first) violations.push(`${stack}: openstack_networking_secgroup_rule_v2.${name} duplicates ${first}`);
    else seen.set(key, `openstack_networking_secgroup_rule_v2.${name}`);
  }
  return violations;
}

/**
 * Octavia refuses a change to a load balancer that is still PENDING_UPDATE, so
 * its listeners, pools, monitors and members must be created one after the
 * other: for any two of them, one must depend (transitively) on the other.
 */
export function concurrentLoadBalancerChanges(stack: string, config: StackJson): string[] {
  const graph = dependencyGraph(config);
  const children = [
    "openstack_lb_listener_v2",
    "openstack_lb_pool_v2",
    "openstack_lb_monitor_v2",
    "openstack_lb_member_v2",
    "openstack_lb_members_v2",
    "openstack_lb_l7policy_v2",
  ]
    .flatMap((type) => Object.keys(config.resource?.[type] ?? {}).map((name) => `${type}.${name}`))
    .concat(heatPoolMemberStacks(config));
  const reach = new Map(children.map((c) => [c, reachableFrom(c, graph)]));
  const violations: string[] = [];
  for (let i = 0; i < children.length; i++) {
    for (let j = i + 1; j < children.length; j++) {
      const [a, b] = [children[i], children[j]];
      if (!reach.get(a)!.has(b) && !reach.get(b)!.has(a)) violations.push(`${stack}: ${a} and ${b} can be created at the same time`);
    }
  }
  return violations;
}

/** Heat stacks whose templates (nested member templates included) create Octavia pool members: changes to the load balancer too. */
export function heatPoolMemberStacks(config: StackJson): string[] {
  return Object.entries(config.resource?.openstack_orchestration_stack_v1 ?? {})
    .filter(([, body]) => JSON.stringify((body as { template_opts?: unknown }).template_opts ?? "").includes("OS::Octavia::PoolMember"))
    .map(([name]) => `openstack_orchestration_stack_v1.${name}`);
}

/** Resources with prevent_destroy, which must be exactly the ones the config protects. */
export function protectedResources(config: StackJson): string[] {
  return resources(config)
    .filter(([, , body]) => isPlainObject(body.lifecycle) && body.lifecycle.prevent_destroy === true)
    .map(([type, name]) => `${type}.${name}`);
}

function coversPort22(rule: Record<string, unknown>): boolean {
  const protocol = rule.protocol === undefined || rule.protocol === "" || rule.protocol === "tcp" || rule.protocol === "6";
  const min = rule.port_range_min === undefined ? 0 : Number(rule.port_range_min);
  const max = rule.port_range_max === undefined ? 65535 : Number(rule.port_range_max);
  return protocol && (min === 0 || min <= 22) && 22 <= (max === 0 ? 65535 : max);
}

/** address -> addresses it references or depends on. */
function dependencyGraph(config: StackJson): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  for (const [type, name, body] of resources(config)) {
    const edges = new Set<string>();
    for (const expression of stringsIn(body)) {
      if (isExpression(expression)) for (const ref of referencesIn(expression)) edges.add(ref.address);
    }
    for (const target of (body.depends_on as string[] | undefined) ?? []) edges.add(target.replace(/^\$\{|\}$/g, ""));
    graph.set(`${type}.${name}`, edges);
  }
  return graph;
}

function reachableFrom(start: string, graph: Map<string, Set<string>>): Set<string> {
  const seen = new Set<string>();
  const queue = [start];
  while (queue.length > 0) {
    for (const next of graph.get(queue.pop()!) ?? []) {
      if (!seen.has(next)) {
        seen.add(next);
        queue.push(next);
      }
    }
  }
  return seen;
}

/** The subnets a port (fixed_ip) or a load balancer (vip_subnet_id) is on. */
function subnetsOf(body: Record<string, unknown> | undefined): string[] {
  if (!body) return [];
  const candidates = [body.vip_subnet_id, ...((body.fixed_ip as Record<string, unknown>[] | undefined) ?? []).map((f) => f.subnet_id)];
  return candidates
    .filter((c): c is string => typeof c === "string")
    .flatMap((c) =>
      referencesIn(c)
        .filter((r) => r.type === "openstack_networking_subnet_v2")
        .map((r) => r.address),
    );
}

function resources(config: StackJson): [string, string, Record<string, unknown>][] {
  return Object.entries(config.resource ?? {}).flatMap(([type, byName]) =>
    Object.entries(byName).map(([name, body]) => [type, name, body] as [string, string, Record<string, unknown>]),
  );
}

function stringsIn(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.flatMap(stringsIn);
  if (isPlainObject(value))
    return Object.entries(value)
      .filter(([k]) => k !== "//")
      .flatMap(([, v]) => stringsIn(v));
  return [];
}

function parseEmbeddedJson(value: string): unknown {
  if (!/^\s*[[{]/.test(value)) return undefined;
  try {
    return JSON.parse(value);
  } catch {
    return undefined;
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
