import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { main } from "../../preview/cli";
import { PREVIEW_MARKER } from "../../preview/report";
import { buildPlan, tableCounts } from "./plan-builder";

const ROOT = join(__dirname, "..", "..");

function run(...argv: string[]): { code: number; stdout: string; stderr: string } {
  let stdout = "";
  let stderr = "";
  const code = main(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { code, stdout, stderr };
}

describe("preview CLI", () => {
  const tmp = mkdtempSync(join(tmpdir(), "preview-cli-"));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));
  const plans = join(tmp, "plans");
  mkdirSync(plans);
  const create = buildPlan([
    { address: "openstack_networking_network_v2.net", type: "openstack_networking_network_v2", actions: ["create"], after: { name: "n" } },
  ]);
  writeFileSync(join(plans, "prod.json"), JSON.stringify(create));
  writeFileSync(join(plans, "dev.json"), JSON.stringify(buildPlan([])));

  test("--plans prints the comment with stacks in promotion order", () => {
    const { code, stdout, stderr } = run("--plans", plans);
    expect({ code, stderr }).toEqual({ code: 0, stderr: "" });
    expect(stdout.startsWith(`${PREVIEW_MARKER}\n`)).toBe(true);
    expect(Object.keys(tableCounts(stdout))).toEqual(["dev", "prod"]);
    expect(stdout).toContain("**dev**: no changes.");
  });

  test("--stacks names the stacks expected; one without a plan shows as failed", () => {
    const { stdout } = run("--plans", plans, "--stacks", "prod,dev,staging");
    expect(Object.keys(tableCounts(stdout))).toEqual(["dev", "staging", "prod"]);
    expect(stdout).toContain("| staging ❌ | — | — | — | — |");
    expect(stdout).toContain("**staging**: ❌ No plan: Terraform failed before planning");
  });

  test("--base/--head compares synth outputs, with the provider's ForceNew attributes", () => {
    const synthOut = (name: string, resources: Record<string, unknown>) => {
      const dir = join(tmp, name, "stacks", "dev");
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, "cdk.tf.json"), JSON.stringify({ "//": { metadata: { stackName: "dev" } }, resource: resources }));
      return join(tmp, name);
    };
    const server = (userData: string) => ({ name: "api", user_data: userData, "//": { metadata: { path: `dev/api/${userData}` } } });
    const base = synthOut("base", {
      openstack_compute_instance_v2: { api: server("v1") },
      openstack_networking_network_v2: { old: { name: "old" } },
      random_password: { db: { length: 24 } },
    });
    const head = synthOut("head", {
      openstack_compute_instance_v2: { api: server("v2") },
      openstack_networking_subnet_v2: { new: { cidr: "10.0.0.0/24" } },
      random_password: { db: { length: 32 } },
    });
    const { code, stdout } = run("--base", base, "--head", head);
    expect(code).toBe(0);
    // user_data (OpenStack) and length (random) are ForceNew in the two vendored behaviour files.
    expect(tableCounts(stdout)).toEqual({ dev: [1, 0, 2, 1] });
    expect(stdout).toContain('- user_data = "v1"\n+ user_data = "v2"   # forces replacement');
  });

  test("--out writes the file and keeps stdout empty", () => {
    const out = join(tmp, "comment.md");
    const { code, stdout, stderr } = run("--plans", plans, "--out", out);
    expect({ code, stdout }).toEqual({ code: 0, stdout: "" });
    expect(stderr).toMatch(/^preview: wrote .*comment\.md \(\d+ characters\)\n$/);
    expect(readFileSync(out, "utf8")).toBe(run("--plans", plans).stdout);
  });

  test.each([
    [["--plans", "/nonexistent/plans"], "preview: --plans /nonexistent/plans: no such directory"],
    [["--plans", "@malformed"], "preview: @malformed/dev.json: malformed JSON ("],
    [["--plans", "@state"], "preview: @state/dev.json: not a 'terraform show -json' plan (planned_values: Required)"],
    [["--plans", "@empty"], "preview: --plans @empty: no <stack>.json plan files in it"],
    [["--frobnicate"], "preview: Unknown option '--frobnicate'"],
    [[], "preview: give --plans <dir>, or both --base <dir> and --head <dir>"],
    [["--base", "/nonexistent/base", "--head", "@empty"], "preview: --base /nonexistent/base: no such directory"],
    [["--base", "@empty", "--head", "@empty"], "preview: --base @empty: not a cdktf synth output (no stacks/ directory)"],
    [["--plans", "@empty", "--max-chars", "2000000"], "preview: --max-chars must be a whole number from 1000 to 1048576"],
  ])("bad input %j is one clear line and exit code 2", (argv, message) => {
    const dirs: Record<string, string> = {
      "@malformed": join(tmp, "malformed"),
      "@state": join(tmp, "state"),
      "@empty": join(tmp, "empty"),
    };
    for (const dir of Object.values(dirs)) mkdirSync(dir, { recursive: true });
    writeFileSync(join(dirs["@malformed"], "dev.json"), '{"format_version": "1.2", ');
    writeFileSync(join(dirs["@state"], "dev.json"), JSON.stringify({ format_version: "1.0", values: { root_module: {} } }));
    const expand = (s: string) => s.replace(/@\w+/g, (m) => dirs[m] ?? m);
    const { code, stdout, stderr } = run(...argv.map(expand));
    expect({ code, stdout }).toEqual({ code: 2, stdout: "" });
    expect(stderr.startsWith(expand(message))).toBe(true);
    expect(stderr.trimEnd().split("\n")).toHaveLength(1);
  });

  test("npm run preview: a bad flag exits non-zero with one line and no stack trace", () => {
    const result = spawnSync("npm", ["run", "-s", "preview", "--", "--plans", join(tmp, "nonexistent")], { cwd: ROOT, encoding: "utf8" });
    expect(result.status).toBe(2);
    const lines = result.stderr.split("\n").filter((line) => line.trim() !== "" && !line.startsWith("npm warn"));
    expect(lines).toEqual([`preview: --plans ${join(tmp, "nonexistent")}: no such directory`]);
  });
});
