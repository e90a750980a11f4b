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
function stepOf(workflow: string, name: string): Step {
  const jobs: Record<string, { steps: Step[] }> = parse(readFileSync(join(ROOT, ".github/workflows", workflow), "utf8")).jobs;
  const found = Object.values(jobs).flatMap((job) => job.steps).find((s) => s.name === name);
  if (!found) throw new Error(`no step named ${JSON.stringify(name)} in ${workflow}`);
  return found;
}
const step = (name: string) => stepOf("plan-preview.yml", name);

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
      staging: [NaN, NaN, NaN, NaN],
    });
    expect(comment).toContain("| staging ❌ |");
    expect(comment).toContain("**staging**: ❌ No plan");
    expect(Object.keys(tableCounts(comment))).toEqual(["dev", "staging", "prod"]);
    expect(existsSync(join(runnerTemp, "full.md"))).toBe(true);
  }, 300_000);
});

type Comment = { id: number; body: string; user: { type: string } };
type Call = { method: string; args: Record<string, unknown> };

/** Runs a github-script step's script as actions/github-script does, against an in-memory repository. */
async function runScript(script: string, env: Record<string, string>, data: { comments: Comment[]; pulls?: unknown[] }) {
  const calls: Call[] = [];
  const record = (method: string) => async (args: Record<string, unknown>) => {
    calls.push({ method, args });
    return { data: {} };
  };
  const rest = {
    issues: { listComments: record("listComments"), updateComment: record("updateComment"), createComment: record("createComment") },
    pulls: { list: record("pulls.list") },
  };
  const github = {
    rest,
    paginate: async (method: unknown, args: Record<string, unknown>) => {
      if (method === rest.pulls.list) {
        calls.push({ method: "pulls.list", args });
        return data.pulls ?? [];
      }
      return data.comments;
    },
  };
  const failures: string[] = [];
  const core = { setFailed: (message: string) => failures.push(message), info: () => undefined };
  const context = { repo: { owner: "o", repo: "r" }, issue: { number: 7 } };
  const saved = { ...process.env };
  Object.assign(process.env, env);
  try {
    const AsyncFunction = Object.getPrototypeOf(async () => undefined).constructor;
    await new AsyncFunction("github", "context", "core", "require", script)(github, context, core, require);
  } finally {
    process.env = saved;
  }
  return { calls: calls.filter((c) => c.method !== "pulls.list"), pullQueries: calls.filter((c) => c.method === "pulls.list"), failures };
}

const artifacts = mkdtempSync(join(tmpdir(), "preview-comment-"));
afterAll(() => rmSync(artifacts, { recursive: true, force: true }));
let artifactCount = 0;

function previewFile(body: string): string {
  const file = join(artifacts, `preview-${++artifactCount}.md`);
  writeFileSync(file, body);
  return file;
}

const body = `${PREVIEW_MARKER}\n## Terraform plan preview\n`;

describe("plan-preview.yml comment step", () => {
  const script = step("Create or update the comment").with!.script!;
  const env = { PREVIEW_FILE: previewFile(body) };

  test("creates the comment when the pull request has none", async () => {
    const { calls } = await runScript(script, env, { comments: [{ id: 1, body: "LGTM", user: { type: "User" } }] });
    expect(calls).toEqual([{ method: "createComment", args: { owner: "o", repo: "r", issue_number: 7, body } }]);
  });

  test("updates the bot's marked comment in place, never a person's", async () => {
    const comments = [
      { id: 1, body: `${PREVIEW_MARKER} quoted by a reviewer`, user: { type: "User" } },
      { id: 2, body: `${PREVIEW_MARKER}\nold preview`, user: { type: "Bot" } },
    ];
    const { calls } = await runScript(script, env, { comments });
    expect(calls).toEqual([{ method: "updateComment", args: { owner: "o", repo: "r", comment_id: 2, body } }]);
  });
});

describe("plan-preview-comment.yml (forks)", () => {
  const script = stepOf("plan-preview-comment.yml", "Create or update the comment").with!.script!;
  const run = { HEAD_OWNER: "forker", HEAD_BRANCH: "feature", HEAD_SHA: "abc123" };

  test("comments on the open pull request whose head is the commit that ran", async () => {
    const pulls = [{ number: 41, head: { sha: "old999" } }, { number: 42, head: { sha: "abc123" } }];
    const { calls, pullQueries } = await runScript(script, { ...run, PREVIEW_FILE: previewFile(body) }, { comments: [], pulls });
    expect(pullQueries[0].args).toMatchObject({ state: "open", head: "forker:feature" });
    expect(calls).toEqual([{ method: "createComment", args: { owner: "o", repo: "r", issue_number: 42, body } }]);
  });

  test("does nothing when the pull request has moved on to another commit", async () => {
    const { calls } = await runScript(script, { ...run, PREVIEW_FILE: previewFile(body) }, { comments: [], pulls: [{ number: 42, head: { sha: "newer" } }] });
    expect(calls).toEqual([]);
  });

  test("refuses an artifact that is not a preview", async () => {
    const { calls, pullQueries, failures } = await runScript(script, { ...run, PREVIEW_FILE: previewFile("@everyone click here") }, { comments: [] });
    expect([calls, pullQueries]).toEqual([[], []]);
    expect(failures).toEqual(["the artifact is not a plan preview"]);
  });
});
