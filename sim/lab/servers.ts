/**
 * Nova's compute agent: each server a systemd-nspawn container booting the
 * cached root filesystem through a per-server overlay (copy-on-write, so the
 * image stays pristine and a server's disk survives a restart of the lab but
 * not its replacement, as on a cloud).
 */
import { spawn } from "node:child_process";
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { prepareCpu, removeCpu } from "./cpu";
import { bridgeName, LAB_PREFIX, machineName, SERVERS_DIR } from "./paths";
import { metaData, networkConfig, userData } from "./seed";
import { alive, run, sleepMs, tryKill, tryRun } from "./sh";
import { LabServer } from "./topology";

export interface ServerDir {
  readonly dir: string;
  readonly merged: string;
  readonly console: string;
}

export function serverDir(id: string): ServerDir {
  const dir = path.join(SERVERS_DIR, id);
  return { dir, merged: path.join(dir, "merged"), console: path.join(dir, "console.log") };
}

export function isMounted(target: string): boolean {
  return readFileSync("/proc/mounts", "utf8")
    .split("\n")
    .some((l) => l.split(" ")[1] === target);
}

/** The nspawn process of a server, if it runs (found by its machine name on the command line, not trusted from a file alone). */
export function nspawnPid(serverId: string): number | null {
  return nspawnProcesses().find((p) => p.machine === machineName(serverId))?.pid ?? null;
}

/** Every systemd-nspawn process whose machine name is the lab's. */
export function nspawnProcesses(): { pid: number; machine: string }[] {
  return labProcesses().filter((p) => !p.launcher);
}

/**
 * Every process that is or is about to become a lab container's nspawn: with
 * cgroups, `startServer` runs `sh -c '<into its cgroups> exec systemd-nspawn ...'`,
 * and a run killed half-way can leave that shell between its start and its
 * exec, invisible to a search for nspawn alone (`launcher: true`).
 */
export function labProcesses(): { pid: number; machine: string; launcher: boolean }[] {
  const found: { pid: number; machine: string; launcher: boolean }[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    let argv: string[];
    try {
      argv = readFileSync(`/proc/${entry}/cmdline`, "utf8").split("\0");
    } catch {
      continue;
    }
    const launcher = argv[0] === "sh" && argv[1] === "-c" && (argv[2] ?? "").includes("exec systemd-nspawn");
    if (!launcher && !argv[0]?.endsWith("systemd-nspawn")) continue;
    const machine = argv[argv.indexOf("-M") + 1];
    if (argv.includes("-M") && machine?.startsWith(`${LAB_PREFIX}s`)) found.push({ pid: Number(entry), machine, launcher });
  }
  return found;
}

/** The container's PID 1 (systemd), a child of nspawn; null until it has started. */
export function containerPid(serverId: string): number | null {
  const parent = nspawnPid(serverId);
  if (parent === null) return null;
  const children = tryRun("pgrep", ["-P", String(parent), "-x", "systemd"])
    .stdout.trim()
    .split("\n")
    .filter(Boolean);
  return children.length > 0 ? Number(children[0]) : null;
}

export function waitForContainerPid(serverId: string, timeoutMs = 20_000): number {
  for (const started = Date.now(); Date.now() - started < timeoutMs; sleepMs(100)) {
    const pid = containerPid(serverId);
    if (pid !== null) return pid;
    if (nspawnPid(serverId) === null) break;
  }
  throw new Error(`server ${serverId}: the container did not start (see ${serverDir(serverId).console})`);
}

/** Mounts the overlay and writes the NoCloud seed; a server's first start only (a restart keeps its instance). */
export function prepareServer(server: LabServer, rootfs: string): ServerDir {
  const d = serverDir(server.id);
  for (const sub of ["upper", "work", "merged"]) mkdirSync(path.join(d.dir, sub), { recursive: true });
  if (!isMounted(d.merged)) {
    run("mount", [
      "-t",
      "overlay",
      "overlay",
      "-o",
      `lowerdir=${rootfs},upperdir=${path.join(d.dir, "upper")},workdir=${path.join(d.dir, "work")}`,
      d.merged,
    ]);
  }
  const seed = path.join(d.merged, "var/lib/cloud/seed/nocloud");
  mkdirSync(seed, { recursive: true });
  writeFileSync(path.join(seed, "meta-data"), metaData(server));
  writeFileSync(path.join(seed, "user-data"), userData(server));
  writeFileSync(path.join(seed, "network-config"), networkConfig(server));
  writeFileSync(path.join(d.dir, "server.json"), JSON.stringify({ id: server.id, name: server.name, fixedIp: server.fixedIp }, null, 1));
  return d;
}

