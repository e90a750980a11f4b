/**
 * Issue 13.11, the command line's edges: extra arguments and a damaged cloud
 * file. Two `sim:*` runs for different environments at once are in
 * sim/cli.test.ts: its `sim:deploy -- dev` with a `sim:plan -- staging` beside it.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { Cloud, CloudFileError } from "../../sim/openstack/cloud";
import { OpenStackProvider } from "../../sim/openstack/openstack-provider";

const ROOT = path.join(__dirname, "..", "..");

jest.setTimeout(300_000);

let dir: string;
beforeAll(() => (dir = mkdtempSync(path.join(tmpdir(), "fractals-sim-edges-"))));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * sim/cli/cli.ts with PATH holding node only: every check this suite makes must
 * come before the terraform check (and, on the code before, a command that
 * was not refused stops there instead of deploying).
 */
function simWithoutTerraform(args: string[], env: Record<string, string> = {}) {
  const bin = path.join(dir, "bin");
  if (!existsSync(bin)) {
    spawnSync("mkdir", ["-p", bin]);
    symlinkSync(process.execPath, path.join(bin, "node"));
  }
  return spawnSync(process.execPath, ["-r", "tsx/cjs", "sim/cli/cli.ts", ...args], {
    cwd: ROOT,
    encoding: "utf8",
    env: { ...process.env, PATH: bin, FRACTALS_SIM_DIR: path.join(dir, "sim"), ...env },
  });
}

describe("extra arguments are refused", () => {
  test.each([
    [["deploy", "dev", "staging"], "staging"],
    [["destroy", "dev", "prod"], "prod"],
    [["plan", "dev", "--auto-approve"], "--auto-approve"],
    [["deploy", "dev", "--boot", "extra"], "extra"],
  ])("sim %j", (args, unexpected) => {
    const run = simWithoutTerraform(args);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain(`sim:${args[0]}: unexpected argument ${JSON.stringify(unexpected)}`);
    expect(run.stderr).toContain("one environment per command");
  });

  test("--boot still goes with deploy, and only with deploy", () => {
    expect(simWithoutTerraform(["plan", "dev", "--boot"]).stderr).toContain("--boot goes with sim:deploy only");
    // Accepted: the run goes on to the terraform check.
    expect(simWithoutTerraform(["deploy", "dev", "--boot"]).stderr).toContain("the terraform CLI is not on PATH");
  });
});

describe("a damaged .sim/cloud.json", () => {
  const cases: [string, string, RegExp][] = [
    ["truncated", '{"objects": [{"type": "openstack_compute_keypair_v2", "id": "k", "st', /is not valid JSON \(.*; truncated\?\)/],
    ["an array", "[]", /is not a JSON object/],
    ["objects not a list", '{"objects": {}}', /its "objects" is not a list/],
    ["no objects", '{"servers": []}', /its "objects" is missing/],
    ["an object without a state", '{"objects": [{"type": "t", "id": "x"}]}', /its objects\[0\] is not an object/],
  ];

  test.each(cases)("%s: Cloud.load refuses it, naming the file and the way out", (_name, text, problem) => {
    const file = path.join(dir, "cloud-load.json");
    writeFileSync(file, text);
    expect(() => Cloud.load(file)).toThrow(CloudFileError);
    expect(() => Cloud.load(file)).toThrow(problem);
    expect(() => Cloud.load(file)).toThrow(`delete it (rm ${file}) to start from an empty cloud`);
  });

  test("a missing file is still an empty cloud", () => {
    expect(Cloud.load(path.join(dir, "absent.json")).all()).toEqual([]);
  });

  test.each(cases)("%s: sim:plan prints one line and no stack trace", (_name, text, problem) => {
    const file = path.join(dir, "cloud-cli.json");
    writeFileSync(file, text);
    const run = simWithoutTerraform(["plan", "dev"], { FRACTALS_SIM_STATE: file });
    expect(run.status).toBe(1);
    const lines = run.stderr.trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(problem);
    expect(lines[0]).toContain(`sim:plan: ${file}: `);
    expect(lines[0]).toContain(`rm ${file}`);
  });

  test("the provider plugin answers it as one clean diagnostic at Configure, and its error has no stack", () => {
    const file = path.join(dir, "cloud-plugin.json");
    writeFileSync(file, '{"objects": [');
    const provider = new OpenStackProvider({ stateFile: file, faults: "" });
    const diagnostics = provider.configure({});
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0].summary).toMatch(/^The simulated cloud file cannot be read/);
    expect(diagnostics[0].detail).toContain(`rm ${file}`);
    expect(diagnostics[0].detail).not.toMatch(/\n\s+at /);
    // Every other RPC loads the file too: what the plugin's catch-all prints is the message alone.
    let thrown: Error | undefined;
    try {
      provider.readResource("openstack_compute_keypair_v2", { id: "k" });
    } catch (err) {
      thrown = err as Error;
    }
    expect(thrown).toBeInstanceOf(Error);
    expect(thrown!.stack).toBe(thrown!.message);
  });
});
