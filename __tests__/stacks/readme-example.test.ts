import "../support/cdktf-matchers";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as ts from "typescript";
import { installSimulator } from "../../sim/cli/install";
import { TERRAFORM_VERSION } from "../sim/harness";

const ROOT = path.resolve(__dirname, "../..");

/** The README's "Composing the constructs" example, run as written (only its outdir changed). */
describe("README example", () => {
  test("compiles, synthesizes, builds what it says, and plans against the simulator (cdktf toPlanSuccessfully)", () => {
    const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
    const block = /```ts\n(import \{ App, TerraformStack \}[\s\S]*?)```/.exec(readme);
    expect(block).not.toBeNull();
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "fractals-readme-"));
    try {
      const source = block![1].replace("new App()", `new App({ outdir: ${JSON.stringify(outdir)} })`);
      const js = ts.transpileModule(source, {
        compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 },
      }).outputText;
      const load = (id: string) => require(id.startsWith("./") ? path.join(ROOT, id) : id);
      new Function("require", "exports", js)(load, {});
      const json = JSON.parse(fs.readFileSync(path.join(outdir, "stacks/shop-qa/cdk.tf.json"), "utf8"));
      expect(Object.keys(json.resource.openstack_lb_member_v2)).toHaveLength(2);
      expect(Object.keys(json.resource.openstack_orchestration_stack_v1)).toHaveLength(1);
      const volume = Object.values(json.resource.openstack_blockstorage_volume_v3)[0] as any;
      expect(volume).toMatchObject({ name: "shop-qa-services-data", size: 50, lifecycle: { prevent_destroy: true } });
      const amqp = (Object.values(json.resource.openstack_networking_secgroup_rule_v2) as any[]).filter((r) => r.port_range_min === 5672);
      expect(amqp).toHaveLength(2);
      for (const rule of amqp) expect(rule.remote_group_id).toBeDefined();
      if (TERRAFORM_VERSION) expectToPlanAgainstTheSimulator(outdir);
      else console.warn("*** SKIPPED: the README example's plan needs the terraform CLI, which is not on PATH ***");
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  });
});

/**
 * cdktf's own matcher, `toPlanSuccessfully` (terraform init + plan in each
 * stack of the manifest), with Terraform taking the providers from the
 * simulator's mirror and planning against an empty simulated cloud. The
 * matcher reads process.env, so the simulator's settings are set around it.
 */
function expectToPlanAgainstTheSimulator(outdir: string): void {
  const simDir = fs.mkdtempSync(path.join(os.tmpdir(), "fractals-readme-sim-"));
  const settings: Record<string, string> = {
    ...installSimulator(simDir).env,
    FRACTALS_SIM_STATE: path.join(simDir, "cloud.json"),
    TF_IN_AUTOMATION: "1",
  };
  const saved = Object.fromEntries(Object.keys(settings).map((k) => [k, process.env[k]]));
  Object.assign(process.env, settings);
  try {
    expect(outdir).toPlanSuccessfully();
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    fs.rmSync(simDir, { recursive: true, force: true });
  }
}
