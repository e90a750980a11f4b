/**
 * The plan-preview workflow's own scripts, run here: the shell steps that
 * plan every stack and render the comment (real Terraform against the
 * simulator, standing in for OpenStack credentials), and the github-script
 * step that creates or updates the comment (against a fake GitHub API).
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { ENVIRONMENTS } from "../../config";
import { readPlanDir } from "../../preview/load-inputs";
import { DEFAULT_MAX_CHARS, PREVIEW_MARKER } from "../../preview/report";
import { installSimulator } from "../../sim/install";
import { buildApp } from "../../stacks/app";
import { countsFromPlan, tableCounts } from "./plan-builder";

const ROOT = join(__dirname, "..", "..");

interface Step {
  readonly name?: string;
  readonly run?: string;
  readonly with?: { readonly script?: string };
}
const steps: Step[] = parse(readFileSync(join(ROOT, ".github/workflows/plan-preview.yml"), "utf8")).jobs.preview.steps;
const step = (name: string): Step => {
  const found = steps.find((s) => s.name === name);
  if (!found) throw new Error(`no step named ${JSON.stringify(name)} in plan-preview.yml`);
  return found;
};

const hasTerraform = spawnSync("terraform", ["version"]).status === 0;

(hasTerraform ? describe : describe.skip)("plan-preview.yml shell steps (terraform on PATH)", () => {
  const work = mkdtempSync(join(tmpdir(), "preview-workflow-"));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  test("plan every stack, then render one comment whose table matches the plans; a stack that fails to plan shows as failed", () => {
    const checkout = join(work, "checkout");
    const runnerTemp = join(work, "runner");
    const outputFile = join(work, "github-output");
    mkdirSync(runnerTemp, { recursive: true });
    mkdirSync(checkout, { recursive: true });
    writeFileSync(outputFile, "");
    buildApp(ENVIRONMENTS, { outdir: join(checkout, "cdktf.out"), stateDir: checkout }).synth();
    // Staging refers to an undeclared variable: Terraform fails before writing a plan.
    const stagingFile = join(checkout, "cdktf.out", "stacks", "staging", "cdk.tf.json");
    const staging = JSON.parse(readFileSync(stagingFile, "utf8"));
    writeFileSync(stagingFile, JSON.stringify({ ...staging, output: { ...staging.output, broken: { value: "${var.undeclared}" } } }));
    const simulator = installSimulator(join(work, "sim"));
    const env = {
      ...process.env,
      ...simulator.env,
      FRACTALS_SIM_STATE: join(work, "cloud.json"),
      RUNNER_TEMP: runnerTemp,
      GITHUB_OUTPUT: outputFile,
      RUN_URL: "https://github.example/runs/1",
      TF_IN_AUTOMATION: "1",
      TF_INPUT: "0",
    };
    // GitHub runs `run:` scripts as `bash -e {0}`.
    const bash = (script: string, cwd: string) => spawnSync("bash", ["-e", "-c", script], { cwd, env: { ...env, ...outputs() }, encoding: "utf8" });
    const outputs = () =>
      Object.fromEntries(
        readFileSync(outputFile, "utf8")
          .split("\n")
          .filter((line) => line.includes("="))
          .map((line) => [line.slice(0, line.indexOf("=")).toUpperCase(), line.slice(line.indexOf("=") + 1)]),
      );

    const plan = bash(step("Plan every stack").run!, checkout);
    expect({ status: plan.status, stderr: plan.stderr }).toEqual({ status: 0, stderr: expect.any(String) });
    expect(outputs()).toEqual({ STACKS: "dev,prod,staging", FAILED: " staging" });

    const render = bash(step("Render the plan preview").run!, ROOT);
    expect(render.status).toBe(0);
    const comment = readFileSync(join(runnerTemp, "preview.md"), "utf8");
    expect(comment.startsWith(PREVIEW_MARKER)).toBe(true);
    expect(comment.length).toBeLessThanOrEqual(DEFAULT_MAX_CHARS);
    const plans = readPlanDir(join(runnerTemp, "plans"));
    expect(plans.map((p) => p.stack).sort()).toEqual(["dev", "prod"]);
    expect(tableCounts(comment)).toEqual({
      ...Object.fromEntries(plans.map((p) => [p.stack, countsFromPlan(p.plan!)])),
      staging: [0, 0, 0, 0],
    });
    expect(comment).toContain("| staging ❌ |");
    expect(comment).toContain("**staging**: ❌ No plan");
    expect(Object.keys(tableCounts(comment))).toEqual(["dev", "staging", "prod"]);
    expect(existsSync(join(runnerTemp, "full.md"))).toBe(true);
  }, 300_000);
});

describe("plan-preview.yml comment step", () => {
  type Comment = { id: number; body: string; user: { type: string } };

  /** Runs the step's script the way actions/github-script does, against an in-memory pull request. */
  async function runScript(existing: Comment[], body: string) {
    const calls: { method: string; args: Record<string, unknown> }[] = [];
    const record = (method: string) => async (args: Record<string, unknown>) => {
      calls.push({ method, args });
      return { data: {} };
    };
    const github = {
      paginate: async () => existing,
      rest: { issues: { listComments: record("listComments"), updateComment: record("updateComment"), createComment: record("createComment") } },
    };
    const context = { repo: { owner: "o", repo: "r" }, issue: { number: 7 } };
    const dir = mkdtempSync(join(tmpdir(), "preview-comment-"));
    const file = join(dir, "preview.md");
    writeFileSync(file, body);
    process.env.PREVIEW_FILE = file;
    try {
      const AsyncFunction = Object.getPrototypeOf(async () => undefined).constructor;
      await new AsyncFunction("github", "context", "require", step("Create or update the comment").with!.script!)(github, context, require);
    } finally {
      delete process.env.PREVIEW_FILE;
      rmSync(dir, { recursive: true, force: true });
    }
    return calls;
  }

  const body = `${PREVIEW_MARKER}\n## Terraform plan preview\n`;

  test("creates the comment when the pull request has none", async () => {
    const calls = await runScript([{ id: 1, body: "LGTM", user: { type: "User" } }], body);
    expect(calls).toEqual([{ method: "createComment", args: { owner: "o", repo: "r", issue_number: 7, body } }]);
  });

  test("updates the bot's marked comment in place, never a person's", async () => {
    const existing = [
      { id: 1, body: `${PREVIEW_MARKER} quoted by a reviewer`, user: { type: "User" } },
      { id: 2, body: `${PREVIEW_MARKER}\nold preview`, user: { type: "Bot" } },
    ];
    const calls = await runScript(existing, body);
    expect(calls).toEqual([{ method: "updateComment", args: { owner: "o", repo: "r", comment_id: 2, body } }]);
  });
});
