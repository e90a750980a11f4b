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
import { MANAGED_LABELS } from "../../preview/labels";
import { DEFAULT_MAX_CHARS, GITHUB_COMMENT_LIMIT, PREVIEW_MARKER } from "../../preview/report";
import { installSimulator } from "../../sim/cli/install";
import { buildApp } from "../../stacks/app";
import { ReattachedProviders } from "../sim/harness";
import { countsFromPlan, tableCounts } from "./plan-builder";

const ROOT = join(__dirname, "..", "..");
// The plain-JavaScript module both workflows' github-script steps load.
const {
  MARKER,
  COMMENT_LIMIT,
  MANAGED_LABELS: MANAGED_LABELS_JS,
  fallbackBody,
} = require("../../preview/post-comment.js") as {
  MARKER: string;
  COMMENT_LIMIT: number;
  MANAGED_LABELS: string[];
  fallbackBody: (sha: string, runUrl: string) => string;
};

interface Step {
  readonly name?: string;
  readonly run?: string;
  readonly with?: { readonly script?: string };
}
function stepOf(workflow: string, name: string): Step {
  const jobs: Record<string, { steps: Step[] }> = parse(readFileSync(join(ROOT, ".github/workflows", workflow), "utf8")).jobs;
  const found = Object.values(jobs)
    .flatMap((job) => job.steps)
    .find((s) => s.name === name);
  if (!found) throw new Error(`no step named ${JSON.stringify(name)} in ${workflow}`);
  return found;
}
const step = (name: string) => stepOf("plan-preview.yml", name);

const hasTerraform = spawnSync("terraform", ["version"]).status === 0;

(hasTerraform ? describe : describe.skip)("plan-preview.yml shell steps (terraform on PATH)", () => {
  const work = mkdtempSync(join(tmpdir(), "preview-workflow-"));
  /**
   * The simulated providers, served for the whole test and reattached to by
   * every terraform command the steps run (__tests__/sim/harness.ts): the
   * steps' own commands are what is tested here, not the provider's start,
   * which cost about 20 starts (bench/README.md, "Inner-loop suite"). The
   * live plan (live-plan.test.ts) still starts them from the mirror, with
   * go-plugin's handshake and mutual TLS.
   */
  const providers = new ReattachedProviders({ ...process.env, FRACTALS_SIM_STATE: join(work, "cloud.json") });
  afterAll(() => {
    providers.stop();
    rmSync(work, { recursive: true, force: true });
  });

  test("plan every stack, then render one comment whose table matches the plans; a stack that fails to plan shows as failed", async () => {
    const checkout = join(work, "checkout");
    const runnerTemp = join(work, "runner");
    const outputFile = join(work, "github-output");
    mkdirSync(runnerTemp, { recursive: true });
    mkdirSync(checkout, { recursive: true });
    writeFileSync(outputFile, "");
    buildApp(ENVIRONMENTS, { outdir: join(checkout, "cdktf.out"), stateDir: checkout, skipValidation: true }).synth();
    // Staging refers to an undeclared variable: Terraform fails before writing a plan.
    const stagingFile = join(checkout, "cdktf.out", "stacks", "staging", "cdk.tf.json");
    const staging = JSON.parse(readFileSync(stagingFile, "utf8"));
    writeFileSync(stagingFile, JSON.stringify({ ...staging, output: { ...staging.output, broken: { value: "${var.undeclared}" } } }));
    const simulator = installSimulator(join(work, "sim"));
    const env = {
      ...process.env,
      ...simulator.env,
      FRACTALS_SIM_STATE: join(work, "cloud.json"),
      TF_REATTACH_PROVIDERS: await providers.value(),
      RUNNER_TEMP: runnerTemp,
      GITHUB_OUTPUT: outputFile,
      RUN_URL: "https://github.example/runs/1",
      HEAD_SHA: "0123456789abcdef0123456789abcdef01234567",
      COMMIT_URL: "https://github.example/commit/0123456789abcdef0123456789abcdef01234567",
      TF_IN_AUTOMATION: "1",
      TF_INPUT: "0",
    };
    // GitHub runs `run:` scripts as `bash -e {0}`.
    const bash = (script: string, cwd: string) =>
      spawnSync("bash", ["-e", "-c", script], { cwd, env: { ...env, ...outputs() }, encoding: "utf8" });
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
    const plans = readPlanDir(join(runnerTemp, "plans")).filter((p) => p.plan !== undefined);
    expect(plans.map((p) => p.stack).sort()).toEqual(["dev", "prod"]);
    expect(tableCounts(comment)).toEqual({
      ...Object.fromEntries(plans.map((p) => [p.stack, countsFromPlan(p.plan!)])),
      staging: [NaN, NaN, NaN, NaN],
    });
    expect(comment).toContain("| staging ❌ | — | — | — | — |");
    expect(comment).toContain("**staging**: ❌ No plan");
    // Terraform's own diagnostics for the failed stack, and the run they came from.
    expect(existsSync(join(runnerTemp, "plans", "staging.error.txt"))).toBe(true);
    expect(comment).toContain("Error: Reference to undeclared input variable");
    expect(comment).toContain("[Workflow log](https://github.example/runs/1)");
    expect(comment).toContain(
      "Preview for commit [<code>0123456</code>](https://github.example/commit/0123456789abcdef0123456789abcdef01234567)",
    );
    expect(JSON.parse(readFileSync(join(runnerTemp, "labels.json"), "utf8")).labels).toContain("plan: failed");
    expect(Object.keys(tableCounts(comment))).toEqual(["dev", "staging", "prod"]);
    expect(existsSync(join(runnerTemp, "full.md"))).toBe(true);

    // A synth that failed: the failure step replaces the preview with one that says so.
    writeFileSync(join(runnerTemp, "synth.log"), "Error: invalid configuration:\n  - prod: access.adminCidrs.0: must be a CIDR\n");
    const failed = spawnSync("bash", ["-e", "-c", step("Say that the preview failed").run!], {
      cwd: ROOT,
      encoding: "utf8",
      env: { ...env, INSTALL: "success", SYNTH: "failure", SYNTH_BASE: "skipped" },
    });
    expect({ status: failed.status, stderr: failed.stderr }).toEqual({ status: 0, stderr: expect.any(String) });
    const failure = readFileSync(join(runnerTemp, "preview.md"), "utf8");
    expect(failure).toContain("the step “Synthesize the head commit” failed");
    expect(failure).toContain("must be a CIDR");
    expect(failure).not.toMatch(/^\| /m);
    expect(JSON.parse(readFileSync(join(runnerTemp, "labels.json"), "utf8")).labels).toEqual(["plan: failed"]);
  }, 300_000);
});

