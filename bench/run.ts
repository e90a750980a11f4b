/**
 * `npm run bench [-- FILTER... ] [--quick] [--runs=N] [--list]`
 *
 * Prints one line per figure, `name: median unit (min, max, n)`. A FILTER is a
 * group (`synth_workers`, `alternatives`), a case or figure name
 * (`synth_workers_1000`, `synth_all_s`) or a prefix of one up to a `_`
 * (`synth`, `runner`); cases marked on-request (the alternatives behind the choices
 * in bench/README.md) run only when named. `--quick` runs each case once at
 * the smaller sizes: a smoke test of the harness, not figures to quote.
 */
import * as os from "node:os";
import { alternatives } from "./alternatives";
import { lab } from "./lab";
import { BenchCase, BenchContext, matches, runCase } from "./lib/benchmark";
import { simDeployDestroy } from "./sim-relay";
import { simPlan } from "./sim-startup";
import { synthEnvironments, synthWorkers } from "./synth-scale";
import { synthRatio } from "./synth-ratio";
import { testSuite } from "./test-suite";

const CASES: BenchCase[] = [synthRatio, ...synthWorkers, ...synthEnvironments, testSuite, simDeployDestroy, ...alternatives, simPlan, lab];

function selected(c: BenchCase, filters: readonly string[], quick: boolean): boolean {
  if (filters.length > 0) return filters.some((f) => matches(c, f));
  return !c.onlyOnRequest && !(quick && c.slow);
}

async function main(argv: string[]): Promise<number> {
  const quick = argv.includes("--quick");
  const runsFlag = argv.find((a) => a.startsWith("--runs="));
  const runs = runsFlag ? Number(runsFlag.slice("--runs=".length)) : quick ? 1 : 3;
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs must be a positive integer, got ${runsFlag}`);
  const filters = argv.filter((a) => !a.startsWith("--"));
  const cases = CASES.filter((c) => selected(c, filters, quick));
  if (argv.includes("--list")) {
    for (const c of CASES) console.log(`${c.group} / ${c.name}${c.onlyOnRequest ? " (on request)" : c.slow ? " (slow)" : ""}: ${c.figures.join(", ")}`);
    return 0;
  }
  if (cases.length === 0) {
    console.error(`no benchmark matches ${filters.join(" ")}; try --list`);
    return 2;
  }
  // The load average says how far to trust the figures: the machine is shared.
  console.error(`# ${cases.length} case(s), ${runs} run(s) each${quick ? ", quick" : ""}; ${os.cpus().length} cores, load ${os.loadavg().map((l) => l.toFixed(1)).join(" ")}`);
  const ctx: BenchContext = { runs, quick };
  for (const c of cases) {
    for (const line of await runCase(c, ctx)) console.log(line);
  }
  console.error(`# done; load ${os.loadavg().map((l) => l.toFixed(1)).join(" ")}`);
  return 0;
}

main(process.argv.slice(2)).then((code) => process.exit(code), (err: unknown) => {
  console.error(`bench failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
