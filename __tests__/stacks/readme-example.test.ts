import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as ts from "typescript";

const ROOT = path.resolve(__dirname, "../..");

/** The README's "Composing the constructs" example, run as written (only its outdir changed). */
describe("README example", () => {
  test("compiles, synthesizes, and builds what it says", () => {
    const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
    const block = /```ts\n(import \{ App, TerraformStack \}[\s\S]*?)```/.exec(readme);
    expect(block).not.toBeNull();
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "fractals-readme-"));
    try {
      const source = block![1].replace("new App()", `new App({ outdir: ${JSON.stringify(outdir)} })`);
      const js = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } }).outputText;
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
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  });
});
