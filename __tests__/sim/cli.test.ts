import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { describeWithTerraform } from "./harness";

const ROOT = path.join(__dirname, "..", "..");

jest.setTimeout(180_000);

describe("npm run sim:* -- <env>", () => {
  test("an unknown environment fails at once, naming the valid ones", () => {
    const run = spawnSync(process.execPath, ["-r", "tsx/cjs", "sim/cli/cli.ts", "deploy", "qa"], { cwd: ROOT, encoding: "utf8" });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('sim:deploy: unknown environment "qa"; expected one of dev, staging, prod');
  });

  test("without terraform on PATH it says so instead of cdktf's \"terraform init failed\"", () => {
    const bin = mkdtempSync(path.join(tmpdir(), "fractals-no-terraform-"));
    try {
      symlinkSync(process.execPath, path.join(bin, "node"));
      const run = spawnSync(process.execPath, ["-r", "tsx/cjs", "sim/cli/cli.ts", "deploy", "dev"], {
        cwd: ROOT, encoding: "utf8", env: { ...process.env, PATH: bin },
      });
      expect(run.status).toBe(2);
      expect(run.stderr).toContain("sim:deploy: the terraform CLI is not on PATH");
    } finally {
      rmSync(bin, { recursive: true, force: true });
    }
  });

  test("a missing environment says how to name one", () => {
    const run = spawnSync(process.execPath, ["-r", "tsx/cjs", "sim/cli/cli.ts", "destroy"], { cwd: ROOT, encoding: "utf8" });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain("npm run sim:destroy -- dev");
  });
});

/**
 * The README's main job, `npm run sim:deploy -- dev`, through the real cdktf
 * CLI, in a simulator directory of its own (FRACTALS_SIM_DIR).
 */
describeWithTerraform("npm run sim:deploy, sim:plan, sim:destroy -- dev", () => {
  const simDir = mkdtempSync(path.join(tmpdir(), "fractals-sim-cli-"));
  const rootState = path.join(ROOT, "terraform.dev.tfstate");
  const rootStateBefore = existsSync(rootState) ? statSync(rootState).mtimeMs : null;
  const sim = (command: string) => spawnSync(process.execPath, ["-r", "tsx/cjs", "sim/cli/cli.ts", command, "dev"], {
    cwd: ROOT, encoding: "utf8", env: { ...process.env, FRACTALS_SIM_DIR: simDir, FRACTALS_SIM_STATE: "", CI: "true" },
  });

  afterAll(() => rmSync(simDir, { recursive: true, force: true }));

  test("deploy creates the stack and writes its outputs", () => {
    const run = sim("deploy");
    expect(`exit ${run.status}\n${run.stderr}`).toBe("exit 0\n");
    const outputs = JSON.parse(readFileSync(path.join(simDir, "outputs", "dev.json"), "utf8"));
    expect(outputs.dev.app_url).toMatch(/^http:\/\/203\.0\.113\.\d+:80$/);
  });

  test("its state and synthesized stacks stay in the simulator's directory, never the real deploy's", () => {
    expect(existsSync(path.join(simDir, "state", "terraform.dev.tfstate"))).toBe(true);
    const stack = JSON.parse(readFileSync(path.join(simDir, "cdktf.out", "dev", "stacks", "dev", "cdk.tf.json"), "utf8"));
    expect(stack.terraform.backend).toEqual({ local: { path: "../../../../state/terraform.dev.tfstate" } });
    expect(existsSync(rootState) ? statSync(rootState).mtimeMs : null).toBe(rootStateBefore);
  });

  test("a lock file recorded for older simulator packages does not stop the next command", () => {
    const lock = path.join(simDir, "cdktf.out", "dev", "stacks", "dev", ".terraform.lock.hcl");
    writeFileSync(lock, readFileSync(lock, "utf8").replace(/"h1:[^"]+"/g, `"h1:${"A".repeat(43)}="`));
    const run = sim("plan");
    expect(`exit ${run.status}\n${run.stderr}`).toBe("exit 0\n");
    expect(run.stdout).toContain("No changes.");
  });

  test("destroy empties the simulated cloud", () => {
    const run = sim("destroy");
    expect(run.status).toBe(0);
    expect(run.stdout).toContain("simulated cloud: empty");
  });
});
