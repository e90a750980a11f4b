/**
 * A flavor's vCPUs, as far as cgroups v1 on this machine allow: each server
 * runs in its own `cpu` and `cpuacct` cgroup (`fractals-lab/<machine>`), set
 * up before nspawn starts so the whole container is inside from its first
 * process. The `cpu` cgroup caps it at its vCPUs (cfs quota = vCPUs × period,
 * shares 1024 × vCPUs among the lab's servers), and the lab's parent group
 * weighs 64 times a host session (the kernel schedules each session as a
 * group), so that on this shared 2-core machine a busy server gets its
 * vCPUs' worth while there are cores rather than one session's share;
 * `cpuacct.usage` is its cumulative CPU time in ns, which is what Ceilometer
 * reads from libvirt (cpu_time).
 * Neither controller exists on every host: without them a server runs
 * unconfined and the telemetry agent sums /proc/<pid>/stat instead.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { machineName } from "./paths";

const ROOT = "/sys/fs/cgroup";
const PARENT = "fractals-lab";
const PERIOD_US = 100_000;
const SHARES_PER_VCPU = 1024;
/** The lab's servers together against each of the host's sessions (1024 each). */
const LAB_SHARES = 65536;

const dir = (controller: string, machine: string) => path.join(ROOT, controller, PARENT, machine);

export function cgroupsAvailable(): boolean {
  return existsSync(path.join(ROOT, "cpu", "cpu.cfs_quota_us")) && existsSync(path.join(ROOT, "cpuacct", "cpuacct.usage"));
}

/**
 * Creates the server's cgroups and returns the shell prefix that moves a
 * process into them before it execs nspawn (`sh -c '<prefix> exec "$@"'`), or
 * null where cgroups cannot be used.
 */
export function prepareCpu(serverId: string, vcpus: number): string | null {
  if (!cgroupsAvailable()) return null;
  const machine = machineName(serverId);
  try {
    for (const controller of ["cpu", "cpuacct"]) mkdirSync(dir(controller, machine), { recursive: true });
    writeFileSync(path.join(ROOT, "cpu", PARENT, "cpu.shares"), String(LAB_SHARES));
    writeFileSync(path.join(dir("cpu", machine), "cpu.cfs_period_us"), String(PERIOD_US));
    writeFileSync(path.join(dir("cpu", machine), "cpu.cfs_quota_us"), String(Math.max(1, vcpus) * PERIOD_US));
    writeFileSync(path.join(dir("cpu", machine), "cpu.shares"), String(Math.max(1, vcpus) * SHARES_PER_VCPU));
  } catch {
    return null;
  }
  return ["cpu", "cpuacct"].map((c) => `echo $$ > ${path.join(dir(c, machine), "cgroup.procs")} &&`).join(" ");
}

/** The server's CPU time so far in ns (cpuacct.usage), or null without its cgroup. */
export function cpuUsageNs(serverId: string): number | null {
  try {
    return Number(readFileSync(path.join(dir("cpuacct", machineName(serverId)), "cpuacct.usage"), "utf8").trim());
  } catch {
    return null;
  }
}

/** Removes a server's cgroups (once its processes are gone); all the lab's when no id is given. */
export function removeCpu(serverId?: string): void {
  for (const controller of ["cpu", "cpuacct"]) {
    const parent = path.join(ROOT, controller, PARENT);
    if (!existsSync(parent)) continue;
    const machines = serverId
      ? [machineName(serverId)]
      : readdirSync(parent).filter((e) => existsSync(path.join(parent, e, "cgroup.procs")));
    for (const m of machines) {
      try {
        rmdirSync(path.join(parent, m));
      } catch {
        // still has processes, or gone
      }
    }
    if (!serverId) {
      try {
        rmdirSync(parent);
      } catch {
        // not empty
      }
    }
  }
}

/** Every process in any of the lab's cgroups: containers, their nspawn, and a launcher between its move into them and its exec of nspawn. */
export function cgroupPids(): number[] {
  const pids = new Set<number>();
  for (const controller of ["cpu", "cpuacct"]) {
    const parent = path.join(ROOT, controller, PARENT);
    if (!existsSync(parent)) continue;
    for (const e of readdirSync(parent)) for (const pid of procsOf(path.join(parent, e))) pids.add(pid);
  }
  return [...pids];
}

/** The processes in one cgroup directory (none when it is not a cgroup, or went meanwhile). */
function procsOf(cgroup: string): number[] {
  try {
    return readFileSync(path.join(cgroup, "cgroup.procs"), "utf8").split("\n").filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/**
 * The lab's cgroups still on the machine, with how many processes each holds: a cgroup cannot be
 * removed while it holds any, so this also covers every process left in one (a launcher not yet nspawn).
 */
export function cpuLeftovers(): string[] {
  const left: string[] = [];
  for (const controller of ["cpu", "cpuacct"]) {
    const parent = path.join(ROOT, controller, PARENT);
    if (!existsSync(parent)) continue;
    for (const e of readdirSync(parent)) {
      if (!existsSync(path.join(parent, e, "cgroup.procs"))) continue;
      const count = procsOf(path.join(parent, e)).length;
      left.push(`cgroup ${controller}:/${PARENT}/${e}${count > 0 ? ` (${count} process(es))` : ""}`);
    }
  }
  return left;
}
