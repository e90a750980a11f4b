/**
 * synth_all_s: `cdktf synth` of the real app (every environment), the way
 * `npm run synth` runs it; synth_floor_s: the same CLI and runner on a trivial
 * app (one stack, one output, bench/fixtures/trivial-app). Their ratio is what
 * our code costs on top of what any cdktf app costs.
 */
import * as path from "node:path";
import { BenchCase } from "./lib/benchmark";
import { readCdktfApp, ROOT, RunResult, runTimed, tempDir } from "./lib/child";

const FIXTURE = path.join(ROOT, "bench", "fixtures", "trivial-app");
const CDKTF = path.join(ROOT, "node_modules", ".bin", "cdktf");

/**
 * One `cdktf synth` of the trivial app: the floor any cdktf app pays, which
 * synth_ratio and test_floor_ratio (bench/test-suite.ts) divide by. Checks
 * that the fixture runs the same "app" command as the real cdktf.json.
 */
export function synthFloor(): Promise<RunResult> {
  const app = readCdktfApp(ROOT);
  if (readCdktfApp(FIXTURE) !== app) {
    throw new Error(
      `bench/fixtures/trivial-app/cdktf.json must run the same "app" as cdktf.json (${app}), or the floor is not the same way`,
    );
  }
  return runTimed(`${CDKTF} synth --output ${tempDir("floor")}`, { cwd: FIXTURE });
}

export const synthRatio: BenchCase = {
  name: "synth_ratio",
  group: "synth_ratio",
  figures: ["synth_all_s", "synth_floor_s", "synth_ratio", "synth_all_cpu_s", "synth_floor_cpu_s", "synth_cpu_ratio"],
  warmup: true,
  async sample() {
    // Same CLI invocation as `npm run synth` (CHECKPOINT_DISABLE=1 cdktf synth), minus npm's own start-up,
    // into temporary directories so the benchmark never touches cdktf.out.
    const floor = await synthFloor();
    const all = await runTimed(`${CDKTF} synth --output ${tempDir("all")}`, { cwd: ROOT });
    return {
      synth_all_s: all.seconds,
      synth_floor_s: floor.seconds,
      synth_ratio: all.seconds / floor.seconds,
      // CPU seconds as well: on a shared machine they move far less than wall time.
      synth_all_cpu_s: all.cpuSeconds,
      synth_floor_cpu_s: floor.cpuSeconds,
      synth_cpu_ratio: all.cpuSeconds / floor.cpuSeconds,
    };
  },
};
