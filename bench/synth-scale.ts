/**
 * The scale curve: one stack with N fixed workers, and N environments, each
 * synthesized by a fresh process through the app's runner (bench/synth-child.ts).
 *
 * `_s` is the child's wall time (what a user waits for, start-up included);
 * `_inproc_s` is buildApp() + synth() alone, the part that should grow linearly.
 */
import * as path from "node:path";
import { BenchCase, BenchContext } from "./lib/benchmark";
import { appRunnerFor, ROOT, runTimed, tempDir } from "./lib/child";
import type { ChildReport } from "./synth-child";

const CHILD = path.join(ROOT, "bench", "synth-child.ts");

async function synthChild(spec: { workers: number } | { envs: number }, prefix: string) {
  const run = await runTimed(appRunnerFor(path.relative(ROOT, CHILD), [JSON.stringify({ ...spec, outdir: tempDir(prefix) })]));
  const report = JSON.parse(run.stdout.trim().split("\n").pop() ?? "") as ChildReport;
  return { wall: run.seconds, ...report };
}

export const WORKER_COUNTS = [1, 10, 100, 1000];
export const ENVIRONMENT_COUNTS = [1, 5, 20];

export const synthWorkers: BenchCase[] = WORKER_COUNTS.map((n) => ({
  name: `synth_workers_${n}`,
  group: "synth_workers",
  figures: [`synth_workers_${n}_s`, `synth_workers_${n}_rss_mb`, `synth_workers_${n}_inproc_s`],
  slow: n >= 1000,
  warmup: n === WORKER_COUNTS[0],
  async sample(_ctx: BenchContext) {
    const r = await synthChild({ workers: n }, `workers-${n}`);
    return {
      [`synth_workers_${n}_s`]: r.wall,
      [`synth_workers_${n}_rss_mb`]: r.maxRssMb,
      [`synth_workers_${n}_inproc_s`]: r.inProcessSeconds,
    };
  },
}));

export const synthEnvironments: BenchCase[] = ENVIRONMENT_COUNTS.map((n) => ({
  name: `synth_envs_${n}`,
  group: "synth_envs",
  figures: [`synth_envs_${n}_s`, `synth_envs_${n}_rss_mb`, `synth_envs_${n}_inproc_s`],
  slow: n >= 20,
  async sample(_ctx: BenchContext) {
    const r = await synthChild({ envs: n }, `envs-${n}`);
    return { [`synth_envs_${n}_s`]: r.wall, [`synth_envs_${n}_rss_mb`]: r.maxRssMb, [`synth_envs_${n}_inproc_s`]: r.inProcessSeconds };
  },
}));
