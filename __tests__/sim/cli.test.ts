import { spawn, spawnSync } from "node:child_process";
import { stripVTControlCharacters } from "node:util";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { Cloud } from "../../sim/openstack/cloud";
import { describeWithTerraform } from "./harness";

const ROOT = path.join(__dirname, "..", "..");

jest.setTimeout(180_000);

describe("npm run sim:* -- <env>", () => {
  test("an unknown environment fails at once, naming the valid ones", () => {
    const run = spawnSync(process.execPath, ["-r", "tsx/cjs", "sim/cli/cli.ts", "deploy", "qa"], { cwd: ROOT, encoding: "utf8" });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('sim:deploy: unknown environment "qa"; expected one of dev, staging, prod');
  });

  test('without terraform on PATH it says so instead of cdktf\'s "terraform init failed"', () => {
    const bin = mkdtempSync(path.join(tmpdir(), "fractals-no-terraform-"));
    try {
      symlinkSync(process.execPath, path.join(bin, "node"));
      const run = spawnSync(process.execPath, ["-r", "tsx/cjs", "sim/cli/cli.ts", "deploy", "dev"], {
        cwd: ROOT,
        encoding: "utf8",
        env: { ...process.env, PATH: bin },
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
 * CLI, in a simulator directory of its own (FRACTALS_SIM_DIR). Terraform
 * starts the simulated providers from the mirror here, with go-plugin's
 * handshake and mutual TLS, as for a developer.
 */
describeWithTerraform("npm run sim:deploy and sim:destroy -- dev, with sim:plan -- staging beside the deploy", () => {
  const simDir = mkdtempSync(path.join(tmpdir(), "fractals-sim-cli-"));
  const rootState = path.join(ROOT, "terraform.dev.tfstate");
  const rootStateBefore = existsSync(rootState) ? statSync(rootState).mtimeMs : null;
  const env = { ...process.env, FRACTALS_SIM_DIR: simDir, FRACTALS_SIM_STATE: "", CI: "true" };
  interface Run {
    readonly status: number;
    readonly stdout: string;
    readonly stderr: string;
    /** stdout and stderr as they came. */
    readonly out: string;
  }
  /** Runs `npm run sim:<command> -- <environment>`'s script; without waiting, so two can run at once. */
  const sim = (command: string, environment: string) =>
    new Promise<Run>((resolve) => {
      const child = spawn(process.execPath, ["-r", "tsx/cjs", "sim/cli/cli.ts", command, environment], { cwd: ROOT, env });
      let [stdout, stderr, out] = ["", "", ""];
      child.stdout.on("data", (d) => ((stdout += d), (out += d)));
      child.stderr.on("data", (d) => ((stderr += d), (out += d)));
      child.on("close", (code) => resolve({ status: code ?? -1, stdout, stderr, out }));
    });
  /**
   * The deploy, and beside it `sim:plan -- staging` (issue 13.11: two sim:* runs for different environments at
   * once, one of them writing the simulated cloud). A plan of dev after the deploy ("No changes.") is shown
   * for every environment by end-to-end.test.ts's replan; here it was one cdktf run (about 10 CPU s) more.
   */
  let runs: Promise<[Run, Run]>;
  beforeAll(() => {
    runs = Promise.all([sim("deploy", "dev"), sim("plan", "staging")]);
  });

  afterAll(() => rmSync(simDir, { recursive: true, force: true }));

  test("deploy creates the stack and writes its outputs", async () => {
    const [run] = await runs;
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

  /** Issue 13.11: two `sim:*` runs for different environments at once (the deploy and the plan above). */
  test("two sim:* runs for different environments at once: each synthesizes into its own directory, and neither breaks the other", async () => {
    const [dev, staging] = await runs;
    expect(`exit ${dev.status}\n${dev.status === 0 ? "" : dev.out}`).toBe("exit 0\n");
    expect(`exit ${staging.status}\n${staging.status === 0 ? "" : staging.out}`).toBe("exit 0\n");
    expect(stripVTControlCharacters(staging.stdout)).toMatch(/Plan: \d+ to add, 0 to change, 0 to destroy/);
    expect(existsSync(path.join(simDir, "cdktf.out", "dev", "manifest.json"))).toBe(true);
    expect(existsSync(path.join(simDir, "cdktf.out", "staging", "manifest.json"))).toBe(true);
    expect(existsSync(path.join(simDir, "cdktf.out", "manifest.json"))).toBe(false);
  });

  /**
   * Issue 13.10: objects with the environment's name prefix that its state does not track (what an
   * interrupted run leaves, interrupt.test.ts) are reported and left; the rest goes. (Moved here from
   * interrupt.test.ts, whose own destroy was one cdktf run more.)
   */
  test("destroy empties the simulated cloud of what the state tracks, and reports and leaves what carries dev's prefix but is untracked; a lock file recorded for older simulator packages does not stop it", async () => {
    const lock = path.join(simDir, "cdktf.out", "dev", "stacks", "dev", ".terraform.lock.hcl");
    writeFileSync(lock, readFileSync(lock, "utf8").replace(/"h1:[^"]+"/g, `"h1:${"A".repeat(43)}="`));
    const cloudFile = path.join(simDir, "cloud.json");
    Cloud.transact(cloudFile, (cloud) =>
      cloud.add({
        type: "openstack_compute_keypair_v2",
        id: "fractals-dev-orphan",
        state: { id: "fractals-dev-orphan", name: "fractals-dev-orphan" },
      }),
    );
    const run = await sim("destroy", "dev");
    expect(`exit ${run.status}\n${run.status === 0 ? "" : run.stderr}`).toBe("exit 0\n");
    expect(run.stdout).toContain("1 object(s) named fractals-dev-… that the Terraform state does not track");
    expect(run.stdout).toContain("  openstack_compute_keypair_v2 fractals-dev-orphan (id fractals-dev-orphan)");
    expect(run.stdout).toContain("simulated cloud: 1 object(s) left (the 1 listed above)");
    expect(
      Cloud.load(cloudFile)
        .all()
        .map((o) => o.id),
    ).toEqual(["fractals-dev-orphan"]);
    expect(readFileSync(path.join(simDir, "state", "terraform.dev.tfstate"), "utf8")).not.toContain("fractals-dev-orphan");
  });
});
