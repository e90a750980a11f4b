/**
 * The lab's host-side daemons (the Heat signal endpoint, the telemetry
 * agent), found by their command line so a leftover from a killed run is
 * found too. Each runs with the cloud file and the time scale on its command
 * line, and is restarted when either changes.
 */
import { spawn } from "node:child_process";
import { closeSync, mkdirSync, openSync, readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { HEAT_API_PORT } from "../openstack/catalogue";
import { LAB_DIR, labTimeScale, LOGS_DIR, SIGNALS_DIR, TELEMETRY_DIR } from "./paths";
import { alive, sleepMs, tryKill } from "./sh";

const HEAT_SCRIPT = path.join(__dirname, "heat-endpoint.ts");
const TELEMETRY_SCRIPT = path.join(__dirname, "telemetry-agent.ts");

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

export function ensureHeatEndpoint(host: string, cloudFile: string): void {
  const scale = String(labTimeScale());
  const args = [HEAT_SCRIPT, host, String(HEAT_API_PORT), SIGNALS_DIR, path.resolve(cloudFile), scale];
  if (processesWith(...args.map((a) => `${a}\0`)).length > 0) return;
  stopDaemons(anyHeatEndpointPids());
  startDaemon(args, path.join(LAB_DIR, "heat-endpoint.log"));
}

export const telemetryAgentPids = () => processesWith("telemetry-agent.ts", TELEMETRY_DIR);
export const anyTelemetryAgentPids = () => processesWith("sim/lab/telemetry-agent.ts");

/** Ceilometer, Gnocchi and Aodh for the lab's servers: runs while the cloud holds alarms. */
export function ensureTelemetryAgent(cloudFile: string): void {
  const args = [TELEMETRY_SCRIPT, path.resolve(cloudFile), TELEMETRY_DIR, String(labTimeScale())];
  if (processesWith(...args.map((a) => `${a}\0`)).length > 0) return;
  stopDaemons(anyTelemetryAgentPids());
  startDaemon(args, path.join(LAB_DIR, "telemetry-agent.log"));
}

function startDaemon(args: string[], logFile: string): void {
  mkdirSync(LOGS_DIR, { recursive: true });
  const out = openSync(logFile, "a");
  const child = spawn(process.execPath, ["-r", require.resolve("tsx/cjs"), ...args], { detached: true, stdio: ["ignore", out, out] });
  child.unref();
  closeSync(out);
}

export function stopDaemons(pids: number[]): void {
  for (const pid of pids) tryKill(pid, "SIGTERM");
  for (let i = 0; i < 30 && pids.some(alive); i++) sleepMs(100);
  for (const pid of pids.filter(alive)) tryKill(pid, "SIGKILL");
}