type Comment = { id: number; body: string; user: { type: string } };
type Call = { method: string; args: Record<string, unknown> };

/** Runs a github-script step's script as actions/github-script does, against an in-memory repository. */
async function runScript(
  script: string,
  env: Record<string, string>,
  data: { comments: Comment[]; pulls?: unknown[]; head?: string; labels?: string[] },
) {
  const calls: Call[] = [];
  const record =
    (method: string, result: unknown = {}) =>
    async (args: Record<string, unknown>) => {
      calls.push({ method, args });
      return { data: result };
    };
  const rest = {
    issues: {
      listComments: record("listComments"),
      updateComment: record("updateComment"),
      createComment: record("createComment"),
      addLabels: record("addLabels"),
      removeLabel: record("removeLabel"),
    },
    pulls: {
      list: record("pulls.list"),
      get: record("pulls.get", { head: { sha: data.head ?? "abc123" }, labels: (data.labels ?? []).map((name) => ({ name })) }),
    },
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
  Object.assign(process.env, { GITHUB_WORKSPACE: ROOT, HEAD_SHA: "abc123", RUN_URL: "https://github.example/runs/1" }, env);
  try {
    const AsyncFunction = Object.getPrototypeOf(async () => undefined).constructor;
    await new AsyncFunction("github", "context", "core", "require", script)(github, context, core, require);
  } finally {
    process.env = saved;
  }
  const writes = calls.filter((c) => !["pulls.list", "pulls.get", "listComments"].includes(c.method));
  return { calls: writes, pullQueries: calls.filter((c) => c.method === "pulls.list"), failures };
}

const artifacts = mkdtempSync(join(tmpdir(), "preview-comment-"));
afterAll(() => rmSync(artifacts, { recursive: true, force: true }));
let artifactCount = 0;

function file(content: string): string {
  const path = join(artifacts, `file-${++artifactCount}`);
  writeFileSync(path, content);
  return path;
}

const body = `${PREVIEW_MARKER}\n## Terraform plan preview\n`;
const labels = (...names: string[]) => file(JSON.stringify({ labels: names, managed: MANAGED_LABELS }));

describe("plan-preview.yml comment step", () => {
  const script = step("Create or update the comment").with!.script!;
  const env = () => ({ PREVIEW_FILE: file(body), LABELS_FILE: labels("plan: destroy") });

  test("the comment module agrees with the renderer on the marker, the size limit and the labels", () => {
    expect([MARKER, COMMENT_LIMIT, MANAGED_LABELS_JS]).toEqual([PREVIEW_MARKER, GITHUB_COMMENT_LIMIT, [...MANAGED_LABELS]]);
  });

  test("creates the comment when the pull request has none, and adds its labels", async () => {
    const { calls } = await runScript(script, env(), { comments: [{ id: 1, body: "LGTM", user: { type: "User" } }] });
    expect(calls).toEqual([
      { method: "createComment", args: { owner: "o", repo: "r", issue_number: 7, body } },
      { method: "addLabels", args: { owner: "o", repo: "r", issue_number: 7, labels: ["plan: destroy"] } },
    ]);
  });

  test("updates the bot's marked comment in place, never a person's; removes managed labels that no longer apply, never others", async () => {
    const comments = [
      { id: 1, body: `${PREVIEW_MARKER} quoted by a reviewer`, user: { type: "User" } },
      { id: 2, body: `${PREVIEW_MARKER}\nold preview`, user: { type: "Bot" } },
    ];
    const { calls } = await runScript(script, env(), { comments, labels: ["plan: no changes", "plan: destroy", "needs review"] });
    expect(calls).toEqual([
      { method: "updateComment", args: { owner: "o", repo: "r", comment_id: 2, body } },
      { method: "removeLabel", args: { owner: "o", repo: "r", issue_number: 7, name: "plan: no changes" } },
    ]);
  });

  test("without a preview (the install failed), the old comment is still replaced: failed, with the log", async () => {
    const { calls } = await runScript(
      script,
      { PREVIEW_FILE: join(artifacts, "missing.md"), LABELS_FILE: join(artifacts, "missing.json") },
      {
        comments: [{ id: 2, body: `${PREVIEW_MARKER}\nold preview`, user: { type: "Bot" } }],
        labels: ["plan: no changes"],
      },
    );
    expect(calls.map((c) => c.method)).toEqual(["updateComment", "removeLabel", "addLabels"]);
    expect(calls[0].args.body).toBe(fallbackBody("abc123", "https://github.example/runs/1"));
    expect(calls[0].args.body).toContain("No preview for this commit");
    expect(calls[2].args.labels).toEqual(["plan: failed"]);
  });

  test("a run for an older commit does not overwrite the newer commit's comment", async () => {
    const { calls } = await runScript(script, env(), { comments: [], head: "newer456" });
    expect(calls).toEqual([]);
  });
});

describe("plan-preview-comment.yml (forks)", () => {
  const script = stepOf("plan-preview-comment.yml", "Create or update the comment").with!.script!;
  const run = { HEAD_OWNER: "forker", HEAD_BRANCH: "feature", HEAD_SHA: "abc123" };

  test("comments on the open pull request whose head is the commit that ran", async () => {
    const pulls = [
      { number: 41, head: { sha: "old999" } },
      { number: 42, head: { sha: "abc123" } },
    ];
    const { calls, pullQueries } = await runScript(
      script,
      { ...run, PREVIEW_FILE: file(body), LABELS_FILE: labels() },
      { comments: [], pulls },
    );
    expect(pullQueries[0].args).toMatchObject({ state: "open", head: "forker:feature" });
    expect(calls).toEqual([{ method: "createComment", args: { owner: "o", repo: "r", issue_number: 42, body } }]);
  });

  test("does nothing when the pull request has moved on to another commit", async () => {
    const { calls } = await runScript(
      script,
      { ...run, PREVIEW_FILE: file(body), LABELS_FILE: labels() },
      { comments: [], pulls: [{ number: 42, head: { sha: "newer" } }] },
    );
    expect(calls).toEqual([]);
  });

  test("renders the fork's uploaded JSON with this checkout's renderer; a fork's own Markdown is never posted", () => {
    const work = mkdtempSync(join(artifacts, "fork-"));
    const data = join(work, "plan-preview-data");
    const stack = (side: string, name: string) => {
      mkdirSync(join(data, side, "stacks", "dev"), { recursive: true });
      writeFileSync(
        join(data, side, "stacks", "dev", "cdk.tf.json"),
        JSON.stringify({ resource: { openstack_networking_network_v2: { net: { name } } } }),
      );
    };
    stack("base", "a");
    stack("head", "**@everyone** <img src=x>");
    writeFileSync(join(data, "preview.md"), "@everyone click here");
    const env = {
      ...process.env,
      RUNNER_TEMP: work,
      HEAD_SHA: "0123456789abcdef0123456789abcdef01234567",
      COMMIT_URL: "https://github.example/c",
      RUN_URL: "https://github.example/runs/2",
    };
    const render = spawnSync("bash", ["-e", "-c", stepOf("plan-preview-comment.yml", "Render the preview (base branch's renderer)").run!], {
      cwd: ROOT,
      env,
      encoding: "utf8",
    });
    expect(render.status).toBe(0);
    const comment = readFileSync(join(work, "preview.md"), "utf8");
    expect(comment).toContain("## Terraform configuration diff (no plan)");
    expect(comment).not.toContain("click here");
    // The fork's values appear only inside code blocks, as text.
    expect(comment.replace(/^```[\s\S]*?^```$/gm, "")).not.toMatch(/<img|@everyone/);
    // No data (the fork's run failed before uploading): a failure comment.
    rmSync(data, { recursive: true });
    const failed = spawnSync("bash", ["-e", "-c", stepOf("plan-preview-comment.yml", "Render the preview (base branch's renderer)").run!], {
      cwd: ROOT,
      env,
      encoding: "utf8",
    });
    expect(failed.status).toBe(0);
    expect(readFileSync(join(work, "preview.md"), "utf8")).toContain("No preview for this commit");
  }, 60_000);
});
