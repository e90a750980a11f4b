/**
 * Neutron: networks, subnets with real address allocation, routers and their
 * interfaces, ports, security groups and rules, floating IPs.
 */
import { randomUUID } from "node:crypto";
import { Value } from "../protocol/cty";
import { CloudError } from "../provider/diagnostics";
import { ipv4ToInt } from "../../providers/schema/value-formats";
import { hostRange, inCidr, Ipv4Range, nextFree } from "./addresses";
import { stableUuid } from "./catalogue";
import { CloudObject } from "./cloud";
import { ApplyContext, fill, macAddress, mustFind, objects, ResourceModel, str, strings } from "./model";

export const NETWORK = "openstack_networking_network_v2";
export const SUBNET = "openstack_networking_subnet_v2";
const ROUTER = "openstack_networking_router_v2";
const ROUTER_INTERFACE = "openstack_networking_router_interface_v2";
export const PORT = "openstack_networking_port_v2";
export const SECGROUP = "openstack_networking_secgroup_v2";
const SECGROUP_RULE = "openstack_networking_secgroup_rule_v2";
const FLOATING_IP = "openstack_networking_floatingip_v2";
const FLOATING_IP_ASSOCIATE = "openstack_networking_floatingip_associate_v2";

/** Neutron's implicit "default" group, which every project has. */
const DEFAULT_SECGROUP_ID = stableUuid("secgroup", "default");

export interface PortRequest {
  readonly networkId: string;
  /** Requested fixed IPs; an entry without ip_address is allocated from its subnet. */
  readonly fixedIps?: { subnetId: string; ipAddress?: string | null }[];
  readonly name?: string;
  readonly deviceId?: string;
  readonly deviceOwner?: string;
  readonly securityGroupIds?: string[];
  /** Set for ports the cloud creates on its own behalf; they go when the owner goes. */
  readonly owner?: string;
  readonly id?: string;
}

/** Creates a port in the cloud the way Neutron does, allocating its addresses. */
export function createPort(ctx: ApplyContext, request: PortRequest): CloudObject {
  const network = networkOrExternal(ctx, request.networkId);
  return addPort(ctx, request, network.id, allocateFixedIps(ctx, network.id, request.fixedIps));
}

/** Neutron's fixed IPs for a new port: those requested, or one from the network's first subnet. */
function allocateFixedIps(ctx: ApplyContext, networkId: string, fixedIps: PortRequest["fixedIps"]): string[] {
  const requests =
    fixedIps ??
    subnetsOf(ctx, networkId)
      .slice(0, 1)
      .map((s) => ({ subnetId: s.id, ipAddress: null }));
  return requests.map((r) => {
    const subnet = mustFind(ctx, SUBNET, r.subnetId, "Subnet");
    if (subnet.state.network_id !== networkId) {
      throw new CloudError(
        400,
        `Invalid input for operation: Failed to create port on network ${networkId}, because fixed_ips included invalid subnet ${subnet.id}.`,
      );
    }
    return allocateIp(ctx, subnet, r.ipAddress ?? null);
  });
}

function addPort(ctx: ApplyContext, request: Omit<PortRequest, "networkId" | "fixedIps">, networkId: string, ips: string[]): CloudObject {
  const id = request.id ?? randomUUID();
  const port: CloudObject = {
    type: PORT,
    id,
    owner: request.owner,
    state: {
      id,
      name: request.name ?? "",
      network_id: networkId,
      all_fixed_ips: ips,
      mac_address: macAddress(),
      device_id: request.deviceId ?? "",
      device_owner: request.deviceOwner ?? "",
      all_security_group_ids: request.securityGroupIds ?? [DEFAULT_SECGROUP_ID],
      region: ctx.region,
    },
  };
  ctx.cloud.add(port);
  return port;
}

export function subnetsOf(ctx: ApplyContext, networkId: string): CloudObject[] {
  return ctx.cloud.list(SUBNET).filter((s) => s.state.network_id === networkId);
}

