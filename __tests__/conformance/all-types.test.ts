/**
 * No false positives on any type: the minimal configuration of every resource
 * and data source of every vendored provider, derived from its schema, must
 * conform. (The rule tests show the checker fails; this shows it passes.)
 */
import { checkStack, TerraformJson } from "../../providers/conformance/check-stack";
import { formatFinding } from "../../providers/conformance/findings";
import { SchemaIndex } from "../../providers/conformance/schema-index";
import { minimalBody } from "./minimal-bodies";

const index = SchemaIndex.vendored();
const PROVIDERS = {
  openstack: { source: "terraform-provider-openstack/openstack", version: "3.4.0" },
  random: { source: "hashicorp/random", version: "3.7.2" },
};

const cases = Object.entries(PROVIDERS).flatMap(([, { source }]) => {
  const provider = index.forSource(source)!;
  return [
    ...Object.entries(provider.resources).map(([type, schema]) => ["resource", type, schema] as const),
    ...Object.entries(provider.dataSources).map(([type, schema]) => ["data", type, schema] as const),
  ];
});

test("both vendored providers are covered, all 108 OpenStack resources and 61 data sources", () => {
  expect(cases.filter(([mode, type]) => mode === "resource" && type.startsWith("openstack_"))).toHaveLength(108);
  expect(cases.filter(([mode, type]) => mode === "data" && type.startsWith("openstack_"))).toHaveLength(61);
});

test.each(cases)("%s %s: its minimal configuration conforms", (mode, type, schema) => {
  const config: TerraformJson = {
    terraform: { required_providers: PROVIDERS },
    [mode]: { [type]: { minimal: minimalBody(schema) } },
  };
  expect(checkStack("all-types", config, index).map(formatFinding)).toEqual([]);
});
