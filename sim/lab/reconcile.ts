/**
 * The lab's agents in one pass: make this machine match the simulated cloud.
 * Networks and routers first (servers plug into bridges), then servers
 * (removed ones stopped, new ones booted, every one's security groups and
 * volumes re-applied), load balancers, the Heat endpoint, and last the
 * pruning of whatever the cloud no longer holds. Idempotent: run it after
 * every apply or destroy.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { Cloud } from "../openstack/cloud";
import { stackAlarms } from "../openstack/orchestration";
import { DEFAULT_CLOUD_STATE } from "../cli/paths";
import { cleanLab } from "./clean";
import { ensureHeatEndpoint, ensureTelemetryAgent, heatEndpointPids, stopDaemons, telemetryAgentPids } from "./daemons";
import { drainReloads, ensureLoadBalancer, lbIdsOnDisk, removeLoadBalancer } from "./loadbalancer";
import { ensureExternal, ensureNetworks, ensureRouter, pruneNetwork } from "./network";
import { withMachineLab } from "./machine-lock";
import { LAB_DIR, lbNamespace } from "./paths";
import { requireLab } from "./requirements";
import { ensureRootfs } from "./rootfs";
import { applySecurityGroups } from "./secgroups";
import {
  containerPid,
  isShutOff,
  nspawnPid,
  prepareServer,
  removeServerDir,
  serverDir,
  serverDirs,
  startServer,
  stopServers,
  waitForContainerPid,
} from "./servers";
import { alive, sleepMs } from "./sh";
import { LabTopology, topology } from "./topology";
import { ensureVolume, plugVolume, releaseVolume, unplugVolume, volumeIdsOnDisk } from "./volumes";

export interface ReconcileOptions {
  readonly cloudFile?: string;
  readonly log?: (line: string) => void;
}

export interface ReconcileResult {
  readonly topology: LabTopology;
  readonly started: string[];
  readonly removed: string[];
  readonly rootfsBuiltSeconds: number;
}

export function reconcile(options: ReconcileOptions = {}): ReconcileResult {
  requireLab();
  const log = options.log ?? ((line: string) => console.log(line));
  const cloudFile = options.cloudFile ?? (process.env.FRACTALS_SIM_STATE || DEFAULT_CLOUD_STATE);
  // The machine lock serializes reconciles (and notices a killed holder, which a lock file would not).
  // The machine lock serializes reconciles of different runs; the Heat endpoint's reconciles after a scaling signal run
  // under the hold of whoever started the lab (reentrant), so a lock file of the lab's own serializes those too.
  return withMachineLab(`reconcile of ${cloudFile}`, () => withReconcileLock(() => reconcileLocked(Cloud.load(cloudFile), cloudFile, log)));
}

/** One reconcile at a time within the machine lock's holder and its children; a dead holder's lock (a killed run) is taken over. */
function withReconcileLock<T>(fn: () => T): T {
  const lock = path.join(LAB_DIR, "reconcile.lock");
  mkdirSync(LAB_DIR, { recursive: true });
  for (const started = Date.now(); ; sleepMs(200)) {
    try {
      writeFileSync(lock, String(process.pid), { flag: "wx" });
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      const holder = Number(readFileSync(lock, "utf8").trim() || 0);
      if (holder === process.pid) return fn(); // reentrant
      if (!holder || !alive(holder)) rmSync(lock, { force: true });
      else if (Date.now() - started > 15 * 60_000)
        throw new Error(`the lab's reconcile stayed locked by pid ${holder} for 15 minutes (${lock})`);
    }
  }
  try {
    return fn();
  } finally {
    rmSync(lock, { force: true });
  }
}