/** The network's first subnet containing one of the port's addresses. */
function subnetOfPort(ctx: ApplyContext, port: CloudObject): CloudObject | undefined {
  const ips = strings(port.state.all_fixed_ips);
  return subnetsOf(ctx, String(port.state.network_id)).find((s) => ips.some((ip) => inCidr(ip, String(s.state.cidr))));
}

/**
 * Neutron refuses a floating IP for a port whose subnet has no router to the
 * external network; this is why floating IPs must wait for the router interface.
 */
function assertReachable(ctx: ApplyContext, port: CloudObject): void {
  const subnet = subnetOfPort(ctx, port);
  const routed =
    subnet !== undefined &&
    ctx.cloud.list(ROUTER_INTERFACE).some((i) => {
      if (i.state.subnet_id !== subnet.id) return false;
      return ctx.cloud.get(ROUTER, String(i.state.router_id))?.state.external_network_id === ctx.external.id;
    });
  if (!routed) {
    throw new CloudError(
      404,
      `External network ${ctx.external.id} is not reachable from subnet ${subnet?.id ?? "(none)"}. ` +
        `Therefore, cannot associate Port ${port.id} with a Floating IP.`,
    );
  }
}

function networkOrExternal(ctx: ApplyContext, id: Value | undefined): { id: string } {
  if (id === ctx.external.id) return { id: ctx.external.id };
  return mustFind(ctx, NETWORK, id, "Network");
}

function allocationRange(subnet: CloudObject): Ipv4Range {
  const pool = objects(subnet.state.allocation_pool)[0];
  if (pool && typeof pool.start === "string" && typeof pool.end === "string") {
    return { first: ipv4ToInt(pool.start), last: ipv4ToInt(pool.end) };
  }
  return hostRange(String(subnet.state.cidr));
}

function usedIps(ctx: ApplyContext, subnet: CloudObject): Set<string> {
  const cidr = String(subnet.state.cidr);
  const used = new Set<string>();
  if (typeof subnet.state.gateway_ip === "string" && subnet.state.gateway_ip) used.add(subnet.state.gateway_ip);
  for (const port of ctx.cloud.list(PORT)) {
    for (const ip of strings(port.state.all_fixed_ips)) if (inCidr(ip, cidr)) used.add(ip);
  }
  return used;
}

function allocateIp(ctx: ApplyContext, subnet: CloudObject, requested: string | null): string {
  const used = usedIps(ctx, subnet);
  if (requested) {
    if (!inCidr(requested, String(subnet.state.cidr))) {
      throw new CloudError(400, `IP address ${requested} is not a valid IP for the specified subnet.`);
    }
    if (used.has(requested) && requested !== subnet.state.gateway_ip) {
      throw new CloudError(409, `IP address ${requested} already allocated in subnet ${subnet.id}`);
    }
    return requested;
  }
  const ip = nextFree(allocationRange(subnet), used);
  if (!ip) throw new CloudError(409, `No more IP addresses available on network ${String(subnet.state.network_id)}.`);
  return ip;
}

const network: ResourceModel = {
  create(_ctx, state) {
    fill(state, "admin_state_up", true);
    fill(state, "mtu", 1442); // VXLAN tenant networks
    fill(state, "port_security_enabled", true);
    fill(state, "all_tags", state.tags ?? []);
  },
  update(_ctx, _prior, state) {
    fill(state, "all_tags", state.tags ?? []);
  },
  delete(ctx, state) {
    // Neutron removes its own DHCP ports with the network; any other port blocks the delete.
    if (ctx.cloud.list(PORT).some((p) => p.state.network_id === state.id && p.state.device_owner !== "network:dhcp")) {
      throw new CloudError(
        409,
        `Unable to complete operation on network ${String(state.id)}. There are one or more ports still in use on the network.`,
      );
    }
    for (const subnet of subnetsOf(ctx, String(state.id))) ctx.cloud.remove(SUBNET, subnet.id);
  },
};

