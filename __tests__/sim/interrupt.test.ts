/**
 * Issue 13.10: Ctrl-C during `sim:deploy` lets Terraform stop gracefully
 * (everything the cloud made is in the state). That `sim:destroy` reports
 * objects with the environment's name prefix that the state does not track is
 * shown by sim/cli.test.ts's destroy.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { Cloud } from "../../sim/openstack/cloud";
import { trackedIds } from "../../sim/cli/untracked";
import { describeWithTerraform } from "./harness";

const ROOT = path.join(__dirname, "..", "..");

jest.setTimeout(600_000);

describeWithTerraform("Ctrl-C during npm run sim:deploy -- dev", () => {
  const simDir = mkdtempSync(path.join(tmpdir(), "fractals-sim-interrupt-"));
  const cloudFile = path.join(simDir, "cloud.json");
  const stateFile = path.join(simDir, "state", "terraform.dev.tfstate");
  const env = { ...process.env, FRACTALS_SIM_DIR: simDir, FRACTALS_SIM_STATE: "", CI: "true" };
  afterAll(() => rmSync(simDir, { recursive: true, force: true }));

  /** The objects Terraform made (not those the cloud made on their behalf, a VIP's port, Heat's servers). */
  const made = () =>
    Cloud.load(cloudFile)
      .all()
      .filter((o) => !o.owner);

  test("SIGINT to the foreground process group (what a terminal sends) stops terraform gracefully: nothing untracked", async () => {
    // Its own process group, as a terminal's foreground job: the signal goes to every process in it.
    const child = spawn(process.execPath, ["-r", "tsx/cjs", "sim/cli/cli.ts", "deploy", "dev"], {
      cwd: ROOT,
      detached: true,
      env: { ...env, FRACTALS_SIM_APPLY_DELAY_MS: "3000" },
    });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    const closed = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
    for (const started = Date.now(); !(existsSync(cloudFile) && made().length > 0);) {
      if (Date.now() - started > 300_000) throw new Error(`nothing created within 300 s:\n${out}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    process.kill(-child.pid!, "SIGINT");
    const code = await closed;
    expect(code).not.toBe(0);
    const tracked = trackedIds(stateFile);
    const untracked = made()
      .filter((o) => !tracked.has(o.id))
      .map((o) => `${o.type} ${o.id}`);
    expect({ untracked, out: untracked.length > 0 ? out : "" }).toEqual({ untracked: [], out: "" });
    expect(made().length).toBeGreaterThan(0);
  });
});
