/**
 * Child process of the scale benchmarks: builds and synthesizes one app in a
 * fresh Node process, then prints its own time and peak RSS as JSON.
 *
 * A separate process per sample, because peak RSS only means something for a
 * whole process, and because a warm parent would hide module-loading costs.
 *   usage: <runner> bench/synth-child.ts '{"workers":100,"outdir":"/tmp/x"}'
 *          <runner> bench/synth-child.ts '{"envs":20,"outdir":"/tmp/x"}'
 */
import { buildApp } from "../stacks/app";
import { devWithWorkers, manyEnvironments } from "./lib/scale-configs";

interface Spec {
  readonly workers?: number;
  readonly envs?: number;
  readonly outdir: string;
}

export interface ChildReport {
  /** Seconds from buildApp() to the end of synth(), i.e. without Node start-up and module loading. */
  readonly inProcessSeconds: number;
  readonly maxRssMb: number;
}

function main(): void {
  const spec = JSON.parse(process.argv[2] ?? "{}") as Spec;
  const inputs =
    spec.workers !== undefined ? [devWithWorkers(spec.workers)] : spec.envs !== undefined ? manyEnvironments(spec.envs) : undefined;
  if (!inputs || !spec.outdir) throw new Error(`expected {"workers":N|"envs":N,"outdir":DIR}, got ${process.argv[2]}`);
  const started = process.hrtime.bigint();
  buildApp(inputs, { outdir: spec.outdir }).synth();
  const report: ChildReport = {
    inProcessSeconds: Number(process.hrtime.bigint() - started) / 1e9,
    maxRssMb: process.resourceUsage().maxRSS / 1024, // maxRSS is in KiB
  };
  process.stdout.write(`${JSON.stringify(report)}\n`);
}

main();
