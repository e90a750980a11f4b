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
import type { TerraformProviderConstraint } from "@cdktf/commons";
import { parseCommandLine, runCommand } from "../cli-args";
import { OPENSTACK } from "./vendored";

const ROOT = path.resolve(__dirname, "..");
const SCHEMA_VERSION = OPENSTACK.version;
const SCHEMA = path.join(ROOT, "providers", OPENSTACK.schema);
const TARGET = path.join(ROOT, ".gen");

const USAGE = `Usage: npm run get
  Regenerates .gen/providers/openstack from the vendored schema (npm ci runs it as prepare).
  No options but --help.`;

async function main(argv: string[]): Promise<number> {
  if (parseCommandLine(argv, {}).values.help) {
    console.log(USAGE);
    return 0;
  }
  // Loaded only now: @cdktf/commons asks Terraform for its CLI configuration as it loads, which --help must not.
  const { ConstructsMakerProviderTarget, LANGUAGES, TerraformProviderConstraint } = await import("@cdktf/commons");
  const { CodeMaker, TerraformProviderGenerator } = await import("@cdktf/provider-generator");
  const started = Date.now();
  const constraint = openstackConstraint(TerraformProviderConstraint);
  const schema = JSON.parse(fs.readFileSync(SCHEMA, "utf8"));
  const fqpn = `registry.terraform.io/${constraint.source}`;
  if (!schema.provider_schemas?.[fqpn]) throw new Error(`${SCHEMA} has no schema for ${fqpn}`);
  schema.provider_versions = { [fqpn]: SCHEMA_VERSION };

  const out = path.join(TARGET, "providers/openstack");
  fs.rmSync(out, { recursive: true, force: true });
  const code = new CodeMaker();
  new TerraformProviderGenerator(code, schema).generate(new ConstructsMakerProviderTarget(constraint, LANGUAGES[0]));
  await code.save(TARGET);
  console.log(
    `generated ${countFiles(out)} files in ${path.relative(ROOT, out)} for ${constraint.source}@${constraint.version} from schema ${SCHEMA_VERSION} (${Date.now() - started} ms)`,
  );
  return 0;
}

/** The OpenStack entry of cdktf.json's terraformProviders, the same input `cdktf get` reads. */
function openstackConstraint(Constraint: typeof TerraformProviderConstraint): TerraformProviderConstraint {
  const cdktfJson = JSON.parse(fs.readFileSync(path.join(ROOT, "cdktf.json"), "utf8"));
  const entry = (cdktfJson.terraformProviders as string[]).find((p) => p.startsWith("terraform-provider-openstack/openstack"));
  if (!entry) throw new Error("cdktf.json: terraformProviders has no terraform-provider-openstack/openstack entry");
  return new Constraint(entry);
}

function countFiles(dir: string): number {
  return fs.readdirSync(dir, { withFileTypes: true }).reduce((n, e) => n + (e.isDirectory() ? countFiles(path.join(dir, e.name)) : 1), 0);
}

runCommand("binding generation", () => main(process.argv.slice(2)));
