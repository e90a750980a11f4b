/**
 * The environments as a user runs them: the real `npm run sim:deploy -- <env>
 * --boot` (terraform against the simulator, then the lab), the app checked
 * from the host with the workload's own CLI.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { SIM_WORK_DIR, REPO_ROOT } from "../../sim/cli/paths";
import { cleanLab } from "../../sim/lab/clean";
import { sleepMs } from "../../sim/lab/sh";

export interface CommandRun {
  readonly code: number;
  readonly output: string;
  readonly seconds: number;
}

/** `npm run sim:<command> -- <env> [...args]`, its output kept for the failure message. */
/**
 * A suite's fresh start: nothing of the lab running, and an empty simulated cloud and state in
 * the suites' own directory, so an environment left by an earlier failed suite neither boots
 * beside this one nor stays after its destroy.
 */
export function freshLab(): void {
  cleanLab({ log: () => undefined });
  for (const entry of ["cloud.json", "state", "outputs"]) rmSync(path.join(SIM_WORK_DIR, entry), { recursive: true, force: true });
}

/** A suite's start: a fresh lab, then `sim:deploy -- <env> --boot`, which must succeed; returns its app_url. */
export function deployBooted(env: string): string {
  freshLab();
  const run = simCommand("deploy", env, "--boot");
  expectSuccess(run, `npm run sim:deploy -- ${env} --boot`);
  console.log(`${env}: deploy --boot took ${run.seconds.toFixed(0)} s`);
  return String(outputs(env).app_url);
}

export function simCommand(command: "deploy" | "destroy", env: string, ...args: string[]): CommandRun {
  return simCommandWith({}, command, env, ...args);
}

export function simCommandWith(vars: NodeJS.ProcessEnv, command: "deploy" | "destroy", env: string, ...args: string[]): CommandRun {
  const started = Date.now();
  const r = spawnSync("npm", ["run", "--silent", `sim:${command}`, "--", env, ...args], {
    cwd: REPO_ROOT,
    encoding: "utf8",
    env: { ...process.env, FORCE_COLOR: "0", NO_COLOR: "1", ...vars },
    maxBuffer: 64 * 1024 * 1024,
  });
  return { code: r.status ?? 1, output: `${r.stdout}${r.stderr}`, seconds: (Date.now() - started) / 1000 };
}

/** Fails with the command's last lines, which hold the lab's failure report. */
export function expectSuccess(run: CommandRun, what: string): void {
  if (run.code !== 0) throw new Error(`${what} exited ${run.code}:\n${run.output.split("\n").slice(-80).join("\n")}`);
}

export function outputs(env: string): Record<string, unknown> {
  return (JSON.parse(readFileSync(path.join(SIM_WORK_DIR, "outputs", `${env}.json`), "utf8")) as Record<string, Record<string, unknown>>)[
    env
  ];
}

function fractalsCli(url: string, ...args: string[]): string {
  const r = spawnSync("/usr/bin/python3", [path.join(REPO_ROOT, "workload/bin/fractals"), "--url", url, ...args], {
    encoding: "utf8",
    env: { ...process.env, PYTHONPATH: path.join(REPO_ROOT, "workload") },
    timeout: 120_000,
  });
  if (r.status !== 0) throw new Error(`fractals ${args.join(" ")} exited ${r.status}: ${r.stderr}${r.stdout}`);
  return r.stdout;
}

interface Fractal {
  readonly uuid: string;
  readonly checksum: string | null;
  readonly generated_by: string | null;
}

function getJson<T>(url: string): T {
  const r = spawnSync("curl", ["-s", "-f", "-m", "10", url], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`GET ${url}: curl exited ${r.status}`);
  return JSON.parse(r.stdout) as T;
}

/**
 * `fractals create --tasks n` from the host, then waits until the workers
 * rendered every one; returns them with the sha256 of each downloaded image.
 */
export function createAndRender(appUrl: string, tasks: number, timeoutS: number): { fractal: Fractal; sha256: string }[] {
  const uuids = [...fractalsCli(appUrl, "create", "--tasks", String(tasks)).matchAll(/created ([0-9a-f-]{36})/g)].map((m) => m[1]);
  expect(uuids).toHaveLength(tasks);
  const started = Date.now();
  let fractals: Fractal[] = [];
  for (;;) {
    fractals = uuids.map((u) => getJson<Fractal>(`${appUrl.replace(/\/$/, "")}/v1/fractal/${u}`));
    if (fractals.every((f) => f.checksum)) break;
    if (Date.now() - started > timeoutS * 1000) {
      throw new Error(`only ${fractals.filter((f) => f.checksum).length} of ${tasks} fractals rendered within ${timeoutS} s`);
    }
    sleepMs(2000);
  }
  const dir = mkdtempSync(path.join(tmpdir(), "fractals-images-"));
  return fractals.map((fractal) => {
    const file = path.join(dir, `${fractal.uuid}.png`);
    fractalsCli(appUrl, "get-image", fractal.uuid, "-o", file);
    return { fractal, sha256: createHash("sha256").update(readFileSync(file)).digest("hex") };
  });
}
