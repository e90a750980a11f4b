/**
 * Generates `.gen/providers/openstack` from the vendored provider schema, offline.
 *
 * `cdktf get` would download the provider from the Terraform registry to ask it
 * for its schema; the build machines cannot reach the registry, so we feed the
 * vendored `terraform providers schema -json` output straight to the same code
 * generator that `cdktf get` uses. The output layout is identical.
 */
import * as fs from "fs";
import * as path from "path";
import { generateProviderBindingsFromSchema } from "@cdktf/provider-generator";

const ROOT = path.resolve(__dirname, "..");
const SCHEMA = path.join(ROOT, "providers/openstack/openstack-3.4.0.json");
const TARGET = path.join(ROOT, ".gen");

async function main(): Promise<void> {
  const schema = JSON.parse(fs.readFileSync(SCHEMA, "utf8"));
  const out = path.join(TARGET, "providers/openstack");
  fs.rmSync(out, { recursive: true, force: true });
  const started = Date.now();
  await generateProviderBindingsFromSchema(TARGET, schema);
  const files = countFiles(out);
  console.log(`generated ${files} files in ${path.relative(ROOT, out)} (${Date.now() - started} ms)`);
}

function countFiles(dir: string): number {
  return fs.readdirSync(dir, { withFileTypes: true })
    .reduce((n, e) => n + (e.isDirectory() ? countFiles(path.join(dir, e.name)) : 1), 0);
}

main().catch((err) => {
  console.error(`binding generation failed: ${err instanceof Error ? err.message : err}`);
  process.exit(1);
});
