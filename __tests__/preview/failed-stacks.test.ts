/**
 * Failure is visible (issue 14.2): a stack whose plan failed shows `—`, its
 * masked and trimmed diagnostics and a link to the log; a run that failed
 * before planning replaces the comment with one that says so.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { main } from "../../preview/cli";
import { errorExcerpt, MAX_ERROR_CHARS } from "../../preview/diagnostics";
import { renderFailure } from "../../preview/failure";
import { readPlanDir } from "../../preview/load-inputs";
import { renderPlanPreview } from "../../preview/plan-preview";
import { PREVIEW_MARKER } from "../../preview/report";
import { Redactor } from "../../preview/sensitive-values";
import { buildPlan, tableCounts } from "./plan-builder";

/** What `terraform plan -no-color` prints for a bad reference, with a password in the quoted configuration. */
const DIAGNOSTICS = [
  "Initializing the backend...",
  "random_password.db: Refreshing state... [id=none]",
  "",
  "Error: Reference to undeclared input variable",
  "",
  "  on cdk.tf.json line 12, in output.broken:",
  '  12:       "value": "${var.undeclared}", "admin_pass": "hunter2-literal",',
  "",
  'An input variable with the name "undeclared" has not been declared.',
  "",
  "Error: Error creating OpenStack compute client: Get https://deployer:s3cr3t-pw@keystone.example.com:5000/v3: EOF",
].join("\n");

describe("a stack whose plan failed", () => {
  const tmp = mkdtempSync(join(tmpdir(), "preview-failed-"));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));
  const dir = join(tmp, "plans");
  mkdirSync(dir);
  writeFileSync(join(dir, "dev.json"), JSON.stringify(buildPlan([])));
  writeFileSync(join(dir, "staging.error.txt"), DIAGNOSTICS);
  const plans = readPlanDir(dir, { order: ["dev", "staging", "prod"] });
  const markdown = renderPlanPreview(plans, { fullOutputUrl: "https://github.com/o/r/actions/runs/9" });

  test("shows — instead of counts, never zeros that read as no changes", () => {
    expect(plans.map((p) => p.stack)).toEqual(["dev", "staging"]);
    expect(markdown).toContain("| staging ❌ | — | — | — | — |");
    expect(tableCounts(markdown)).toEqual({ dev: [0, 0, 0, 0], staging: [NaN, NaN, NaN, NaN] });
    expect(markdown).not.toContain("**staging**: no changes");
  });

  test("shows Terraform's diagnostics from the first error on, and links to the log", () => {
    expect(markdown).toContain(
      "**staging**: ❌ No plan: Terraform failed before planning. [Workflow log](https://github.com/o/r/actions/runs/9).",
    );
    expect(markdown).toContain("```text\nError: Reference to undeclared input variable\n");
    expect(markdown).toContain('An input variable with the name "undeclared" has not been declared.');
    expect(markdown).not.toContain("Refreshing state");
  });

  test("masks secrets in the diagnostics: secret-named values, credentials in URLs, values the plan marks sensitive", () => {
    expect(markdown).not.toMatch(/hunter2|s3cr3t/);
    expect(markdown).toContain('"admin_pass": (sensitive value)');
    expect(markdown).toContain("https://(sensitive value)@keystone.example.com:5000/v3");
    const plan = buildPlan([
      {
        address: "random_password.db",
        type: "random_password",
        actions: ["create"],
        after: { result: "plan-marked-secret" },
        afterSensitive: { result: true },
      },
    ]);
    const withPlan = renderPlanPreview([
      { stack: "dev", plan: { ...plan, errored: true }, error: "Error: value plan-marked-secret rejected" },
    ]);
    expect(withPlan).toContain("Error: value (sensitive value) rejected");
    expect(withPlan).not.toContain("plan-marked-secret");
  });

  test("trims long output to MAX_ERROR_CHARS, saying where the rest is", () => {
    const long = `Error: first\n${"x".repeat(100)}\n`.repeat(100);
    const excerpt = errorExcerpt(long, new Redactor());
    expect(excerpt.length).toBeLessThanOrEqual(MAX_ERROR_CHARS + 60);
    expect(excerpt.startsWith("Error: first")).toBe(true);
    expect(excerpt.endsWith("… (cut: the rest is in the workflow log)")).toBe(true);
    // Without an Error: line, the end of the output is what says why.
    const tail = errorExcerpt(`${"noise\n".repeat(1000)}the real reason\n`);
    expect(tail.endsWith("the real reason")).toBe(true);
    expect(tail.startsWith("(… the start is in the workflow log)")).toBe(true);
  });

  test("an error file beside a plan marks that plan failed too", () => {
    const both = join(tmp, "both");
    mkdirSync(both);
    writeFileSync(
      join(both, "prod.json"),
      JSON.stringify(
        buildPlan([
          { address: "openstack_networking_network_v2.n", type: "openstack_networking_network_v2", actions: ["create"], after: {} },
        ]),
      ),
    );
    writeFileSync(join(both, "prod.error.txt"), "Error: Instance cannot be destroyed\n");
    const md = renderPlanPreview(readPlanDir(both));
    expect(md).toContain("| prod ❌ | — | — | — | — |");
    expect(md).toContain("❌ The plan failed: what it lists is only what Terraform planned before the error.");
    expect(md).toContain("Error: Instance cannot be destroyed");
  });
});

describe("a run that failed before any plan (install, synth)", () => {
  const tmp = mkdtempSync(join(tmpdir(), "preview-synth-failed-"));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  test("renders a comment that says which step failed, with the end of its output, never an old preview", () => {
    const log = join(tmp, "synth.log");
    writeFileSync(log, "Generating Terraform code...\nError: invalid configuration:\n  - prod: access.adminCidrs.0: must be a CIDR\n");
    let stdout = "";
    let stderr = "";
    const labels = join(tmp, "labels.json");
    const code = main(
      [
        "--failed-step",
        "Synthesize the head commit",
        "--error-file",
        log,
        "--run-url",
        "https://github.com/o/r/actions/runs/9",
        "--labels-out",
        labels,
      ],
      {
        stdout: (t) => (stdout += t),
        stderr: (t) => (stderr += t),
      },
    );
    expect({ code, stderr }).toEqual({ code: 0, stderr: "" });
    expect(stdout.startsWith(`${PREVIEW_MARKER}\n`)).toBe(true);
    expect(stdout).toContain("> **No preview for this commit: the step “Synthesize the head commit” failed.**");
    expect(stdout).toContain("See [the workflow log](https://github.com/o/r/actions/runs/9).");
    expect(stdout).toContain("```text\nError: invalid configuration:\n  - prod: access.adminCidrs.0: must be a CIDR\n```");
    expect(stdout).not.toMatch(/^\| /m);
    expect(JSON.parse(require("node:fs").readFileSync(labels, "utf8")).labels).toEqual(["plan: failed"]);
  });

  test("a step that failed before writing its output still gets its comment", () => {
    const md = renderFailure({ step: "Install" });
    expect(md).toContain("the step “Install” failed");
    let stdout = "";
    const code = main(["--failed-step", "Install", "--error-file", join(tmp, "never-written.log")], {
      stdout: (t) => (stdout += t),
      stderr: () => undefined,
    });
    expect(code).toBe(0);
    expect(stdout).toContain("the step “Install” failed");
  });
});
