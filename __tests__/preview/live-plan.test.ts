/**
 * The renderer on a plan of the stacks as they are now, made by real
 * Terraform against the simulator at test time (the recorded fixtures may
 * lag behind the stacks). Needs `terraform` on PATH; skipped without it.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ENVIRONMENTS } from "../../config";
import { readPlanDir } from "../../preview/load-inputs";
import { renderPlanPreview } from "../../preview/plan-preview";
import { DEFAULT_MAX_CHARS } from "../../preview/report";
import { recordScenario } from "../../preview/fixtures/record";
import { installSimulator } from "../../sim/cli/install";
import { countsFromPlan, tableCounts } from "./plan-builder";

const hasTerraform = spawnSync("terraform", ["version"]).status === 0;

(hasTerraform ? describe : describe.skip)("live plan from the simulator (terraform on PATH)", () => {
  const work = mkdtempSync(join(tmpdir(), "preview-live-"));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  test("a fresh deploy of dev renders with counts matching its resource_changes", () => {
    const simulator = installSimulator(join(work, "sim"));
    const [dev] = ENVIRONMENTS;
    recordScenario({ name: "live", head: [dev] }, simulator.env, join(work, "plans"));
    const plans = readPlanDir(join(work, "plans"));
    const markdown = renderPlanPreview(plans);
    const counts = countsFromPlan(plans[0].plan!);
    expect(counts[0]).toBeGreaterThan(10);
    expect(tableCounts(markdown)).toEqual({ dev: counts });
    expect(markdown.length).toBeLessThanOrEqual(DEFAULT_MAX_CHARS);
  }, 180_000);
});
