/**
 * `npx cdktf deploy dev` with no credentials: the preflight's one line, a
 * non-zero exit, and Terraform never asked to init or plan. The real cdktf
 * CLI runs the app as the README says; `terraform` is a stand-in that
 * records its calls.
 */
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { ENVIRONMENTS } from "../../config";

const ROOT = join(__dirname, "..", "..");
const OWN_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIK/puZztnmfgOKQh8tJDWAH08/tFg43Pb1fzu2QFWFvi ops@example";

describe("npx cdktf deploy dev without credentials", () => {
  const tmp = mkdtempSync(join(tmpdir(), "preflight-cdktf-"));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));
  const bin = join(tmp, "bin");
  const calls = join(tmp, "terraform-calls");
  mkdirSync(bin);
  mkdirSync(join(tmp, "home"));
  // Answers cdktf's version checks; anything else is recorded as Terraform having run.
  writeFileSync(
    join(bin, "terraform"),
    `#!/bin/sh\necho "$*" >> "${calls}"\ncase "$1" in version|-v) echo '{"terraform_version":"1.11.4"}'; exit 0;; esac\nexit 3\n`,
  );
  chmodSync(join(bin, "terraform"), 0o755);
  // The README's step 2 done (own key, no documentation CIDRs) and a provider mirror configured: only credentials are missing.
  const config = join(tmp, "environments.json");
  writeFileSync(config, JSON.stringify(ENVIRONMENTS.map((e) => ({ ...e, access: { ...e.access, publicKey: OWN_KEY, adminCidrs: [] } }))));
  const rc = join(tmp, "terraformrc");
  writeFileSync(rc, 'provider_installation {\n  filesystem_mirror {\n    path = "/nonexistent"\n  }\n}\n');
  const env = {
    PATH: `${bin}:${dirname(process.execPath)}:/usr/bin:/bin`,
    HOME: join(tmp, "home"),
    CHECKPOINT_DISABLE: "1",
    FRACTALS_CONFIG: config,
    TF_CLI_CONFIG_FILE: rc,
    // A secret that must not be printed (no OS_CLOUD or OS_AUTH_URL: not usable on its own).
    OS_PASSWORD: "hunter2-never-printed",
  };
  const cdktf = (...args: string[]) =>
    spawnSync(join(ROOT, "node_modules", ".bin", "cdktf"), [...args, "--output", join(tmp, "out")], {
      cwd: ROOT,
      env,
      encoding: "utf8",
      timeout: 120_000,
    });

  test("prints the preflight's one line and exits non-zero before Terraform runs", () => {
    const run = cdktf("deploy", "dev", "--auto-approve");
    const output = `${run.stdout}\n${run.stderr}`;
    expect(run.status).not.toBe(0);
    const lines = [
      ...new Set(
        output
          .split("\n")
          .map((l) => /preflight: .*/.exec(l)?.[0])
          .filter((l): l is string => l !== undefined),
      ),
    ];
    expect(lines).toEqual([
      'preflight: no OpenStack credentials for dev: neither OS_CLOUD nor OS_AUTH_URL is set; export OS_CLOUD=<entry of clouds.yaml> or source your cloud\'s openrc file (README "Deploying to a real cloud")',
    ]);
    expect(output).not.toContain("hunter2");
    const ran = existsSync(calls)
      ? readFileSync(calls, "utf8")
          .split("\n")
          .filter((l) => l !== "")
      : [];
    expect(ran.filter((l) => !/^(version|-v)\b/.test(l))).toEqual([]);
    expect(existsSync(join(tmp, "out", "stacks", "dev", "cdk.tf.json"))).toBe(false);
  }, 150_000);

  test("cdktf synth in the same environment synthesizes: the preflight is for deploys only", () => {
    const run = cdktf("synth");
    expect({ status: run.status, preflight: /preflight:/.test(run.stdout + run.stderr) }).toEqual({ status: 0, preflight: false });
    expect(existsSync(join(tmp, "out", "stacks", "dev", "cdk.tf.json"))).toBe(true);
  }, 150_000);
});
