/** Every comment names the commit it describes, the run and the time (issue 14.1): an old comment must not pass for current. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { main } from "../../preview/cli";
import { renderFailure } from "../../preview/failure";
import { renderPlanPreview } from "../../preview/plan-preview";
import { buildPlan } from "./plan-builder";

const SHA = "0123456789abcdef0123456789abcdef01234567";
const provenance = {
  commit: SHA,
  commitUrl: `https://github.com/o/r/commit/${SHA}`,
  runUrl: "https://github.com/o/r/actions/runs/42",
  time: "2026-01-02T03:04:05.678Z",
};
const LINE = `<sub>Preview for commit [<code>0123456</code>](https://github.com/o/r/commit/${SHA}) · [workflow run](https://github.com/o/r/actions/runs/42) · 2026-01-02 03:04 UTC.`;

function run(...argv: string[]): { code: number; stdout: string; stderr: string } {
  let stdout = "";
  let stderr = "";
  const code = main(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { code, stdout, stderr };
}

describe("which commit, which run, when", () => {
  const tmp = mkdtempSync(join(tmpdir(), "preview-provenance-"));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  test("the plan comment names the short SHA (linked), the run and the time, right under the title", () => {
    const markdown = renderPlanPreview([{ stack: "dev", plan: buildPlan([]) }], { provenance });
    expect(markdown.split("\n\n").slice(1, 3)).toEqual(["## Terraform plan preview", expect.stringContaining(LINE)]);
    expect(markdown).toContain("A newer commit on this pull request means this preview is out of date");
  });

  test("the failure comment says the same", () => {
    expect(renderFailure({ step: "Install", provenance })).toContain(LINE);
  });

  test("the CLI takes them from flags, the time defaulting to now; a commit that is not a SHA is refused", () => {
    const plans = join(tmp, "plans");
    mkdirSync(plans);
    writeFileSync(join(plans, "dev.json"), JSON.stringify(buildPlan([])));
    const ok = run(
      "--plans",
      plans,
      "--commit",
      SHA,
      "--commit-url",
      provenance.commitUrl,
      "--run-url",
      provenance.runUrl,
      "--time",
      provenance.time,
    );
    expect(ok.stdout).toContain(LINE);
    const now = run("--plans", plans, "--commit", SHA);
    expect(now.stdout).toContain(`${new Date().toISOString().slice(0, 10)} `);
    const bad = run("--plans", plans, "--commit", "main; rm -rf /");
    expect({ code: bad.code, stderr: bad.stderr }).toEqual({
      code: 2,
      stderr: 'preview: --commit must be a hexadecimal commit id (7 to 64 characters), got "main; rm -rf /"\n',
    });
    const badUrl = run("--plans", plans, "--run-url", "javascript:alert(1)");
    expect(badUrl.code).toBe(2);
  });

  test("--run-url is also where the truncation note and failed stacks point", () => {
    const plans = join(tmp, "failed");
    mkdirSync(plans);
    writeFileSync(join(plans, "dev.error.txt"), "Error: boom\n");
    expect(run("--plans", plans, "--run-url", provenance.runUrl).stdout).toContain(`[Workflow log](${provenance.runUrl})`);
  });
});
