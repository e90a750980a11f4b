import { spawnSync } from "node:child_process";
import * as path from "node:path";

const ROOT = path.join(__dirname, "..", "..");

describe("npm run sim:* -- <env>", () => {
  test("an unknown environment fails at once, naming the valid ones", () => {
    const run = spawnSync(process.execPath, ["-r", "tsx/cjs", "sim/cli.ts", "deploy", "qa"], { cwd: ROOT, encoding: "utf8" });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('sim:deploy: unknown environment "qa"; expected one of dev, staging, prod');
  });

  test("a missing environment says how to name one", () => {
    const run = spawnSync(process.execPath, ["-r", "tsx/cjs", "sim/cli.ts", "destroy"], { cwd: ROOT, encoding: "utf8" });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain("npm run sim:destroy -- dev");
  });
});
