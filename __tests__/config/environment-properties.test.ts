/**
 * Property-based tests: any environment configuration either fails validation
 * with a clear ConfigError, or synthesizes stacks that conform to the provider
 * schemas and keep the security invariants. Nothing else may happen (no
 * TypeError from deep inside a construct, no half-valid stack).
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import fc from "fast-check";
import { Testing } from "cdktf";
import { cidrsOverlap, ConfigError, EnvironmentConfig, loadEnvironments } from "../../config";
import { buildApp } from "../../stacks/app";
import { FractalsStack } from "../../stacks/fractals-stack";
import { checkStack } from "../../providers/conformance/check-stack";
import { formatFinding } from "../../providers/conformance/findings";
import { SchemaIndex } from "../../providers/conformance/schema-index";
import {
  concurrentLoadBalancerChanges,
  duplicateNames,
  duplicateRules,
  floatingIpsWithoutRoute,
  foreignRemoteGroups,
  protectedResources,
  secretLiterals,
  sshFromAnywhere,
  sshFromOutsideAdmins,
  sshPastTheBastion,
  StackJson,
} from "../invariants/stack-invariants";
import { environmentArbitrary, environmentsArbitrary } from "./environment-arbitraries";

const index = SchemaIndex.vendored();
const TOP_LEVEL_KEYS = [
  "app",
  "env",
  "cloud",
  "region",
  "image",
  "network",
  "access",
  "fractals",
  "topology",
  "api",
  "services",
  "workers",
  "loadBalancer",
  "backend",
];
/** zod's own wording, which says neither what is wrong nor what is allowed. */
const UNCLEAR =
  /^(Required|Invalid input|Invalid)$|^Expected |^(String|Number|Array) must |^Invalid (url|enum|literal|discriminator)|undefined|\[object Object\]|NaN/;

/** Asserts the shape main.ts prints: `<env or "environment #n">: <field path>: <what is allowed>`. */
function expectClearIssues(error: unknown, inputs: Record<string, unknown>[]): void {
  if (!(error instanceof ConfigError)) throw error;
  expect(error.issues.length).toBeGreaterThan(0);
  const labels = inputs.flatMap((input, i) => [
    `environment #${i + 1}`,
    ...(typeof input.env === "string" && input.env ? [input.env] : []),
  ]);
  for (const issue of error.issues) {
    const m = /^(.+?): (\(root\)|[A-Za-z]+(?:\.[A-Za-z0-9]+)*): (.+)$/.exec(issue);
    expect({ issue, shape: m !== null }).toEqual({ issue, shape: true });
    const [, label, field, message] = m!;
    expect(labels).toContain(label);
    if (field !== "(root)") expect(TOP_LEVEL_KEYS).toContain(field.split(".")[0]);
    expect({ issue, clear: !UNCLEAR.test(message) }).toEqual({ issue, clear: true });
  }
}

describe("environment configurations (property-based)", () => {
  let outdir: string;
  beforeAll(() => {
    outdir = fs.mkdtempSync(path.join(os.tmpdir(), "properties-"));
  });
  afterAll(() => fs.rmSync(outdir, { recursive: true, force: true }));

  test("1,000 sets of environments: a clear ConfigError, or valid environments that can share a project", () => {
    const outcomes = { rejected: 0, accepted: 0, acceptedTogether: 0 };
    fc.assert(
      fc.property(environmentsArbitrary, (inputs) => {
        let configs: EnvironmentConfig[];
        try {
          configs = loadEnvironments(inputs);
        } catch (error) {
          expectClearIssues(error, inputs);
          outcomes.rejected++;
          return;
        }
        outcomes.accepted++;
        if (configs.length > 1) outcomes.acceptedTogether++;
        for (let i = 0; i < configs.length; i++) {
          for (let j = i + 1; j < configs.length; j++) {
            expect(configs[i].env).not.toBe(configs[j].env);
            expect(`${configs[i].app}-${configs[i].env}`).not.toBe(`${configs[j].app}-${configs[j].env}`);
            expect(cidrsOverlap(configs[i].network.cidr, configs[j].network.cidr)).toBe(false);
          }
          const w = configs[i].workers;
          if (w.mode === "autoscale")
            expect(w.min <= w.desired && w.desired <= w.max && w.scaleDownCpuPercent < w.scaleUpCpuPercent).toBe(true);
        }
      }),
      { numRuns: 1000 },
    );
    expect(outcomes.rejected).toBeGreaterThan(250);
    expect(outcomes.accepted).toBeGreaterThan(100);
    expect(outcomes.acceptedTogether).toBeGreaterThan(20);
  });

  test("1,000 environments: a clear ConfigError, or stacks that conform and keep the invariants", () => {
    const outcomes = { rejected: 0, synthesized: 0 };
    fc.assert(
      fc.property(environmentArbitrary, (input) => {
        let app;
        try {
          app = buildApp([input], { outdir });
        } catch (error) {
          expectClearIssues(error, [input]);
          outcomes.rejected++;
          return;
        }
        outcomes.synthesized++;
        const stack = app.node.children.find((c): c is FractalsStack => c instanceof FractalsStack)!;
        const config = stack.config; // as loadEnvironments made it for buildApp
        const text = Testing.synth(stack);
        const json = JSON.parse(text) as StackJson;
        const env = stack.node.id;
        expect(checkStack(env, json, index).map(formatFinding)).toEqual([]);
        expect(secretLiterals(env, text)).toEqual([]);
        expect(duplicateNames({ [env]: json })).toEqual([]);
        expect(floatingIpsWithoutRoute(env, json)).toEqual([]);
        expect(foreignRemoteGroups(env, json)).toEqual([]);
        if (!config.access.allowSshFromAnywhere) expect(sshFromAnywhere(env, json)).toEqual([]);
        expect(sshFromOutsideAdmins(env, json, config.access.adminCidrs)).toEqual([]);
        expect(sshPastTheBastion(env, json)).toEqual([]);
        expect(duplicateRules(env, json)).toEqual([]);
        expect(concurrentLoadBalancerChanges(env, json)).toEqual([]);
        expect(protectedResources(json).length).toBe(config.services?.preventDestroy ? 1 : 0);
      }),
      { numRuns: 1000 },
    );
    // Both branches must be exercised for the property to mean something (about 280 synthesize).
    expect(outcomes.synthesized).toBeGreaterThan(200);
    expect(outcomes.rejected).toBeGreaterThan(250);
  });
});
