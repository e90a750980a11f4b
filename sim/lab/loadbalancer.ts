/**
 * Octavia's amphora: haproxy in a namespace of its own holding the VIP on the
 * subnet's bridge, one frontend per listener, the pool's algorithm, members
 * with health checks from the monitor. The VIP's floating IP is DNAT'd by the
 * router like any other.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { ensureLeg, ensureNamespace, ip, nsRun } from "./network";
import { bridgeName, LB_DIR, lbNamespace, vethPair } from "./paths";
import { alive, sleepMs, tryKill, tryRun } from "./sh";
import { LabLoadBalancer } from "./topology";

const ALGORITHMS: Record<string, string> = { ROUND_ROBIN: "roundrobin", LEAST_CONNECTIONS: "leastconn", SOURCE_IP: "source" };

export const lbDir = (id: string) => path.join(LB_DIR, id);

export function haproxyConfig(lb: LabLoadBalancer, dir: string): string {
  const lines = [
    "global",
    "  daemon",
    `  pidfile ${path.join(dir, "haproxy.pid")}`,
    // expose-fd: a reload's new process takes the listening sockets over from this one (-x), so no connection is refused.
    `  stats socket ${path.join(dir, "admin.sock")} mode 600 level admin expose-fd listeners`,
    "defaults",
    "  timeout connect 5s",
    "  timeout client 50s",
    "  timeout server 50s",
    // Octavia's amphora retries a failed connection on another member.
    "  retries 2",
    "  option redispatch",
  ];
  for (const l of lb.listeners) {
    const mode = l.protocol === "TCP" ? "tcp" : "http";
    lines.push(
      `frontend listener_${l.id.slice(0, 8)}`,
      `  mode ${mode}`,
      `  bind ${lb.vip}:${l.port}`,
      `  default_backend pool_${l.id.slice(0, 8)}`,
    );
    lines.push(`backend pool_${l.id.slice(0, 8)}`, `  mode ${mode}`, `  balance ${ALGORITHMS[l.algorithm] ?? "roundrobin"}`);
    const m = l.monitor;
    if (m && (m.type === "HTTP" || m.type === "HTTPS")) {
      lines.push(`  option httpchk ${m.httpMethod} ${m.urlPath}`);
      lines.push(`  http-check expect ${expectStatus(m.expectedCodes)}`);
    }
    lines.push(`  timeout check ${m?.timeout ?? 5}s`);
    for (const member of l.members) {
      const check = m ? ` check inter ${m.delay}s fall ${m.maxRetriesDown} rise ${m.maxRetries}` : "";
      lines.push(`  server ${serverName(member)} ${member.address}:${member.port} weight ${member.weight}${check}`);
    }
  }
  return `${lines.join("\n")}\n`;
}

/** A member's haproxy name: by address and port (unique in a pool, as Octavia keeps them), so a reload keeps each member's name. */
const serverName = (member: { address: string; port: number }) => `member_${member.address.replace(/\./g, "_")}_${member.port}`;

/** Octavia's expected_codes ("200", "200,202", "200-204") as haproxy's http-check expectation. */
export function expectStatus(codes: string): string {
  if (/^\d{3}$/.test(codes.trim())) return `status ${codes.trim()}`;
  const all = codes.split(",").flatMap((part) => {
    const [a, b] = part.trim().split("-").map(Number);
    return b === undefined ? [a] : Array.from({ length: b - a + 1 }, (_, i) => a + i);
  });
  return `rstatus ^(${all.join("|")})$`;
}

export function haproxyPid(id: string): number | null {
  const file = path.join(lbDir(id), "haproxy.pid");
  if (!existsSync(file)) return null;
  const pid = Number(readFileSync(file, "utf8").trim());
  return pid > 0 && alive(pid) ? pid : null;
}

