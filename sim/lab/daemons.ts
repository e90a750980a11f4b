/** The lab's host-side daemons (the Heat signal endpoint), found by their command line so a leftover from a killed run is found too. */
import { spawn } from "node:child_process";
import { closeSync, mkdirSync, openSync, readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { HEAT_API_PORT } from "../openstack/catalogue";
import { LAB_DIR, LOGS_DIR, SIGNALS_DIR } from "./paths";
import { alive, sleepMs, tryKill } from "./sh";

const HEAT_SCRIPT = path.join(__dirname, "heat-endpoint.ts");

/** Processes whose command line contains every one of `parts`. */
export function processesWith(...parts: string[]): number[] {
  const found: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, "utf8");
      if (parts.every((p) => cmdline.includes(p))) found.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

export const heatEndpointPids = () => processesWith("heat-endpoint.ts", SIGNALS_DIR);
/** Any lab's Heat endpoint (clean: another FRACTALS_LAB_DIR's daemon holds the same address). */
export const anyHeatEndpointPids = () => processesWith("sim/lab/heat-endpoint.ts");

export function ensureHeatEndpoint(host: string): void {
  if (heatEndpointPids().length > 0) return;
  for (const pid of anyHeatEndpointPids()) tryKill(pid, "SIGTERM");
  mkdirSync(LOGS_DIR, { recursive: true });
  const out = openSync(path.join(LAB_DIR, "heat-endpoint.log"), "a");
  const child = spawn(process.execPath, ["-r", require.resolve("tsx/cjs"), HEAT_SCRIPT, host, String(HEAT_API_PORT), SIGNALS_DIR],
    { detached: true, stdio: ["ignore", out, out] });
  child.unref();
  closeSync(out);
}

export function stopDaemons(pids: number[]): void {
  for (const pid of pids) tryKill(pid, "SIGTERM");
  for (let i = 0; i < 30 && pids.some(alive); i++) sleepMs(100);
  for (const pid of pids.filter(alive)) tryKill(pid, "SIGKILL");
}