const subnet: ResourceModel = {
  create(ctx, state) {
    mustFind(ctx, NETWORK, state.network_id, "Network");
    const cidr = str(state.cidr);
    if (!cidr) throw new CloudError(400, "Invalid input for operation: a cidr or a subnetpool_id is required.");
    for (const other of subnetsOf(ctx, String(state.network_id))) {
      const theirs = String(other.state.cidr);
      if (inCidr(cidr.split("/")[0], theirs) || inCidr(theirs.split("/")[0], cidr)) {
        throw new CloudError(
          400,
          `Invalid input for operation: Requested subnet with cidr: ${cidr} for network: ${String(state.network_id)} overlaps with another subnet.`,
        );
      }
    }
    const range = hostRange(cidr);
    fill(state, "gateway_ip", state.no_gateway === true ? "" : (nextFree(range, new Set()) ?? ""));
    fill(state, "all_tags", state.tags ?? []);
    if (state.enable_dhcp !== false) {
      // The DHCP agent's port takes the first free address of the new subnet, as on a real cloud.
      const dhcpIp = nextFree(range, new Set([String(state.gateway_ip)]));
      addPort(
        ctx,
        { deviceId: `dhcp-${String(state.network_id)}`, deviceOwner: "network:dhcp", securityGroupIds: [], owner: String(state.id) },
        String(state.network_id),
        dhcpIp ? [dhcpIp] : [],
      );
    }
  },
  update(_ctx, _prior, state) {
    fill(state, "all_tags", state.tags ?? []);
  },
  delete(ctx, state) {
    const cidr = String(state.cidr);
    const inUse = ctx.cloud
      .list(PORT)
      .some(
        (p) =>
          p.owner !== state.id && p.state.network_id === state.network_id && strings(p.state.all_fixed_ips).some((ip) => inCidr(ip, cidr)),
      );
    if (inUse) {
      throw new CloudError(
        409,
        `Unable to complete operation on subnet ${String(state.id)}: One or more ports have an IP allocation from this subnet.`,
      );
    }
  },
};

/**
 * Addresses of the external pool already taken: its gateway (the first host
 * address, which the lab gives the host), router gateways, floating IPs.
 */
function externalUsed(ctx: ApplyContext): Set<string> {
  const used = new Set(ctx.cloud.list(FLOATING_IP).map((f) => String(f.state.address)));
  const gateway = nextFree(hostRange(ctx.external.cidr), new Set());
  if (gateway) used.add(gateway);
  for (const r of ctx.cloud.list(ROUTER)) if (r.neutron?.externalGatewayIp) used.add(r.neutron.externalGatewayIp);
  return used;
}

const router: ResourceModel = {
  create(ctx, state) {
    const external = state.external_network_id;
    if (typeof external === "string" && external !== "" && external !== ctx.external.id) {
      mustFind(ctx, NETWORK, external, "Network");
    }
    if (external === ctx.external.id) {
      // Neutron gives the router's gateway port an address of the external subnet (where SNAT leaves from).
      const ip = nextFree(hostRange(ctx.external.cidr), externalUsed(ctx));
      if (!ip) throw new CloudError(409, `No more IP addresses available on network ${ctx.external.id}.`);
      ctx.extras.neutron = { externalGatewayIp: ip };
    }
    fill(state, "admin_state_up", true);
    fill(state, "enable_snat", typeof external === "string" && external !== "");
    fill(state, "all_tags", state.tags ?? []);
  },
  update(_ctx, _prior, state) {
    fill(state, "all_tags", state.tags ?? []);
  },
  delete(ctx, state) {
    if (ctx.cloud.list(ROUTER_INTERFACE).some((i) => i.state.router_id === state.id)) {
      throw new CloudError(409, `Router ${String(state.id)} still has ports`);
    }
  },
};

