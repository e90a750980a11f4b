/**
 * sim_deploy_destroy_dev_s / _prod_s come from the simulator's own benchmark,
 * bench/sim-deploy-destroy.ts (the sim engineer's); this runs it through the
 * app's runner and passes its figure lines on, so they print alongside ours.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { BenchCase } from "./lib/benchmark";
import { appRunnerFor, ROOT, runTimed } from "./lib/child";

const SIM_BENCH = path.join("bench", "sim-deploy-destroy.ts");
const FIGURES = ["sim_deploy_destroy_dev_s", "sim_deploy_destroy_prod_s"];

export const simDeployDestroy: BenchCase = {
  name: "sim_deploy_destroy",
  group: "sim",
  figures: FIGURES,
  slow: true,
  sample: () => Promise.reject(new Error("relayed, not sampled")),
  async summarize(ctx) {
    if (!fs.existsSync(path.join(ROOT, SIM_BENCH))) return FIGURES.map((f) => `${f}: n/a (${SIM_BENCH} does not exist yet)`);
    const args = ctx.quick ? ["--quick"] : [];
    const run = await runTimed(appRunnerFor(SIM_BENCH, args));
    const lines = run.stdout
      .split("\n")
      .filter((l) => /^\w+: /.test(l))
      .map(ourFormat);
    if (lines.length === 0) throw new Error(`${SIM_BENCH} printed no "name: value unit" line:\n${run.stdout}${run.stderr}`);
    return lines;
  },
};

/** `name: 3.2 s (2.9 .. 3.4, 3 runs; what)` as the simulator prints it, in our `(min, max, n)` form; other lines as they are. */
export function ourFormat(line: string): string {
  const m = /^(\w+): ([\d.]+) (\w+) \(([\d.]+) \.\. ([\d.]+), (\d+) runs?[;)]/.exec(line);
  return m ? `${m[1]}: ${m[2]} ${m[3]} (min ${m[4]}, max ${m[5]}, n=${m[6]})` : line;
}