/** Starts the container detached (setsid), its console into console.log. */
export function startServer(server: LabServer): void {
  const d = serverDir(server.id);
  const out = openSync(d.console, "a");
  // Into its cgroups (the flavor's vCPUs, and its CPU time) before nspawn starts, so every process of the container is inside.
  const cgroups = prepareCpu(server.id, server.vcpus);
  const nspawn = [
    "-D",
    d.merged,
    "-M",
    machineName(server.id),
    "-b",
    // The host's PID 1 is not systemd: no machined to register with, no scope unit to create.
    "--register=no",
    "--keep-unit",
    `--network-bridge=${bridgeName(server.networkId)}`,
    // No name servers in the lab; the image's resolv.conf stays as built.
    "--resolv-conf=off",
    "--timezone=off",
  ];
  const [cmd, args] = cgroups
    ? (["sh", ["-c", `${cgroups} exec systemd-nspawn "$@"`, "sh", ...nspawn]] as const)
    : (["systemd-nspawn", nspawn] as const);
  const child = spawn(cmd, [...args], { detached: true, stdio: ["ignore", out, out] });
  child.unref();
  closeSync(out);
  writeFileSync(path.join(d.dir, "nspawn.pid"), `${child.pid}\n`);
}

/**
 * Powers containers off hard, as Nova's delete destroys a VM: SIGKILL to the
 * container's PID 1 ends its whole PID namespace, then nspawn exits and takes
 * its veth. (SIGTERM to nspawn is a clean shutdown, but MariaDB and RabbitMQ
 * make it take 10-30 s, for a disk about to be thrown away.)
 */
export function stopServers(ids: string[], timeoutMs = 10_000): void {
  killContainers(
    ids.map((id) => nspawnPid(id)).filter((p): p is number => p !== null),
    timeoutMs,
  );
}

export function killContainers(nspawnPids: number[], timeoutMs = 10_000): void {
  for (const pid of nspawnPids) {
    for (const child of tryRun("pgrep", ["-P", String(pid)])
      .stdout.split("\n")
      .filter(Boolean))
      tryKill(Number(child), "SIGKILL");
  }
  for (const started = Date.now(); Date.now() - started < timeoutMs && nspawnPids.some(alive);) sleepMs(100);
  for (const pid of nspawnPids.filter(alive)) tryKill(pid, "SIGKILL");
  for (const started = Date.now(); Date.now() - started < 5000 && nspawnPids.some(alive);) sleepMs(100);
}

/** Stops a server and keeps it stopped across reconciles, as Nova's `server stop` (SHUTOFF) does. */
export function powerOff(id: string): void {
  writeFileSync(path.join(serverDir(id).dir, "shutoff"), `${new Date().toISOString()}\n`);
  stopServers([id]);
}

export function isShutOff(id: string): boolean {
  return existsSync(path.join(serverDir(id).dir, "shutoff"));
}

/** Lets the next reconcile start a stopped server again (`server start`); its disk is kept, so it reboots the same instance. */
export function powerOn(id: string): void {
  rmSync(path.join(serverDir(id).dir, "shutoff"), { force: true });
}

export function removeServerDir(id: string): void {
  const d = serverDir(id);
  if (isMounted(d.merged)) {
    if (tryRun("umount", [d.merged]).code !== 0) run("umount", ["-l", d.merged]);
  }
  rmSync(d.dir, { recursive: true, force: true });
  removeCpu(id);
}

/** Server ids with a directory in the lab (running or not). */
export function serverDirs(): string[] {
  return existsSync(SERVERS_DIR) ? readdirSync(SERVERS_DIR) : [];
}
