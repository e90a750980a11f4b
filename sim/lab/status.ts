/** `sim:lab -- status`: what runs, where, and how far it got. */
import { ENVIRONMENTS } from "../../config/environments";
import { cloudInitStatus, signalState } from "./boot";
import { envOf } from "./find-server";
import { haproxyPid, memberHealth } from "./loadbalancer";
import { containerPid, nspawnPid } from "./servers";
import { LabTopology } from "./topology";

export function statusLines(topo: LabTopology): string[] {
  const envs = ENVIRONMENTS.map((e) => e.env);
  const lines: string[] = [];
  lines.push(`servers (${topo.servers.length}):`);
  for (const s of topo.servers) {
    const running = nspawnPid(s.id) !== null;
    const state = running ? (containerPid(s.id) !== null ? "running" : "starting") : "stopped";
    const ci = running ? cloudInitStatus(s.id) : "-";
    const signal = signalState(s);
    lines.push(
      `  ${envOf(s.name, envs) ?? "-"}/${s.name}  ${s.fixedIp}${s.floatingIp ? ` (floating ${s.floatingIp})` : ""}  container: ${state}  cloud-init: ${ci}` +
        (signal.state === "none" ? "" : `  wait condition: ${signal.state}${signal.reason ? ` (${signal.reason})` : ""}`),
    );
  }
  lines.push(`load balancers (${topo.loadBalancers.length}):`);
  for (const lb of topo.loadBalancers) {
    const up = haproxyPid(lb.id) !== null;
    lines.push(
      `  ${lb.name}  VIP ${lb.vip}${lb.floatingIp ? ` (floating ${lb.floatingIp})` : ""}  haproxy: ${up ? "running" : "not running"}`,
    );
    for (const l of lb.listeners) lines.push(`    listener ${l.protocol}:${l.port} ${l.algorithm}, ${l.members.length} member(s)`);
    for (const m of up ? memberHealth(lb.id) : []) lines.push(`    member ${m.server}: ${m.status}`);
  }
  lines.push(`routers (${topo.routers.length}):`);
  for (const r of topo.routers) {
    lines.push(
      `  ${r.name}  external ${r.externalIp ?? "-"}  subnets ${r.interfaces.map((i) => i.cidr).join(", ")}  floating IPs ${r.floatingIps.map((f) => `${f.address}->${f.fixedIp}`).join(", ") || "-"}`,
    );
  }
  lines.push(`volumes (${topo.volumes.length}):`);
  for (const v of topo.volumes) {
    const server = topo.servers.find((s) => s.id === v.attachedTo?.serverId);
    lines.push(`  ${v.id}  ${v.sizeGb} GiB  ${server ? `attached to ${server.name} as ${v.attachedTo!.device}` : "not attached"}`);
  }
  return lines;
}
