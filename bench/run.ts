/**
 * `npm run bench [-- FILTER... ] [--quick] [--runs=N] [--list] [--help]`
 *
 * Prints one line per figure, `name: median unit (min, max, n)`. A FILTER is a
 * group (`synth_workers`, `alternatives`), a case or figure name
 * (`synth_workers_1000`, `synth_all_s`) or a prefix of one up to a `_`
 * (`synth`, `runner`); cases marked on-request (the alternatives behind the choices
 * in bench/README.md) run only when named. `--quick` runs each case once at
 * the smaller sizes: a smoke test of the harness, not figures to quote.
 */
import * as os from "node:os";
import { parseCommandLine, runCommand, UsageError } from "../cli-args";
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

const USAGE = `Usage: npm run bench [-- FILTER...] [--quick] [--runs=N] [--list]
  Prints one line per figure: name: median unit (min, max, n). Figures and choices: bench/README.md.
  FILTER     a group (synth_workers, alternatives), a case or figure name (synth_workers_1000, synth_all_s)
             or a prefix up to an underscore (synth, runner); on-request cases run only when named
  --quick    each case once, at the smaller sizes, the slow cases left out (a smoke test, not figures to quote)
  --runs=N   samples per case (default 3; 1 with --quick)
  --list     every case and its figures; runs nothing
  --help     this text`;

async function main(argv: string[]): Promise<number> {
  const { values, positionals: filters } = parseCommandLine(
    argv,
    { quick: { type: "boolean" }, runs: { type: "string" }, list: { type: "boolean" } },
    true,
  );
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const quick = values.quick === true;
  const runs = values.runs !== undefined ? Number(values.runs) : quick ? 1 : 3;
  if (!Number.isInteger(runs) || runs < 1) throw new UsageError(`--runs must be a positive integer, got ${JSON.stringify(values.runs)}`);
  const cases = CASES.filter((c) => selected(c, filters, quick));
  if (values.list) {
    for (const c of CASES)
      console.log(`${c.group} / ${c.name}${c.onlyOnRequest ? " (on request)" : c.slow ? " (slow)" : ""}: ${c.figures.join(", ")}`);
    return 0;
  }
  if (cases.length === 0) {
    console.error(`no benchmark matches ${filters.join(" ")}; try --list`);
    return 2;
  }
  // The load average says how far to trust the figures: the machine is shared.
  console.error(
    `# ${cases.length} case(s), ${runs} run(s) each${quick ? ", quick" : ""}; ${os.cpus().length} cores, load ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(" ")}`,
  );
  const ctx: BenchContext = { runs, quick };
  for (const c of cases) {
    for (const line of await runCase(c, ctx)) console.log(line);
  }
  console.error(
    `# done; load ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(" ")}`,
  );
  return 0;
}

if (require.main === module) runCommand("bench", () => main(process.argv.slice(2)), { exit: true });
