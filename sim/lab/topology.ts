/**
 * What the lab should run, derived from the simulated cloud alone (a pure
 * function, so it is tested without root): networks, routers with their
 * floating IPs, servers with their port, user data and volumes, security
 * group rules with remote groups expanded, and load balancers.
 */
import { inCidr } from "../openstack/addresses";
import { externalNetwork, FLAVORS, heatApiHost } from "../openstack/catalogue";
import { Cloud, CloudObject, HeatWaitCondition } from "../openstack/cloud";

const T = {
  network: "openstack_networking_network_v2",
  subnet: "openstack_networking_subnet_v2",
  router: "openstack_networking_router_v2",
  routerInterface: "openstack_networking_router_interface_v2",
  port: "openstack_networking_port_v2",
  rule: "openstack_networking_secgroup_rule_v2",
  fip: "openstack_networking_floatingip_v2",
  server: "openstack_compute_instance_v2",
  keypair: "openstack_compute_keypair_v2",
  volume: "openstack_blockstorage_volume_v3",
  attach: "openstack_compute_volume_attach_v2",
  lb: "openstack_lb_loadbalancer_v2",
  listener: "openstack_lb_listener_v2",
  pool: "openstack_lb_pool_v2",
  member: "openstack_lb_member_v2",
  monitor: "openstack_lb_monitor_v2",
  stack: "openstack_orchestration_stack_v1",
} as const;

export interface LabSubnet {
  readonly id: string;
  readonly networkId: string;
  readonly cidr: string;
  readonly prefix: number;
  readonly gatewayIp: string | null;
}

export interface LabRouter {
  readonly id: string;
  readonly name: string;
  /** Null when the router has no external gateway (then it neither SNATs nor holds floating IPs). */
  readonly externalIp: string | null;
  readonly snat: boolean;
  readonly interfaces: LabSubnet[];
  /** Floating IP -> fixed IP, for ports on this router's subnets. */
  readonly floatingIps: { address: string; fixedIp: string }[];
}

/** One ingress rule, compiled later to nft: sources are CIDRs, a remote group already expanded to its members' addresses. */
export interface LabRule {
  readonly protocol: string | null;
  readonly portMin: number | null;
  readonly portMax: number | null;
  readonly sources: string[];
  readonly ethertype: string;
  readonly description: string;
}

export interface LabVolume {
  readonly id: string;
  readonly sizeGb: number;
  /** The server it is attached to, with the device name Nova gave. */
  readonly attachedTo: { serverId: string; device: string } | null;
}

export interface LabServer {
  readonly id: string;
  readonly name: string;
  readonly userData: string;
  readonly networkId: string;
  readonly fixedIp: string;
  readonly subnet: LabSubnet;
  readonly ingress: LabRule[];
  readonly floatingIp: string | null;
  readonly waitConditions: HeatWaitCondition[];
  /** The stack that booted it (Heat members), for display. */
  readonly stackId: string | null;
  /** Its flavor's vCPUs (1 for an unknown flavor): the lab's CPU cap. */
  readonly vcpus: number;
  /** The public key of its Nova key pair (none without one), as the metadata service's `public-keys`. */
  readonly publicKeys: string[];
}

export interface LabLoadBalancer {
  readonly id: string;
  readonly name: string;
  readonly vip: string;
  readonly subnet: LabSubnet;
  readonly floatingIp: string | null;
  readonly listeners: {
    readonly id: string;
    readonly port: number;
    readonly protocol: string;
    readonly algorithm: string;
    readonly members: { address: string; port: number; weight: number }[];
    readonly monitor: {
      type: string;
      delay: number;
      timeout: number;
      maxRetries: number;
      maxRetriesDown: number;
      urlPath: string;
      expectedCodes: string;
      httpMethod: string;
    } | null;
  }[];
}

