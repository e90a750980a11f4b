/**
 * One lab per machine: its bridges, namespaces, nft table and 203.0.113.1 are
 * host-wide, and `clean` removes every lab's leftovers by name. A run that
 * takes the lab over for a while (a test suite, the bench) holds this lock so
 * that a second one waits instead of tearing the first one's servers down
 * mid-boot. Reentrant for the holder's children through the environment.
 */
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from "node:fs";
import * as path from "node:path";
import { alive, sleepMs } from "./sh";

const LOCK = process.env.FRACTALS_LAB_MACHINE_LOCK || "/run/fractals-lab/machine.lock";
const HELD = "FRACTALS_LAB_HELD";

function holder(): { pid: number; token: string; what: string } | null {
  try {
    return JSON.parse(readFileSync(LOCK, "utf8")) as { pid: number; token: string; what: string };
  } catch {
    return null;
  }
}

/** Waits for the machine's lab and holds it until `releaseMachineLab` (or this process's exit). */
export function acquireMachineLab(what: string, timeoutMs = 30 * 60_000, log: (line: string) => void = console.warn): void {
  if (process.env[HELD] && holder()?.token === process.env[HELD]) return;
  mkdirSync(path.dirname(LOCK), { recursive: true });
  const token = `${process.pid}-${Date.now()}`;
  let told = false;
  for (const started = Date.now(); ;) {
    try {
      const fd = openSync(LOCK, "wx");
      writeSync(fd, JSON.stringify({ pid: process.pid, token, what }));
      closeSync(fd);
      process.env[HELD] = token;
      process.once("exit", () => releaseMachineLab());
      return;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      const current = holder();
      if (current && !alive(current.pid))
        rmSync(LOCK, { force: true }); // its holder died
      else if (Date.now() - started > timeoutMs)
        throw new Error(`this machine's lab is held by ${current?.what ?? "?"} (pid ${current?.pid ?? "?"}) for too long`);
      else if (!told && current) {
        log(`lab: waiting for this machine's lab, held by ${current.what} (pid ${current.pid})`);
        told = true;
      }
      sleepMs(1000);
    }
  }
}

export function releaseMachineLab(): void {
  const token = process.env[HELD];
  if (token && holder()?.token === token) rmSync(LOCK, { force: true });
  delete process.env[HELD];
}

/** Runs `fn` with the machine's lab held (reentrant). */
export function withMachineLab<T>(what: string, fn: () => T): T {
  const mine = !(process.env[HELD] && holder()?.token === process.env[HELD]);
  acquireMachineLab(what);
  try {
    return fn();
  } finally {
    if (mine) releaseMachineLab();
  }
}
