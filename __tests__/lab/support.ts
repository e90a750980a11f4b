/**
 * Shared by the lab suites: skip loudly where the machine cannot run the lab,
 * an isolated simulator directory, and helpers to look at the host.
 */
import { spawnSync } from "node:child_process";
import { execInServer } from "../../sim/lab/exec";
import { acquireMachineLab, releaseMachineLab } from "../../sim/lab/machine-lock";
import { labUnavailable } from "../../sim/lab/requirements";
import { tryRun } from "../../sim/lab/sh";

export const LAB_PROBLEM = labUnavailable();

/** `describe` where the lab can run; elsewhere the suite is skipped and says why, loudly. */
export function describeLab(name: string, fn: () => void): void {
  if (!LAB_PROBLEM) {
    describe(name, () => {
      // The suite owns this machine's lab while it runs; another suite (or a bench) waits rather than clean it away.
      beforeAll(() => acquireMachineLab(`lab test suite "${name}"`));
      afterAll(() => releaseMachineLab());
      fn();
    });
    return;
  }
  console.warn(`\n*** SKIPPED: "${name}": ${LAB_PROBLEM}. These lab tests did NOT run. ***\n`);
  describe.skip(name, fn);
}

/** `describe` that also needs terraform (the suites that run the real sim:deploy). */
export function describeLabWithTerraform(name: string, fn: () => void): void {
  const terraform = spawnSync("terraform", ["version"], { env: { ...process.env, CHECKPOINT_DISABLE: "1" } }).status === 0;
  if (!terraform && !LAB_PROBLEM) {
    console.warn(`\n*** SKIPPED: "${name}": the terraform CLI is not on PATH; sim:deploy needs it. These lab tests did NOT run. ***\n`);
    describe.skip(name, fn);
    return;
  }
  describeLab(name, fn);
}

/** Runs a shell command in a server; returns exit code and output. */
export function inServer(serverId: string, script: string, timeoutMs = 60_000): { code: number; out: string } {
  const r = execInServer(serverId, ["sh", "-c", script], { capture: true, timeoutMs });
  return { code: r.code, out: `${r.stdout}${r.stderr}` };
}

/** HTTP from the host: status code and body ("" and 0 when nothing answered). */
export function httpFromHost(url: string, timeoutS = 5): { status: number; body: string } {
  const r = tryRun("curl", ["-s", "-m", String(timeoutS), "-w", "\n%{http_code}", url]);
  const lines = r.stdout.split("\n");
  return { status: Number(lines.pop() ?? 0), body: lines.join("\n") };
}

/** What a clean machine must not show, checked with the tools an operator would use. */
export function hostLeftovers(): string[] {
  const left: string[] = [];
  const links = tryRun("ip", ["-o", "link"])
    .stdout.split("\n")
    .filter((l) => /: (fl|vb-fl)/.test(l));
  left.push(...links.map((l) => `ip link: ${l.split(":")[1].trim()}`));
  left.push(
    ...tryRun("ip", ["netns", "list"])
      .stdout.split("\n")
      .filter((l) => l.startsWith("fl"))
      .map((l) => `ip netns: ${l}`),
  );
  left.push(
    ...tryRun("losetup", ["-a"])
      .stdout.split("\n")
      .filter((l) => l.includes("/lab/volumes/"))
      .map((l) => `losetup: ${l}`),
  );
  left.push(
    ...tryRun("mount", [])
      .stdout.split("\n")
      .filter((l) => l.includes("/lab/servers/") || l.includes("fractals-lab/rootfs"))
      .map((l) => `mount: ${l}`),
  );
  left.push(
    ...tryRun("nft", ["list", "tables"])
      .stdout.split("\n")
      .filter((l) => l.includes("fractals_lab"))
      .map((l) => `nft: ${l}`),
  );
  const procs = tryRun("ps", ["-eo", "pid,args"])
    .stdout.split("\n")
    .filter((l) => /systemd-nspawn .*-M fls|haproxy -f .*\/lab\/lb\/|sim\/lab\/(heat-endpoint|telemetry-agent)/.test(l));
  left.push(...procs.map((l) => `process: ${l.trim()}`));
  return left;
}