/** The amphora: namespace, VIP leg, route back through the subnet's router, and haproxy restarted when its config changes. */
export function ensureLoadBalancer(lb: LabLoadBalancer): void {
  const ns = lbNamespace(lb.id);
  ensureNamespace(ns);
  ensureLeg(ns, vethPair("l", lb.id, "vip"), bridgeName(lb.subnet.networkId), [`${lb.vip}/${lb.subnet.prefix}`]);
  // Replies to clients outside the subnet (the host, through the floating IP) go back by the router, which leads nowhere beyond the lab.
  if (lb.subnet.gatewayIp) ip("-n", ns, "route", "replace", "default", "via", lb.subnet.gatewayIp);
  const dir = lbDir(lb.id);
  mkdirSync(dir, { recursive: true });
  const config = haproxyConfig(lb, dir);
  const file = path.join(dir, "haproxy.cfg");
  const running = haproxyPid(lb.id);
  if (running !== null && existsSync(file) && readFileSync(file, "utf8") === config) return;
  writeFileSync(file, config);
  if (lb.listeners.length === 0) {
    if (running !== null) stopHaproxy(running);
    return;
  }
  if (running === null) {
    nsRun(ns, "haproxy", ["-f", file]);
    return;
  }
  // Octavia's amphora reloads haproxy when members change: the new process takes the listeners over (-x) and the old
  // one finishes the requests it holds (-sf), so a member joining or leaving fails no client request.
  const upBefore = new Set(
    memberHealth(lb.id)
      .filter((m) => m.status.startsWith("UP"))
      .map((m) => `${m.backend}/${m.server}`),
  );
  nsRun(ns, "haproxy", ["-f", file, "-x", path.join(dir, "admin.sock"), "-sf", String(running)]);
  // haproxy starts every server UP until its first check fails; a member that was not UP before (a new one, still
  // booting) starts DOWN instead, so the health monitor decides when it takes traffic, as Octavia's does.
  const commands = lb.listeners
    .flatMap((l) => l.members.map((m) => `pool_${l.id.slice(0, 8)}/${serverName(m)}`))
    .filter((server) => !upBefore.has(server))
    .map((server) => `set server ${server} health down`);
  if (commands.length > 0) adminCommand(lb.id, commands.join(";"));
  lastReload.set(lb.id, running);
}

/** Old haproxy processes of the reloads this process made, which finish their requests and exit. */
const lastReload = new Map<string, number>();

/**
 * Waits (up to `timeoutMs`) until the processes a reload replaced have finished their requests: what a server
 * leaving the pool must wait for before it stops, as Octavia's member delete completes before Heat deletes the server.
 */
export function drainReloads(timeoutMs = 15_000): void {
  const deadline = Date.now() + timeoutMs;
  for (const [id, pid] of lastReload) {
    while (alive(pid) && Date.now() < deadline) sleepMs(100);
    lastReload.delete(id);
  }
}

function stopHaproxy(pid: number): void {
  tryKill(pid, "SIGTERM");
  for (let i = 0; i < 50 && alive(pid); i++) sleepMs(100);
}

export function removeLoadBalancer(id: string): void {
  const pid = haproxyPid(id);
  if (pid !== null) stopHaproxy(pid);
  tryRun("ip", ["netns", "del", lbNamespace(id)]);
  rmSync(lbDir(id), { recursive: true, force: true });
}

export function lbIdsOnDisk(): string[] {
  return existsSync(LB_DIR) ? readdirSync(LB_DIR) : [];
}

/** Each member's health as haproxy sees it ("UP", "DOWN", ...), from its stats socket. */
export function memberHealth(id: string): { backend: string; server: string; status: string }[] {
  const csv = adminCommand(id, "show stat");
  return csv
    .split("\n")
    .filter((l) => l && !l.startsWith("#"))
    .map((l) => l.split(","))
    .filter((f) => f[1] && f[1] !== "FRONTEND" && f[1] !== "BACKEND")
    .map((f) => ({ backend: f[0], server: f[1], status: f[17] }));
}

/** A command on haproxy's admin socket (runtime API; several separated by ";"); its answer, "" when none. */
function adminCommand(id: string, command: string): string {
  const sock = path.join(lbDir(id), "admin.sock");
  if (!existsSync(sock)) return "";
  const script = `const s=require("net").connect(${JSON.stringify(sock)});let d="";s.on("data",c=>d+=c);s.on("end",()=>process.stdout.write(d));s.on("error",()=>{});s.write(${JSON.stringify(`${command}
`)});`;
  return tryRun(process.execPath, ["-e", script], { timeout: 5000 }).stdout;
}
