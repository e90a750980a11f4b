/**
 * Removes everything the lab ever made, found by name and place rather than
 * trusted from a record, so a killed run's leftovers go too: containers,
 * overlay mounts, loop devices, haproxy, the Heat endpoint and the telemetry agent, namespaces,
 * bridges and veths, the host nft table. Safe to run when nothing exists.
 */
import { existsSync, readFileSync, rmSync } from "node:fs";
import * as path from "node:path";
import { cgroupPids, cpuLeftovers, removeCpu } from "./cpu";
import { anyHeatEndpointPids, anyTelemetryAgentPids, processesWith, stopDaemons } from "./daemons";
import { withMachineLab } from "./machine-lock";
import { labLinks, namespaces } from "./network";
import { LAB_DIR, LAB_NFT_TABLE, LAB_PREFIX, LB_DIR, ROOTFS_CACHE, SERVERS_DIR } from "./paths";
import { killContainers, labProcesses } from "./servers";
import { alive, sleepMs, tryKill, tryRun } from "./sh";
import { labLoops, releaseVolume, volumeIdsOnDisk } from "./volumes";

export interface CleanOptions {
  readonly log?: (line: string) => void;
  /** Volumes whose files stay (the cloud still has them); by default every volume file is removed too. */
  readonly keepVolumes?: Set<string>;
}

export function cleanLab(options: CleanOptions = {}): void {
  withMachineLab("clean", () => cleanLocked(options));
}

function cleanLocked(options: CleanOptions): void {
  const log = options.log ?? ((line: string) => console.log(line));
  stopContainers(log);

  stopDaemons([...processesWith("haproxy", `${LB_DIR}/`), ...anyHeatEndpointPids(), ...anyTelemetryAgentPids()]);

  // Overlay mounts of servers, innermost first (and any overlay on the cached image, whatever its directory).
  const mounts = readFileSync("/proc/mounts", "utf8")
    .split("\n")
    .map((l) => l.split(" "))
    .filter(
      (f) => f[1] && (f[1].startsWith(`${SERVERS_DIR}/`) || (f[0] === "overlay" && (f[3] ?? "").includes(`lowerdir=${ROOTFS_CACHE}/`))),
    )
    .map((f) => f[1])
    .sort((a, b) => b.length - a.length);
  for (const target of mounts) if (tryRun("umount", [target]).code !== 0) tryRun("umount", ["-l", target]);

  for (const loop of labLoops()) tryRun("losetup", ["-d", loop.dev]);
  for (const id of volumeIdsOnDisk()) if (!options.keepVolumes?.has(id)) releaseVolume(id, true);

  removeCpu();
  for (const ns of namespaces().filter((n) => n.startsWith(LAB_PREFIX))) tryRun("ip", ["netns", "del", ns]);
  for (const link of labLinks()) tryRun("ip", ["link", "del", link]);
  tryRun("nft", ["delete", "table", "inet", LAB_NFT_TABLE]);

  for (const dir of [SERVERS_DIR, LB_DIR, path.join(LAB_DIR, "signals"), path.join(LAB_DIR, "telemetry")]) {
    if (existsSync(dir) && !readFileSync("/proc/mounts", "utf8").includes(`${dir}/`)) rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Stops every container, and what a killed run left about to become one: a
 * launcher that execs nspawn after a first look would otherwise boot a
 * container once clean has finished (seen in CI). Launchers and anything
 * left in the lab's cgroups are killed outright; the search repeats until a
 * look finds nothing.
 */
function stopContainers(log: (line: string) => void): void {
  for (let round = 0; round < 10; round++) {
    const found = labProcesses();
    const strays = cgroupPids();
    if (found.length === 0 && strays.length === 0) return;
    const containers = found.filter((p) => !p.launcher);
    if (containers.length > 0) log(`lab: stopping ${containers.length} container(s)`);
    for (const p of found.filter((p) => p.launcher)) tryKill(p.pid, "SIGKILL");
    killContainers(containers.map((c) => c.pid));
    for (const pid of cgroupPids()) tryKill(pid, "SIGKILL");
    for (const started = Date.now(); Date.now() - started < 5000 && cgroupPids().some(alive);) sleepMs(100);
  }
}

/** What of the lab is still on the machine (empty when clean). */
export function leftovers(): string[] {
  const left: string[] = [];
  for (const c of labProcesses()) left.push(`${c.launcher ? "container launcher" : "container"} process ${c.pid} (${c.machine})`);
  for (const pid of [...processesWith("haproxy", `${LB_DIR}/`), ...anyHeatEndpointPids(), ...anyTelemetryAgentPids()])
    left.push(`daemon process ${pid}`);
  for (const line of readFileSync("/proc/mounts", "utf8").split("\n")) {
    const f = line.split(" ");
    if (f[1]?.startsWith(`${SERVERS_DIR}/`) || (f[0] === "overlay" && (f[3] ?? "").includes(`lowerdir=${ROOTFS_CACHE}/`)))
      left.push(`mount ${f[1]}`);
  }
  for (const l of labLoops()) left.push(`loop device ${l.dev} (${l.file})`);
  for (const ns of namespaces().filter((n) => n.startsWith(LAB_PREFIX))) left.push(`namespace ${ns}`);
  for (const link of labLinks()) left.push(`link ${link}`);
  if (tryRun("nft", ["list", "table", "inet", LAB_NFT_TABLE]).code === 0) left.push(`nft table inet ${LAB_NFT_TABLE}`);
  left.push(...cpuLeftovers());
  return left;
}
