/**
 * The real environments, synthesized from config/ as `cdktf synth` would, must
 * conform to the vendored provider schemas; and `npm run check` must say so,
 * or name the offending address when a stack is broken.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { TerraformStack, Testing } from "cdktf";
import { ENVIRONMENTS } from "../../config";
import { buildApp } from "../../stacks/app";
import { ComputeInstanceV2 } from "../../.gen/providers/openstack/compute-instance-v2";
import { OpenstackProvider } from "../../.gen/providers/openstack/provider";
import { checkAppInMemory, checkSynthesizedApp } from "../../providers/conformance/check-app";
import { checkStack } from "../../providers/conformance/check-stack";
import { formatFinding } from "../../providers/conformance/findings";
import { SchemaIndex } from "../../providers/conformance/schema-index";

const ROOT = path.resolve(__dirname, "../..");
const index = SchemaIndex.vendored();

function runCheck(args: string[]) {
  return spawnSync(process.execPath, ["-r", "tsx/cjs", "providers/conformance/cli.ts", ...args], {
    cwd: ROOT,
    encoding: "utf8",
    env: { ...process.env, CHECKPOINT_DISABLE: "1" },
  });
}

describe("dev, staging and prod", () => {
  let outdir: string;
  beforeAll(() => {
    outdir = fs.mkdtempSync(path.join(os.tmpdir(), "conformance-"));
    buildApp(ENVIRONMENTS, { outdir, skipValidation: true }).synth();
  });
  afterAll(() => fs.rmSync(outdir, { recursive: true, force: true }));

  test("synthesized in memory, every stack conforms", () => {
    const { stacks, findings } = checkAppInMemory(buildApp(ENVIRONMENTS, { outdir }), index);
    expect(stacks).toEqual(expect.arrayContaining(["dev", "staging", "prod"]));
    expect(findings.map(formatFinding)).toEqual([]);
  });

  test("synthesized to disk, every stack conforms", () => {
    const { stacks, findings } = checkSynthesizedApp(outdir, index);
    expect(stacks).toEqual(expect.arrayContaining(["dev", "staging", "prod"]));
    expect(findings.map(formatFinding)).toEqual([]);
  });

  test("every resource and data source type of every stack is checked against a schema", () => {
    for (const env of ["dev", "staging", "prod"]) {
      const config = JSON.parse(fs.readFileSync(path.join(outdir, "stacks", env, "cdk.tf.json"), "utf8"));
      const sources = Object.values(config.terraform.required_providers as Record<string, { source: string }>).map((p) => p.source);
      expect(sources.every((s) => index.forSource(s))).toBe(true);
      expect(Object.keys(config.resource).length).toBeGreaterThan(5);
    }
  });

  test("npm run check exits 0 on the synthesized output", () => {
    const run = runCheck([outdir]);
    expect(run.stderr).toBe("");
    expect(run.stdout).toMatch(/\d+ stack\(s\) \(.*dev.*\) pass \d+ rules against the vendored provider schemas/);
    expect(run.status).toBe(0);
  });

  test("npm run check exits non-zero naming stack, address and path when a stack is broken", () => {
    const broken = fs.mkdtempSync(path.join(os.tmpdir(), "conformance-broken-"));
    try {
      fs.cpSync(outdir, broken, { recursive: true });
      const file = path.join(broken, "stacks", "staging", "cdk.tf.json");
      const config = JSON.parse(fs.readFileSync(file, "utf8"));
      const [name, subnet] = Object.entries(config.resource.openstack_networking_subnet_v2)[0] as [string, Record<string, unknown>];
      subnet.ip_version = 5;
      fs.writeFileSync(file, JSON.stringify(config));
      const run = runCheck([broken]);
      expect(run.status).toBe(1);
      expect(run.stderr).toContain(
        `staging: openstack_networking_subnet_v2.${name}: ip_version: expected ip_version to be one of [4 6], got 5 [one-of]`,
      );
      expect(run.stderr).not.toMatch(/^\s+at /m);
    } finally {
      fs.rmSync(broken, { recursive: true, force: true });
    }
  });
});

test("a construct overriding a value outside the provider's validation is caught in memory", () => {
  const app = Testing.app();
  const stack = new TerraformStack(app, "scratch");
  new OpenstackProvider(stack, "openstack", {});
  const server = new ComputeInstanceV2(stack, "server", { name: "scratch-server", powerState: "active" });
  server.addOverride("power_state", "running");
  const findings = checkStack("scratch", JSON.parse(Testing.synth(stack)), index);
  expect(findings.map(formatFinding)).toEqual([
    expect.stringMatching(
      /^scratch: openstack_compute_instance_v2\.server: power_state: expected power_state to be one of \["active" .*\], got running \[one-of\]$/,
    ),
  ]);
});
