/**
 * The real synth entry point (main.ts, as `cdktf synth` runs it) on bad
 * config: exit code 1, the validation message, no stack trace, nothing written.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ENVIRONMENTS } from "../../config";

const ROOT = path.resolve(__dirname, "../..");

function synth(environments: unknown[]) {
  const cwd = fs.mkdtempSync(path.join(os.tmpdir(), "entry-point-"));
  const configFile = path.join(cwd, "environments.json");
  const outdir = path.join(cwd, "cdktf.out");
  fs.writeFileSync(configFile, JSON.stringify(environments));
  const run = spawnSync(process.execPath, ["-r", "tsx/cjs", path.join(ROOT, "main.ts")], {
    cwd,
    encoding: "utf8",
    env: {
      ...process.env,
      NODE_PATH: path.join(ROOT, "node_modules"),
      TS_NODE_PROJECT: path.join(ROOT, "tsconfig.json"),
      FRACTALS_CONFIG: configFile,
      CDKTF_OUTDIR: outdir,
      CHECKPOINT_DISABLE: "1",
    },
  });
  const written = fs.existsSync(outdir) ? fs.readdirSync(outdir, { recursive: true }).map(String) : [];
  fs.rmSync(cwd, { recursive: true, force: true });
  return { ...run, written };
}

const environments = (): Record<string, any>[] => JSON.parse(JSON.stringify(ENVIRONMENTS));

describe("main.ts", () => {
  test("bad config: exits 1 with the validation message, no stack trace, no stack written", () => {
    const envs = environments();
    envs[2].workers.min = 5;
    envs[1].network.cidr = "10.10.0.0/20";
    const run = synth(envs);
    expect(run.error).toBeUndefined();
    expect(run.stderr).toBe(
      [
        "invalid configuration:",
        "  - prod: workers.desired: must be >= min (5), got 2",
        "  - staging: network.cidr: 10.10.0.0/20 overlaps dev's 10.10.0.0/24; environments share one project and need disjoint subnets",
        "",
      ].join("\n"),
    );
    expect(run.stderr).not.toMatch(/^\s+at /m);
    expect(run.status).toBe(1);
    expect(run.written).toEqual([]);
  });

  test("good config through the same path writes every stack (so the test above could see a write)", () => {
    const run = synth(environments());
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    expect(run.written).toEqual(expect.arrayContaining(["manifest.json", path.join("stacks", "prod", "cdk.tf.json")]));
  });
});
