/**
 * Property-based test of the checker itself, across every type of every
 * vendored provider: take a type's minimal valid configuration, break it in
 * one random way, and expect exactly the one finding that names the break.
 */
import fc from "fast-check";
import { checkStack, TerraformJson } from "../../providers/conformance/check-stack";
import { RuleId } from "../../providers/conformance/findings";
import { SchemaIndex, TypeSchema } from "../../providers/conformance/schema-index";
import type { CtyType } from "../../providers/schema/types";
import { minimalBody } from "./minimal-bodies";

const index = SchemaIndex.vendored();
const PROVIDERS = {
  openstack: { source: "terraform-provider-openstack/openstack", version: "3.4.0" },
  random: { source: "hashicorp/random", version: "3.7.2" },
};
const TYPES = Object.values(PROVIDERS).flatMap(({ source }) => {
  const provider = index.forSource(source)!;
  return [
    ...Object.entries(provider.resources).map(([type, schema]) => ({ mode: "resource" as const, type, schema })),
    ...Object.entries(provider.dataSources).map(([type, schema]) => ({ mode: "data" as const, type, schema })),
  ];
});

interface Break {
  readonly rule: RuleId;
  readonly path: string;
  readonly apply: (body: Record<string, unknown>) => void;
}

/** An argument with no relation to others, so breaking it cannot trip a second rule. */
function independent(schema: TypeSchema, name: string): boolean {
  const b = schema.behaviour[name];
  return !b?.conflicts_with && !b?.exactly_one_of && !b?.at_least_one_of && !b?.required_with;
}

/** A value no conversion turns into `type`. */
function wrongValueFor(type: CtyType): unknown {
  if (type === "string") return { not: "a string" };
  if (type === "number") return "not a number";
  if (type === "bool") return 42;
  return true;
}

/** Every single break applicable to a type's minimal body. */
function breaksFor(schema: TypeSchema, body: Record<string, unknown>): Break[] {
  const attributes = Object.entries(schema.block.attributes ?? {});
  return [
    {
      rule: "unknown-attribute",
      path: "zz_no_such_argument",
      apply: (b) => {
        b.zz_no_such_argument = "x";
      },
    },
    ...attributes
      .filter(([name, a]) => a.required && independent(schema, name))
      .map(([name]): Break => ({
        rule: "missing-required",
        path: name,
        apply: (b) => {
          delete b[name];
        },
      })),
    ...attributes
      .filter(
        ([name, a]) => (a.required || a.optional) && a.type !== "dynamic" && independent(schema, name) && !(name in body && !a.required),
      )
      .map(([name, a]): Break => ({
        rule: "wrong-type",
        path: name,
        apply: (b) => {
          b[name] = wrongValueFor(a.type);
        },
      })),
    ...attributes
      .filter(([, a]) => !a.required && !a.optional)
      .map(([name]): Break => ({
        rule: "computed-only",
        path: name,
        apply: (b) => {
          b[name] = "set by hand";
        },
      })),
  ];
}

test("1,000 single breaks across all types are each reported exactly, with their path", () => {
  const arbitrary = fc.constantFrom(...TYPES).chain((t) => {
    const breaks = breaksFor(t.schema, minimalBody(t.schema));
    return fc.constantFrom(...breaks).map((brk) => ({ ...t, brk }));
  });
  fc.assert(
    fc.property(arbitrary, ({ mode, type, schema, brk }) => {
      const body = minimalBody(schema);
      brk.apply(body);
      const config: TerraformJson = { terraform: { required_providers: PROVIDERS }, [mode]: { [type]: { broken: body } } };
      const address = mode === "resource" ? `${type}.broken` : `data.${type}.broken`;
      const findings = checkStack("mutants", config, index).map((f) => ({ address: f.address, path: f.path, rule: f.rule }));
      const expected = [{ address, path: brk.path, rule: brk.rule }];
      expect(findings).toEqual(expected);
    }),
    { numRuns: 1000 },
  );
});