export interface LabTopology {
  readonly externalCidr: string;
  readonly hostIp: string;
  readonly networks: { id: string; name: string; subnets: LabSubnet[] }[];
  readonly routers: LabRouter[];
  readonly servers: LabServer[];
  readonly volumes: LabVolume[];
  readonly loadBalancers: LabLoadBalancer[];
}

const s = (v: unknown): string => (typeof v === "string" ? v : "");
const n = (v: unknown): number | null => (typeof v === "number" ? v : null);
const list = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : []);

export function topology(cloud: Cloud): LabTopology {
  const external = externalNetwork();
  const hostIp = heatApiHost(external);
  const subnets: LabSubnet[] = cloud.list(T.subnet).map((o) => ({
    id: o.id,
    networkId: s(o.state.network_id),
    cidr: s(o.state.cidr),
    prefix: Number(s(o.state.cidr).split("/")[1]),
    gatewayIp: s(o.state.gateway_ip) || null,
  }));
  const subnetOf = (ip: string, networkId: string) => subnets.find((sn) => sn.networkId === networkId && inCidr(ip, sn.cidr));
  const ports = cloud.list(T.port);
  const fips = cloud.list(T.fip).filter((f) => s(f.state.port_id) && s(f.state.fixed_ip));
  const fipOf = (portId: string) => s(fips.find((f) => f.state.port_id === portId)?.state.address) || null;

  const routers: LabRouter[] = cloud.list(T.router).map((r) => {
    const interfaces = cloud
      .list(T.routerInterface)
      .filter((i) => i.state.router_id === r.id)
      .map((i) => subnets.find((sn) => sn.id === i.state.subnet_id))
      .filter((x): x is LabSubnet => x !== undefined);
    const externalIp = r.state.external_network_id === external.id ? (r.neutron?.externalGatewayIp ?? null) : null;
    const floatingIps =
      externalIp === null
        ? []
        : fips
            .filter((f) => interfaces.some((sn) => inCidr(s(f.state.fixed_ip), sn.cidr)))
            .map((f) => ({ address: s(f.state.address), fixedIp: s(f.state.fixed_ip) }));
    return { id: r.id, name: s(r.state.name), externalIp, snat: r.state.enable_snat !== false, interfaces, floatingIps };
  });

  // Security groups' members: every port's fixed IPs per group id, for remote_group_id rules.
  const members = new Map<string, string[]>();
  for (const p of ports) {
    for (const g of list(p.state.all_security_group_ids)) members.set(g, [...(members.get(g) ?? []), ...list(p.state.all_fixed_ips)]);
  }
  const rules = cloud.list(T.rule);
  const ingressOf = (groupIds: string[]): LabRule[] =>
    rules
      .filter((r) => groupIds.includes(s(r.state.security_group_id)) && r.state.direction === "ingress")
      .map((r) => ({
        protocol: s(r.state.protocol) || null,
        portMin: n(r.state.port_range_min),
        portMax: n(r.state.port_range_max),
        ethertype: s(r.state.ethertype) || "IPv4",
        description: s(r.state.description),
        sources: s(r.state.remote_group_id)
          ? [...new Set(members.get(s(r.state.remote_group_id)) ?? [])].map((ip) => `${ip}/32`)
          : [s(r.state.remote_ip_prefix) || (s(r.state.ethertype) === "IPv6" ? "::/0" : "0.0.0.0/0")],
      }));

  const servers: LabServer[] = [];
  for (const o of cloud.list(T.server)) {
    const port = serverPort(o, ports);
    if (!port) continue; // a server with no port has no network: nothing the lab can boot
    const fixedIp = list(port.state.all_fixed_ips)[0];
    const networkId = s(port.state.network_id);
    const subnet = fixedIp ? subnetOf(fixedIp, networkId) : undefined;
    if (!fixedIp || !subnet) continue;
    servers.push({
      id: o.id,
      name: s(o.state.name) || o.id,
      userData: o.nova?.userData ?? "",
      networkId,
      fixedIp,
      subnet,
      ingress: ingressOf(list(port.state.all_security_group_ids)),
      floatingIp: fipOf(port.id),
      waitConditions: o.heat?.waitConditions ?? [],
      stackId: o.owner && cloud.get(T.stack, o.owner) ? o.owner : null,
      vcpus: FLAVORS.find((f) => f.id === o.state.flavor_id || f.name === o.state.flavor_name)?.vcpus ?? 1,
      publicKeys: [s(cloud.get(T.keypair, s(o.state.key_pair))?.state.public_key)].filter(Boolean),
    });
  }

  const volumes: LabVolume[] = cloud.list(T.volume).map((v) => {
    const attach = cloud.list(T.attach).find((a) => a.state.volume_id === v.id);
    return {
      id: v.id,
      sizeGb: Number(v.state.size ?? 1),
      attachedTo: attach ? { serverId: s(attach.state.instance_id), device: s(attach.state.device) || "/dev/vdb" } : null,
    };
  });

  const loadBalancers: LabLoadBalancer[] = [];
  for (const lb of cloud.list(T.lb)) {
    const vip = s(lb.state.vip_address);
    const subnet = subnets.find((sn) => sn.id === lb.state.vip_subnet_id) ?? subnetOf(vip, s(lb.state.vip_network_id));
    if (!vip || !subnet) continue;
    const pools = cloud.list(T.pool);
    const listeners = cloud
      .list(T.listener)
      .filter((l) => l.state.loadbalancer_id === lb.id)
      .map((l) => {
        const pool = pools.find((p) => p.state.listener_id === l.id || (s(l.state.default_pool_id) && p.id === l.state.default_pool_id));
        const monitor = pool && cloud.list(T.monitor).find((m) => m.state.pool_id === pool.id);
        return {
          id: l.id,
          port: Number(l.state.protocol_port),
          protocol: s(l.state.protocol) || "HTTP",
          algorithm: s(pool?.state.lb_method) || "ROUND_ROBIN",
          members: pool
            ? cloud
                .list(T.member)
                .filter((m) => m.state.pool_id === pool.id && m.state.admin_state_up !== false)
                .map((m) => ({ address: s(m.state.address), port: Number(m.state.protocol_port), weight: n(m.state.weight) ?? 1 }))
            : [],
          monitor: monitor
            ? {
                type: s(monitor.state.type) || "HTTP",
                delay: n(monitor.state.delay) ?? 5,
                timeout: n(monitor.state.timeout) ?? 5,
                maxRetries: n(monitor.state.max_retries) ?? 3,
                maxRetriesDown: n(monitor.state.max_retries_down) ?? 3,
                urlPath: s(monitor.state.url_path) || "/",
                expectedCodes: s(monitor.state.expected_codes) || "200",
                httpMethod: s(monitor.state.http_method) || "GET",
              }
            : null,
        };
      });
    loadBalancers.push({ id: lb.id, name: s(lb.state.name), vip, subnet, floatingIp: fipOf(s(lb.state.vip_port_id)), listeners });
  }

  const networks = cloud
    .list(T.network)
    .map((o) => ({ id: o.id, name: s(o.state.name), subnets: subnets.filter((sn) => sn.networkId === o.id) }));
  return { externalCidr: external.cidr, hostIp, networks, routers, servers, volumes, loadBalancers };
}

/** The server's first port: the one its `network` block names, or (Heat members) the port whose device is the server. */
function serverPort(server: CloudObject, ports: CloudObject[]): CloudObject | undefined {
  const nics = Array.isArray(server.state.network) ? server.state.network : [];
  for (const nic of nics) {
    const id = nic && typeof nic === "object" && !Array.isArray(nic) ? s((nic as Record<string, unknown>).port) : "";
    const port = id ? ports.find((p) => p.id === id) : undefined;
    if (port) return port;
  }
  return ports.find((p) => p.state.device_id === server.id);
}