const routerInterface: ResourceModel = {
  create(ctx, state) {
    const routerObject = mustFind(ctx, ROUTER, state.router_id, "Router");
    const subnetObject = mustFind(ctx, SUBNET, state.subnet_id, "Subnet");
    if (ctx.cloud.list(ROUTER_INTERFACE).some((i) => i.state.router_id === routerObject.id && i.state.subnet_id === subnetObject.id)) {
      throw new CloudError(400, `Bad router request: Router already has a port on subnet ${subnetObject.id}.`);
    }
    // The interface is a port holding the subnet's gateway address; Neutron gives both the same id.
    createPort(ctx, {
      id: String(state.id),
      networkId: String(subnetObject.state.network_id),
      fixedIps: [{ subnetId: subnetObject.id, ipAddress: str(subnetObject.state.gateway_ip) }],
      deviceId: routerObject.id,
      deviceOwner: "network:router_interface",
      securityGroupIds: [],
      owner: String(state.id),
    });
    fill(state, "port_id", state.id);
  },
};

const port: ResourceModel = {
  create(ctx, state) {
    const groups = strings(state.security_group_ids);
    for (const group of groups) mustFind(ctx, SECGROUP, group, "Security group");
    const network = networkOrExternal(ctx, state.network_id);
    const fixed = objects(state.fixed_ip).map((f) => ({ subnetId: String(f.subnet_id), ipAddress: str(f.ip_address) }));
    const ips = allocateFixedIps(ctx, network.id, state.no_fixed_ip === true ? [] : fixed.length > 0 ? fixed : undefined);
    fill(state, "all_fixed_ips", ips);
    fill(state, "mac_address", macAddress());
    fill(state, "all_security_group_ids", state.no_security_groups === true ? [] : groups.length > 0 ? groups : [DEFAULT_SECGROUP_ID]);
    fill(state, "admin_state_up", true);
    fill(state, "port_security_enabled", true);
    fill(state, "device_id", "");
    fill(state, "device_owner", "");
    fill(state, "all_tags", state.tags ?? []);
    fill(
      state,
      "dns_assignment",
      ips.map((ip) => {
        const host = `host-${ip.replace(/\./g, "-")}`;
        return { hostname: host, ip_address: ip, fqdn: `${host}.openstacklocal.` };
      }),
    );
  },
  update(ctx, _prior, state) {
    for (const group of strings(state.security_group_ids)) mustFind(ctx, SECGROUP, group, "Security group");
    fill(state, "all_security_group_ids", state.no_security_groups === true ? [] : strings(state.security_group_ids));
    fill(state, "all_tags", state.tags ?? []);
  },
  delete(ctx, state) {
    // Neutron drops the floating IP association with the port.
    for (const fip of ctx.cloud.list(FLOATING_IP)) {
      if (fip.state.port_id === state.id) fip.state = { ...fip.state, port_id: "", fixed_ip: "" };
    }
  },
};

const secgroup: ResourceModel = {
  create(_ctx, state) {
    fill(state, "stateful", true);
    fill(state, "all_tags", state.tags ?? []);
  },
  update(_ctx, _prior, state) {
    fill(state, "all_tags", state.tags ?? []);
  },
  delete(ctx, state) {
    const users = ctx.cloud.list(PORT).filter((p) => strings(p.state.all_security_group_ids).includes(String(state.id)));
    if (users.length > 0) throw new CloudError(409, `Security Group ${String(state.id)} in use.`);
    for (const rule of ctx.cloud.list(SECGROUP_RULE))
      if (rule.state.security_group_id === state.id) ctx.cloud.remove(SECGROUP_RULE, rule.id);
  },
};

const RULE_IDENTITY = ["direction", "ethertype", "protocol", "port_range_min", "port_range_max", "remote_ip_prefix", "remote_group_id"];

