/**
 * Timed child processes. Every figure that includes Node's start-up (which is
 * what a user waits for) is measured from the parent around a fresh process.
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

export const ROOT = path.resolve(__dirname, "..", "..");

export interface RunResult {
  readonly seconds: number;
  /** CPU seconds (user + system) of the child and its descendants; steadier than wall time on a busy machine. */
  readonly cpuSeconds: number;
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface RunOptions {
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Report the time of a failing run instead of throwing (the test suite while others' work is red). */
  readonly allowFailure?: boolean;
}

/** Runs a shell command line (as cdktf runs its "app"), fails loudly on a non-zero exit. */
export function runTimed(command: string, options: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const cpuBefore = childrenCpuSeconds();
    const child = spawn(command, {
      shell: true,
      cwd: options.cwd ?? ROOT,
      env: { ...process.env, CHECKPOINT_DISABLE: "1", ...options.env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const cpuSeconds = childrenCpuSeconds() - cpuBefore;
      if (code === 0 || options.allowFailure) resolve({ seconds, cpuSeconds, exitCode: code ?? -1, stdout, stderr });
      else reject(new Error(`\`${command}\` (in ${options.cwd ?? ROOT}) exited ${code}:\n${tail(stderr || stdout)}`));
    });
  });
}

/**
 * CPU time of every child this process has reaped, from /proc/self/stat
 * (cutime + cstime, which include their own reaped descendants); NaN off Linux.
 */
export function childrenCpuSeconds(): number {
  try {
    const stat = fs.readFileSync("/proc/self/stat", "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // Fields 16 and 17 of proc(5), counted from "state" (field 3) here; clock ticks are 100 Hz on Linux.
    return (Number(fields[13]) + Number(fields[14])) / 100;
  } catch {
    return NaN;
  }
}

function tail(text: string, lines = 15): string {
  return text.trimEnd().split("\n").slice(-lines).join("\n");
}

const tempDirs: string[] = [];
process.once("exit", () => tempDirs.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

/** A fresh temporary directory, removed when the process exits. */
export function tempDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `fractals-bench-${prefix}-`));
  tempDirs.push(dir);
  return dir;
}

/**
 * The command cdktf.json runs as the app, with its entry point replaced, so
 * every synth benchmark goes through the same runner (ts-node, swc, tsx...)
 * as `npm run synth`.
 */
export function appRunnerFor(entry: string, args: readonly string[] = []): string {
  const app = readCdktfApp(ROOT);
  const main = /(^|\s)main\.ts(\s|$)/;
  if (!main.test(app)) throw new Error(`cdktf.json "app" (${app}) does not run main.ts; teach bench/lib/child.ts its runner`);
  return app.replace(main, `$1${[entry, ...args].map(shellQuote).join(" ")}$2`);
}

export function readCdktfApp(dir: string): string {
  return JSON.parse(fs.readFileSync(path.join(dir, "cdktf.json"), "utf8")).app as string;
}

export function shellQuote(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}
