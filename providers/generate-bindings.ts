/**
 * Generates `.gen/providers/openstack` from the vendored provider schema, offline.
 *
 * `cdktf get` would download the provider from the Terraform registry to ask it
 * for its schema; the build machines cannot reach the registry, so we feed the
 * vendored `terraform providers schema -json` output to the same code
 * generator `cdktf get` uses, with the constraint from cdktf.json. The output
 * has the same layout and the same provider metadata (source, version).
 */
import * as fs from "fs";
import * as path from "path";
import { ConstructsMakerProviderTarget, LANGUAGES, TerraformProviderConstraint } from "@cdktf/commons";
import { CodeMaker, TerraformProviderGenerator } from "@cdktf/provider-generator";
import { OPENSTACK } from "./vendored";

const ROOT = path.resolve(__dirname, "..");
const SCHEMA_VERSION = OPENSTACK.version;
const SCHEMA = path.join(ROOT, "providers", OPENSTACK.schema);
const TARGET = path.join(ROOT, ".gen");

async function main(): Promise<void> {
  const started = Date.now();
  const constraint = openstackConstraint();
  const schema = JSON.parse(fs.readFileSync(SCHEMA, "utf8"));
  const fqpn = `registry.terraform.io/${constraint.source}`;
  if (!schema.provider_schemas?.[fqpn]) throw new Error(`${SCHEMA} has no schema for ${fqpn}`);
  schema.provider_versions = { [fqpn]: SCHEMA_VERSION };

  const out = path.join(TARGET, "providers/openstack");
  fs.rmSync(out, { recursive: true, force: true });
  const code = new CodeMaker();
  new TerraformProviderGenerator(code, schema).generate(new ConstructsMakerProviderTarget(constraint, LANGUAGES[0]));
  await code.save(TARGET);
  console.log(`generated ${countFiles(out)} files in ${path.relative(ROOT, out)} for ${constraint.source}@${constraint.version} from schema ${SCHEMA_VERSION} (${Date.now() - started} ms)`);
}

/** The OpenStack entry of cdktf.json's terraformProviders, the same input `cdktf get` reads. */
function openstackConstraint(): TerraformProviderConstraint {
  const cdktfJson = JSON.parse(fs.readFileSync(path.join(ROOT, "cdktf.json"), "utf8"));
  const entry = (cdktfJson.terraformProviders as string[]).find((p) => p.startsWith("terraform-provider-openstack/openstack"));
  if (!entry) throw new Error("cdktf.json: terraformProviders has no terraform-provider-openstack/openstack entry");
  return new TerraformProviderConstraint(entry);
}

function countFiles(dir: string): number {
  return fs.readdirSync(dir, { withFileTypes: true })
    .reduce((n, e) => n + (e.isDirectory() ? countFiles(path.join(dir, e.name)) : 1), 0);
}

main().catch((err) => {
  console.error(`binding generation failed: ${err instanceof Error ? err.message : err}`);
  process.exit(1);
});
