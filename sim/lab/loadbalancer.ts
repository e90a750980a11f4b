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
    `  stats socket ${path.join(dir, "admin.sock")} mode 600 level admin`,
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
    lines.push(`frontend listener_${l.id.slice(0, 8)}`, `  mode ${mode}`, `  bind ${lb.vip}:${l.port}`, `  default_backend pool_${l.id.slice(0, 8)}`);
    lines.push(`backend pool_${l.id.slice(0, 8)}`, `  mode ${mode}`, `  balance ${ALGORITHMS[l.algorithm] ?? "roundrobin"}`);
    const m = l.monitor;
    if (m && (m.type === "HTTP" || m.type === "HTTPS")) {
      lines.push(`  option httpchk ${m.httpMethod} ${m.urlPath}`);
      lines.push(`  http-check expect ${expectStatus(m.expectedCodes)}`);
    }
    lines.push(`  timeout check ${(m?.timeout ?? 5)}s`);
    l.members.forEach((member, i) => {
      const check = m ? ` check inter ${m.delay}s fall ${m.maxRetriesDown} rise ${m.maxRetries}` : "";
      lines.push(`  server member${i}_${member.address.replace(/\./g, "_")} ${member.address}:${member.port} weight ${member.weight}${check}`);
    });
  }
  return `${lines.join("\n")}\n`;
}

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
  if (running !== null) stopHaproxy(running);
  if (lb.listeners.length > 0) nsRun(ns, "haproxy", ["-f", file]);
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
export function memberHealth(id: string): { server: string; status: string }[] {
  const sock = path.join(lbDir(id), "admin.sock");
  if (!existsSync(sock)) return [];
  const script = `const s=require("net").connect(${JSON.stringify(sock)});let d="";s.on("data",c=>d+=c);s.on("end",()=>process.stdout.write(d));s.on("error",()=>{});s.write("show stat\\n");`;
  const csv = tryRun(process.execPath, ["-e", script], { timeout: 5000 }).stdout;
  return csv.split("\n").filter((l) => l && !l.startsWith("#")).map((l) => l.split(","))
    .filter((f) => f[1] && f[1] !== "FRONTEND" && f[1] !== "BACKEND").map((f) => ({ server: f[1], status: f[17] }));
}