function reconcileLocked(cloud: Cloud, cloudFile: string, log: (line: string) => void): ReconcileResult {
  const topo = topology(cloud);
  const wanted = new Set(topo.servers.map((s) => s.id));
  const removed = serverDirs().filter((id) => !wanted.has(id));
  if (topo.servers.length === 0 && topo.loadBalancers.length === 0 && topo.routers.length === 0 && topo.networks.length === 0) {
    // The cloud holds nothing the lab runs: tear everything down, keeping only the files of volumes the cloud still has.
    cleanLab({ log, keepVolumes: new Set(topo.volumes.map((v) => v.id)) });
    return { topology: topo, started: [], removed, rootfsBuiltSeconds: 0 };
  }
  // The image first: this workplace's Debian mirror answers inside 203.0.113.0/24, which the external bridge takes over.
  const { path: rootfs, builtSeconds } = topo.servers.length > 0 ? ensureRootfs(log) : { path: "", builtSeconds: 0 };
  ensureExternal(topo);
  ensureNetworks(topo);
  for (const router of topo.routers) ensureRouter(router, topo);

  if (removed.length > 0) {
    // Pool members first: haproxy stops sending to a server, and finishes what it sent, before the server stops
    // (Heat deletes a member stack's OS::Octavia::PoolMember before its server, and Octavia's delete waits for the amphora).
    for (const lb of topo.loadBalancers) ensureLoadBalancer(lb);
    drainReloads();
    log(stoppingLine(removed));
    stopServers(removed);
    for (const id of removed) removeServerDir(id);
  }

  const started: string[] = [];
  for (const server of topo.servers) {
    if (nspawnPid(server.id) !== null || isShutOff(server.id)) continue;
    prepareServer(server, rootfs);
    startServer(server);
    started.push(server.id);
  }
  if (started.length > 0)
    log(
      `lab: booting ${started.length} server(s): ${topo.servers
        .filter((s) => started.includes(s.id))
        .map((s) => s.name)
        .join(", ")}`,
    );

  for (const volume of topo.volumes) ensureVolume(volume);
  for (const server of topo.servers) {
    if (nspawnPid(server.id) === null) continue;
    const pid = started.includes(server.id) ? waitForContainerPid(server.id) : (containerPid(server.id) ?? waitForContainerPid(server.id));
    applySecurityGroups(pid, server.ingress);
    plugVolumes(server.id, pid, topo);
  }
  for (const id of volumeIdsOnDisk()) if (!topo.volumes.some((v) => v.id === id)) releaseVolume(id, true);

  for (const lb of topo.loadBalancers) ensureLoadBalancer(lb);
  for (const id of lbIdsOnDisk()) if (!topo.loadBalancers.some((lb) => lb.id === id)) removeLoadBalancer(id);

  if (topo.servers.length > 0) ensureHeatEndpoint(topo.hostIp, cloudFile);
  else stopDaemons(heatEndpointPids());
  if (topo.servers.length > 0 && stackAlarms(cloud).length > 0) ensureTelemetryAgent(cloudFile);
  else stopDaemons(telemetryAgentPids());
  pruneNetwork(topo, new Set(topo.loadBalancers.map((lb) => lbNamespace(lb.id))));
  return { topology: topo, started, removed, rootfsBuiltSeconds: builtSeconds };
}

/** Attaches what the cloud attaches to the server and detaches what it no longer does (recorded in the server's directory). */
function plugVolumes(serverId: string, pid: number, topo: LabTopology): void {
  const record = path.join(serverDir(serverId).dir, "volumes.json");
  const before = existsSync(record) ? (JSON.parse(readFileSync(record, "utf8")) as { id: string; device: string }[]) : [];
  const now = topo.volumes.filter((v) => v.attachedTo?.serverId === serverId).map((v) => ({ id: v.id, device: v.attachedTo!.device }));
  for (const old of before) if (!now.some((v) => v.id === old.id && v.device === old.device)) unplugVolume(pid, old.device, old.id);
  for (const v of now) plugVolume(pid, ensureVolume(topo.volumes.find((x) => x.id === v.id)!), v.device, v.id);
  writeFileSync(record, JSON.stringify(now));
}

/** What a reconcile logs just before it stops the servers the cloud no longer has (the API autoscaling test times it). */
export function stoppingLine(ids: readonly string[]): string {
  return `lab: stopping ${ids.length} server(s) the cloud no longer has: ${ids.join(" ")}`;
}

/** The ids a `stoppingLine` names, wherever it sits in a log line (null: not such a line). */
export function stoppingIds(line: string): string[] | null {
  const m = /lab: stopping \d+ server\(s\) the cloud no longer has: (.*)$/.exec(line);
  return m ? m[1].split(" ").filter(Boolean) : null;
}
