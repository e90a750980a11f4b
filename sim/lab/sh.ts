/** Running host commands for the lab: loud failures with the command and its stderr, or tolerant "try" runs for clean-up. */
import { spawnSync, SpawnSyncOptions } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";

export interface Ran {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a command; never throws on a non-zero exit. */
export function tryRun(cmd: string, args: string[], options: SpawnSyncOptions & { input?: string } = {}): Ran {
  const result = spawnSync(cmd, args, { encoding: "utf8", maxBuffer: 64 * 1024 * 1024, ...options });
  if (result.error) return { code: 127, stdout: "", stderr: `${cmd}: ${result.error.message}` };
  return { code: result.status ?? 1, stdout: String(result.stdout ?? ""), stderr: String(result.stderr ?? "") };
}

/** Runs a command and throws with its stderr when it fails: the lab must not go on half-built. */
export function run(cmd: string, args: string[], options: SpawnSyncOptions & { input?: string } = {}): string {
  const result = tryRun(cmd, args, options);
  if (result.code !== 0) {
    throw new Error(`${cmd} ${args.join(" ")} failed (exit ${result.code}): ${(result.stderr || result.stdout).trim().slice(-2000)}`);
  }
  return result.stdout;
}

/** True while the process exists and is not a zombie (a killed child not yet reaped is gone for our purposes). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return existsSync(`/proc/${pid}`) && !readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.startsWith("Z");
  } catch {
    return false;
  }
}

export function tryKill(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
}

/** Sleeps synchronously (the reconciler is synchronous like the simulator's handlers). */
export function sleepMs(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}
