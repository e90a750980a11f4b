/**
 * The benchmark harness's own logic (no timing is asserted anywhere): how
 * figures are summarized and printed, which cases a filter selects, and that
 * the scale configs are environments the app accepts.
 */
import { loadEnvironments } from "../../config";
import { BenchCase, matches } from "../../bench/lib/benchmark";
import { formatSummary, median, summarizeSamples } from "../../bench/lib/figures";
import { devWithWorkers, manyEnvironments } from "../../bench/lib/scale-configs";
import { ourFormat } from "../../bench/sim-relay";

describe("figures", () => {
  test("median of odd and even counts, whatever the order", () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(() => median([])).toThrow();
  });

  test("samples become one summary per figure, unit read off the name", () => {
    const summaries = summarizeSamples([
      { synth_all_s: 3.4, synth_ratio: 1.2, synth_workers_1_rss_mb: 100.4 },
      { synth_all_s: 3.1, synth_ratio: 1.1, synth_workers_1_rss_mb: 99.6 },
      { synth_all_s: 3.21, synth_ratio: 1.3, synth_workers_1_rss_mb: 101 },
    ]).map(formatSummary);
    expect(summaries).toEqual([
      "synth_all_s: 3.21 s (min 3.10, max 3.40, n=3)",
      "synth_ratio: 1.20 x (min 1.10, max 1.30, n=3)",
      "synth_workers_1_rss_mb: 100 MiB (min 100, max 101, n=3)",
    ]);
  });

  test("the simulator's own summary line is put in the (min, max, n) form", () => {
    expect(ourFormat("sim_deploy_destroy_dev_s: 7.2 s (6.0 .. 7.6, 3 runs; terraform init + apply + destroy)")).toBe(
      "sim_deploy_destroy_dev_s: 7.2 s (min 6.0, max 7.6, n=3)",
    );
    expect(ourFormat("sim_other: 1 s")).toBe("sim_other: 1 s");
  });
});

describe("filters", () => {
  const workers1: BenchCase = { name: "synth_workers_1", group: "synth_workers", figures: ["synth_workers_1_s"], sample: async () => ({}) };
  const workers10: BenchCase = { ...workers1, name: "synth_workers_10", figures: ["synth_workers_10_s"] };

  test("a group, a case, a figure, or a prefix up to an underscore", () => {
    expect([workers1, workers10].filter((c) => matches(c, "synth_workers")).length).toBe(2);
    expect([workers1, workers10].filter((c) => matches(c, "synth_workers_1")).map((c) => c.name)).toEqual(["synth_workers_1"]);
    expect(matches(workers10, "synth_workers_10_s")).toBe(true);
    expect(matches(workers10, "synth")).toBe(true);
    expect(matches(workers10, "synth_env")).toBe(false);
  });
});

describe("scale configs", () => {
  test.each([1, 10, 100, 1000])("dev with %i fixed workers is a valid environment", (n) => {
    const [env] = loadEnvironments([devWithWorkers(n)]);
    expect(env.workers).toMatchObject({ mode: "fixed", count: n });
  });

  test("20 environments: distinct names, disjoint subnets, all accepted together", () => {
    const envs = loadEnvironments(manyEnvironments(20));
    expect(new Set(envs.map((e) => e.env)).size).toBe(20);
    expect(new Set(envs.map((e) => e.topology))).toEqual(new Set(["all-in-one", "tiered"]));
  });
});
