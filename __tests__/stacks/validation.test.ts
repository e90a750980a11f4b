/**
 * buildApp's skipValidation, which the test harnesses use: cdktf's validations run at synth unless it
 * is set, and among them `terraform version`: once for every terraform_data resource (one per server) and
 * once for the stack's moved blocks (security-group rules keyed by content).
 */
import childProcess from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { dev } from "../../config/dev";
import { buildApp } from "../../stacks/app";

describe("cdktf's validations at app.synth()", () => {
  let outdir: string;
  let execSync: jest.SpyInstance;
  beforeEach(() => {
    outdir = fs.mkdtempSync(path.join(os.tmpdir(), "fractals-validation-"));
    execSync = jest.spyOn(childProcess, "execSync");
  });
  afterEach(() => {
    execSync.mockRestore();
    fs.rmSync(outdir, { recursive: true, force: true });
  });

  const versionChecks = () => execSync.mock.calls.filter(([command]) => command === "terraform version").length;

  test("run by default: Terraform's version is checked for each server's terraform_data and for the moved blocks", () => {
    buildApp([dev], { outdir }).synth();
    expect(versionChecks()).toBe(2 + 1); // dev: a controller and a worker
  });

  test("left out with skipValidation: the same stack, no terraform run", () => {
    buildApp([dev], { outdir, skipValidation: true }).synth();
    expect(versionChecks()).toBe(0);
    expect(fs.existsSync(path.join(outdir, "stacks", "dev", "cdk.tf.json"))).toBe(true);
  });
});
