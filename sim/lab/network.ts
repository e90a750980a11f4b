/**
 * Neutron's data plane on this host: a bridge per network, the external
 * bridge with the host on 203.0.113.1, a namespace per router (subnet
 * gateways, external gateway, SNAT, floating-IP DNAT/SNAT as the L3 agent
 * does), and the lab's own nft table that drops any forwarding of lab traffic
 * by the host. No namespace gets a route beyond the lab: routers know only
 * their connected subnets and the external /24, so a packet for anywhere
 * else is answered "network unreachable" at once.
 */
import { bridgeName, EXTERNAL_BRIDGE, LAB_NFT_TABLE, LAB_PREFIX, routerNamespace, vethPair } from "./paths";
import { run, tryRun } from "./sh";
import { LabRouter, LabSubnet, LabTopology } from "./topology";

export const ip = (...args: string[]) => run("ip", args);
export const nsRun = (ns: string, cmd: string, args: string[], input?: string) => run("ip", ["netns", "exec", ns, cmd, ...args], { input });

export function linkExists(name: string, ns?: string): boolean {
  return tryRun("ip", [...(ns ? ["-n", ns] : []), "link", "show", "dev", name]).code === 0;
}

export function namespaces(): string[] {
  return tryRun("ip", ["netns", "list"])
    .stdout.split("\n")
    .map((l) => l.split(" ")[0])
    .filter(Boolean);
}

export function ensureNamespace(ns: string): void {
  if (!namespaces().includes(ns)) ip("netns", "add", ns);
  ip("-n", ns, "link", "set", "lo", "up");
}

/** A bridge with no IPv6 of its own (the lab is IPv4-only; no stray router solicitations). */
export function ensureBridge(name: string): void {
  if (!linkExists(name)) ip("link", "add", name, "type", "bridge");
  tryRun("sysctl", ["-q", "-w", `net.ipv6.conf.${name}.disable_ipv6=1`]);
  ip("link", "set", name, "up");
}

/** A veth from `bridge` into namespace `ns`, named `inside` there and holding `addresses`. */
export function ensureLeg(ns: string, pair: { host: string; inside: string }, bridge: string, addresses: string[]): void {
  if (!linkExists(pair.inside, ns)) {
    tryRun("ip", ["link", "del", pair.host]);
    ip("link", "add", pair.host, "type", "veth", "peer", "name", pair.inside);
    ip("link", "set", pair.inside, "netns", ns);
  }
  ip("link", "set", pair.host, "master", bridge);
  tryRun("sysctl", ["-q", "-w", `net.ipv6.conf.${pair.host}.disable_ipv6=1`]);
  ip("link", "set", pair.host, "up");
  const present = addressesOf(ns, pair.inside);
  for (const a of present) if (!addresses.includes(a)) ip("-n", ns, "addr", "del", a, "dev", pair.inside);
  for (const a of addresses) if (!present.includes(a)) ip("-n", ns, "addr", "add", a, "dev", pair.inside);
  ip("-n", ns, "link", "set", pair.inside, "up");
}

function addressesOf(ns: string, dev: string): string[] {
  const out = JSON.parse(tryRun("ip", ["-n", ns, "-j", "-4", "addr", "show", "dev", dev]).stdout || "[]") as {
    addr_info?: { local: string; prefixlen: number }[];
  }[];
  return out.flatMap((l) => l.addr_info ?? []).map((a) => `${a.local}/${a.prefixlen}`);
}

/** The lab's nft table on the host: whatever enters or leaves a lab interface is never forwarded elsewhere. */
export function hostSealRules(): string {
  const lab = `{ "${LAB_PREFIX}*", "vb-${LAB_PREFIX}*" }`;
  return [
    `table inet ${LAB_NFT_TABLE}`,
    `delete table inet ${LAB_NFT_TABLE}`,
    `table inet ${LAB_NFT_TABLE} {`,
    "  chain forward {",
    // Before any other forward chain; bridged frames (br_netfilter) stay inside the lab's bridges and pass.
    "    type filter hook forward priority -200; policy accept;",
    `    iifname ${lab} oifname != ${lab} counter drop`,
    `    oifname ${lab} iifname != ${lab} counter drop`,
    "  }",
    "}",
    "",
  ].join("\n");
}

/**
 * The external bridge, the host on it, and the seal. The host holds its address as a /32 and
 * routes only the lab's own external addresses (router gateways, floating IPs) into the bridge:
 * a /24 route would also capture every other address of 203.0.113.0/24, where this machine's
 * package registries may answer (they do here), and cut the host off from them while the lab runs.
 */