const secgroupRule: ResourceModel = {
  create(ctx, state) {
    mustFind(ctx, SECGROUP, state.security_group_id, "Security group");
    const [min, max] = [state.port_range_min, state.port_range_max];
    if (typeof min === "number" && typeof max === "number" && min > max) {
      throw new CloudError(400, "Invalid input for operation: For TCP/UDP protocols, port_range_min must be <= port_range_max.");
    }
    if (str(state.remote_group_id)) mustFind(ctx, SECGROUP, state.remote_group_id, "Security group");
    fill(state, "remote_ip_prefix", "");
    fill(state, "remote_group_id", "");
    fill(state, "remote_address_group_id", "");
    const norm = (v: Value | undefined) => (v === null || v === undefined ? "" : v);
    const duplicate = ctx.cloud
      .list(SECGROUP_RULE)
      .find(
        (r) => r.state.security_group_id === state.security_group_id && RULE_IDENTITY.every((k) => norm(r.state[k]) === norm(state[k])),
      );
    if (duplicate) throw new CloudError(409, `Security group rule already exists. Rule id is ${duplicate.id}.`);
  },
};

const floatingIp: ResourceModel = {
  create(ctx, state) {
    if (state.pool !== ctx.external.name) {
      throw new CloudError(404, `Unable to find network with name or id '${String(state.pool)}'`);
    }
    const used = externalUsed(ctx);
    const requested = str(state.address);
    if (requested && used.has(requested))
      throw new CloudError(409, `IP address ${requested} already allocated in subnet ${ctx.external.subnetId}`);
    const address = requested ?? nextFree(hostRange(ctx.external.cidr), used);
    if (!address) throw new CloudError(409, `No more IP addresses available on network ${ctx.external.id}.`);
    fill(state, "address", address);
    fill(state, "subnet_id", ctx.external.subnetId);
    fill(state, "all_tags", state.tags ?? []);
    const portId = str(state.port_id);
    if (portId) {
      const target = mustFind(ctx, PORT, portId, "Port");
      assertReachable(ctx, target);
      fill(state, "fixed_ip", strings(target.state.all_fixed_ips)[0] ?? "");
    } else {
      fill(state, "port_id", "");
      fill(state, "fixed_ip", "");
    }
  },
  update(_ctx, _prior, state) {
    fill(state, "all_tags", state.tags ?? []);
  },
};

const floatingIpAssociate: ResourceModel = {
  // The association has no id of its own: the provider uses the floating IP's.
  idFor: (ctx, state) => ctx.cloud.list(FLOATING_IP).find((f) => f.state.address === state.floating_ip)?.id ?? randomUUID(),
  create(ctx, state) {
    const fip = ctx.cloud.list(FLOATING_IP).find((f) => f.state.address === state.floating_ip);
    if (!fip) throw new CloudError(404, `Floating IP ${String(state.floating_ip)} could not be found.`);
    const target = mustFind(ctx, PORT, state.port_id, "Port");
    assertReachable(ctx, target);
    if (str(fip.state.port_id) && fip.state.port_id !== target.id) {
      throw new CloudError(
        409,
        `Cannot associate floating IP ${String(fip.state.address)} (${fip.id}) with port ${target.id}: it is already associated with port ${String(fip.state.port_id)}.`,
      );
    }
    const fixedIp = str(state.fixed_ip) ?? strings(target.state.all_fixed_ips)[0] ?? "";
    fill(state, "fixed_ip", fixedIp);
    fip.state = { ...fip.state, port_id: target.id, fixed_ip: fixedIp };
  },
  delete(ctx, state) {
    const fip = ctx.cloud.get(FLOATING_IP, String(state.id));
    if (fip) fip.state = { ...fip.state, port_id: "", fixed_ip: "" };
  },
};

export const NETWORKING_MODELS: Record<string, ResourceModel> = {
  [NETWORK]: network,
  [SUBNET]: subnet,
  [ROUTER]: router,
  [ROUTER_INTERFACE]: routerInterface,
  [PORT]: port,
  [SECGROUP]: secgroup,
  [SECGROUP_RULE]: secgroupRule,
  [FLOATING_IP]: floatingIp,
  [FLOATING_IP_ASSOCIATE]: floatingIpAssociate,
};
