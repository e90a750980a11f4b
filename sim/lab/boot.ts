/**
 * Waiting for servers to be ready, as a user of a real cloud would: cloud-init
 * finished in each, and for Heat members their wait condition signalled. A
 * failure is reported with the tail of the console and of cloud-init's
 * output, and both are kept under .sim/lab/logs/.
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { readSignals } from "./heat-endpoint";
import { LOGS_DIR, SIGNALS_DIR } from "./paths";
import { containerPid, serverDir } from "./servers";
import { sleepMs, tryRun } from "./sh";
import { LabServer } from "./topology";

export type BootState = "booting" | "running" | "done" | "error" | "stopped" | "signal-failure";

/** cloud-init's own status inside the container ("done", "running", "error", ...), or "stopped" when it does not run. */
export function cloudInitStatus(serverId: string): string {
  const pid = containerPid(serverId);
  if (pid === null) return "stopped";
  const out = tryRun("nsenter", ["-t", String(pid), "-a", "cloud-init", "status"], { timeout: 15_000 });
  const status = /status:\s*(\S+)/.exec(out.stdout)?.[1];
  return status ?? "booting";
}

/** Wait conditions of a Heat member: "pending", "success", or the FAILURE reason. */
export function signalState(server: LabServer): { state: "none" | "pending" | "success" | "failure"; reason?: string } {
  if (server.waitConditions.length === 0) return { state: "none" };
  for (const wc of server.waitConditions) {
    const signals = readSignals(SIGNALS_DIR, wc.stackId, wc.handle);
    const failure = signals.find((s) => s.status === "FAILURE");
    if (failure) return { state: "failure", reason: `${wc.stackName}/${wc.handle}: ${failure.reason} ${failure.data}`.trim() };
    if (signals.filter((s) => s.status === "SUCCESS").length < wc.count) return { state: "pending" };
  }
  return { state: "success" };
}

export interface BootReport {
  readonly ok: boolean;
  readonly seconds: number;
  readonly failures: { server: LabServer; why: string }[];
}

export function waitForBoot(servers: LabServer[], timeoutSeconds: number, log: (line: string) => void = console.log): BootReport {
  const started = Date.now();
  const done = new Set<string>();
  const failures: { server: LabServer; why: string }[] = [];
  let lastState = "";
  let lastLog = 0;
  while (done.size + failures.length < servers.length) {
    const elapsed = (Date.now() - started) / 1000;
    for (const server of servers) {
      if (done.has(server.id) || failures.some((f) => f.server.id === server.id)) continue;
      const status = cloudInitStatus(server.id);
      const signal = signalState(server);
      if (signal.state === "failure") failures.push({ server, why: `its wait condition was signalled FAILURE: ${signal.reason}` });
      else if (status === "error" || status === "degraded") failures.push({ server, why: `cloud-init ended in status: ${status}` });
      else if (status === "stopped") failures.push({ server, why: "its container is not running" });
      else if (status === "done" && signal.state !== "pending") done.add(server.id);
      else if (elapsed > timeoutSeconds) {
        failures.push({
          server,
          why: `not ready after ${timeoutSeconds} s (cloud-init: ${status}${signal.state === "pending" ? ", wait condition not signalled" : ""})`,
        });
      }
    }
    // A line when a server becomes ready or fails, and every 15 s meanwhile, naming what is still awaited.
    const state = `${done.size}/${failures.length}`;
    if (state !== lastState || Date.now() - lastLog > 15_000) {
      const waiting = servers.filter((s) => !done.has(s.id) && !failures.some((f) => f.server.id === s.id)).map((s) => s.name);
      log(
        `lab: ${done.size}/${servers.length} server(s) ready after ${elapsed.toFixed(0)} s` +
          (failures.length > 0 ? `, ${failures.length} failed` : "") +
          (waiting.length > 0 ? `; waiting for ${waiting.join(", ")}` : ""),
      );
      [lastState, lastLog] = [state, Date.now()];
    }
    if (done.size + failures.length < servers.length) sleepMs(1000);
  }
  for (const f of failures) reportFailure(f.server, f.why, log);
  return { ok: failures.length === 0, seconds: (Date.now() - started) / 1000, failures };
}

/** Keeps the server's console and cloud-init logs under .sim/lab/logs/<name>/ and prints their tails. */
export function reportFailure(server: LabServer, why: string, log: (line: string) => void): string {
  const d = serverDir(server.id);
  const keep = path.join(LOGS_DIR, server.name);
  mkdirSync(keep, { recursive: true });
  const sources: [string, string][] = [
    [d.console, "console.log"],
    [path.join(d.merged, "var/log/cloud-init-output.log"), "cloud-init-output.log"],
    [path.join(d.merged, "var/log/cloud-init.log"), "cloud-init.log"],
  ];
  log(`\nlab: server ${server.name} (${server.id}, ${server.fixedIp}) FAILED: ${why}`);
  for (const [source, name] of sources) {
    if (!existsSync(source)) continue;
    copyFileSync(source, path.join(keep, name));
    if (name === "cloud-init.log") continue;
    const tail = readFileSync(source, "utf8").split("\n").slice(-25).join("\n");
    log(`--- last lines of ${name} ---\n${tail}`);
  }
  log(`lab: logs kept in ${keep}`);
  return keep;
}