export function ensureExternal(topology: LabTopology): void {
  run("nft", ["-f", "-"], { input: hostSealRules() });
  ensureBridge(EXTERNAL_BRIDGE);
  const present = tryRun("ip", ["-4", "-o", "addr", "show", "dev", EXTERNAL_BRIDGE]).stdout;
  for (const stale of present.matchAll(/inet (\S+)/g))
    if (stale[1] !== `${topology.hostIp}/32`) ip("addr", "del", stale[1], "dev", EXTERNAL_BRIDGE);
  if (!present.includes(` ${topology.hostIp}/32 `)) ip("addr", "add", `${topology.hostIp}/32`, "dev", EXTERNAL_BRIDGE);
  const wanted = new Set(
    topology.routers.flatMap((r) => [r.externalIp, ...r.floatingIps.map((f) => f.address)]).filter((a): a is string => !!a),
  );
  const routes = JSON.parse(tryRun("ip", ["-j", "-4", "route", "show", "dev", EXTERNAL_BRIDGE]).stdout || "[]") as { dst: string }[];
  for (const route of routes) if (!wanted.has(route.dst)) tryRun("ip", ["route", "del", route.dst, "dev", EXTERNAL_BRIDGE]);
  for (const address of wanted) ip("route", "replace", `${address}/32`, "dev", EXTERNAL_BRIDGE, "src", topology.hostIp);
}

export function ensureNetworks(topology: LabTopology): void {
  for (const network of topology.networks) ensureBridge(bridgeName(network.id));
}

/** The NAT a router applies: DNAT of each floating IP to its fixed IP, SNAT back from it, SNAT of the rest of its subnets. */
export function routerNatRules(router: LabRouter, externalLeg: string): string {
  const lines = [
    "table ip fl_nat",
    "delete table ip fl_nat",
    "table ip fl_nat {",
    "  chain pre { type nat hook prerouting priority dstnat; policy accept;",
  ];
  for (const f of router.floatingIps) lines.push(`    ip daddr ${f.address} dnat to ${f.fixedIp}`);
  lines.push("  }", "  chain post { type nat hook postrouting priority srcnat; policy accept;");
  for (const f of router.floatingIps) lines.push(`    oifname "${externalLeg}" ip saddr ${f.fixedIp} snat to ${f.address}`);
  if (router.snat && router.externalIp) {
    for (const sn of router.interfaces) lines.push(`    oifname "${externalLeg}" ip saddr ${sn.cidr} snat to ${router.externalIp}`);
  }
  lines.push("  }", "}", "");
  return lines.join("\n");
}

export function subnetLeg(routerId: string, subnet: LabSubnet) {
  return vethPair("r", routerId, subnet.id);
}

export function ensureRouter(router: LabRouter, topology: LabTopology): void {
  const ns = routerNamespace(router.id);
  ensureNamespace(ns);
  // Forwarding inside the router's own namespace only; the host's net.ipv4.ip_forward is left as it is.
  nsRun(ns, "sysctl", ["-q", "-w", "net.ipv4.ip_forward=1"]);
  nsRun(ns, "sysctl", ["-q", "-w", "net.ipv6.conf.all.disable_ipv6=1"]);
  const wanted = new Set<string>(["lo"]);
  for (const subnet of router.interfaces) {
    if (!subnet.gatewayIp) continue;
    const leg = subnetLeg(router.id, subnet);
    ensureLeg(ns, leg, bridgeName(subnet.networkId), [`${subnet.gatewayIp}/${subnet.prefix}`]);
    wanted.add(leg.inside);
  }
  const ext = vethPair("r", router.id, "external");
  if (router.externalIp) {
    const prefix = topology.externalCidr.split("/")[1];
    ensureLeg(ns, ext, EXTERNAL_BRIDGE, [`${router.externalIp}/${prefix}`, ...router.floatingIps.map((f) => `${f.address}/32`)]);
    wanted.add(ext.inside);
  }
  // Interfaces removed from the router in the cloud go from its namespace too.
  for (const link of JSON.parse(tryRun("ip", ["-n", ns, "-j", "link", "show"]).stdout || "[]") as { ifname: string }[]) {
    if (!wanted.has(link.ifname)) tryRun("ip", ["-n", ns, "link", "del", link.ifname]);
  }
  nsRun(ns, "nft", ["-f", "-"], routerNatRules(router, ext.inside));
}

/** Namespaces and bridges of the lab that the topology no longer has. */
export function pruneNetwork(topology: LabTopology, keepNamespaces: Set<string>): void {
  const routers = new Set(topology.routers.map((r) => routerNamespace(r.id)));
  for (const ns of namespaces()) {
    if (ns.startsWith(`${LAB_PREFIX}r`) && !routers.has(ns)) tryRun("ip", ["netns", "del", ns]);
    if (ns.startsWith(`${LAB_PREFIX}l`) && !keepNamespaces.has(ns)) tryRun("ip", ["netns", "del", ns]);
  }
  const bridges = new Set(topology.networks.map((n) => bridgeName(n.id)));
  for (const link of labLinks()) {
    if (link.startsWith(`${LAB_PREFIX}b`) && !bridges.has(link)) tryRun("ip", ["link", "del", link]);
  }
}

/** Every link on the host whose name marks it as the lab's. */
export function labLinks(): string[] {
  const links = JSON.parse(tryRun("ip", ["-j", "link", "show"]).stdout || "[]") as { ifname: string }[];
  return links.map((l) => l.ifname).filter((name) => name.startsWith(LAB_PREFIX) || name.startsWith(`vb-${LAB_PREFIX}`));
}
