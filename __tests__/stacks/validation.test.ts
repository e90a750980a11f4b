/**
 * buildApp's skipValidation, which the test harnesses use: cdktf's validations run at synth unless it
 * is set, and among them `terraform version`: once for every terraform_data resource (one per server) and
 * once for the stack's moved blocks (security-group rules keyed by content).
 */
import childProcess, { spawnSync } from "child_process";
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

describe("main.ts with FRACTALS_SKIP_VALIDATION=1, which npm run sim:* sets", () => {
  test("synthesizes every environment and runs no terraform", () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "fractals-skip-validation-"));
    try {
      // A terraform that records its calls: the validations would run it 11 times for the three environments.
      const calls = path.join(tmp, "calls");
      fs.mkdirSync(path.join(tmp, "bin"));
      fs.writeFileSync(path.join(tmp, "bin", "terraform"), `#!/bin/sh\necho "$*" >> "${calls}"\necho "Terraform v1.11.4"\n`, {
        mode: 0o755,
      });
      const run = spawnSync(process.execPath, ["-r", "tsx/cjs", "main.ts"], {
        cwd: path.join(__dirname, "..", ".."),
        encoding: "utf8",
        env: {
          ...process.env,
          PATH: `${path.join(tmp, "bin")}:${process.env.PATH}`,
          CDKTF_OUTDIR: path.join(tmp, "out"),
          FRACTALS_SKIP_VALIDATION: "1",
        },
      });
      expect(`exit ${run.status}\n${run.stderr}`).toBe("exit 0\n");
      expect(["dev", "staging", "prod"].filter((env) => fs.existsSync(path.join(tmp, "out", "stacks", env, "cdk.tf.json")))).toEqual([
        "dev",
        "staging",
        "prod",
      ]);
      expect(fs.existsSync(calls) ? fs.readFileSync(calls, "utf8") : "").toBe("");
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });
});
