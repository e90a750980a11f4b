/**
 * Every environment through the real terraform against the simulator:
 * init, validate, plan, apply, a re-plan with no changes, destroy to an empty
 * cloud. The three lifecycles run concurrently; each test then checks one step.
 */
import { EnvironmentInput, ENVIRONMENTS } from "../../config";
import { changed, describeWithTerraform, ResourceChange, Run, SimWorkspace } from "./harness";

jest.setTimeout(240_000);

interface Lifecycle {
  readonly runs: Record<string, Run>;
  plan: ResourceChange[];
  stateIds: { address: string; type: string; id: string }[];
  cloudAfterApply: { type: string; id: string; owner?: string }[];
  cloudAfterDestroy: number;
  driftPlan: Record<string, string>;
  droppedRule: string;
}

/** Runs the steps in order and records them; a failed step ends the lifecycle (later tests then fail on missing runs). */
async function lifecycle(input: EnvironmentInput): Promise<Lifecycle> {
  const ws = new SimWorkspace(input.env);
  const result: Lifecycle = { runs: {}, plan: [], stateIds: [], cloudAfterApply: [], cloudAfterDestroy: -1, driftPlan: {}, droppedRule: "" };
  const record = async (name: string, pending: Promise<Run>) => {
    result.runs[name] = await pending;
    return result.runs[name].code;
  };
  try {
    const dir = ws.synth([input]);
    if (await record("init", ws.init(dir)) !== 0) return result;
    if (await record("validate", ws.terraform(dir, ["validate"])) !== 0) return result;
    result.plan = await ws.planChanges(dir);
    if (await record("apply", ws.terraform(dir, ["apply", "-input=false", "plan.bin"])) !== 0) return result;
    result.stateIds = await ws.stateResources(dir);
    result.cloudAfterApply = ws.cloud().map((o) => ({ type: o.type, id: o.id, owner: o.owner }));
    if (await record("replan", ws.terraform(dir, ["plan", "-input=false", "-detailed-exitcode"])) !== 0) return result;

    let destroyDir = dir;
    if (input.env === "dev") {
      const rule = result.stateIds.find((r) => r.type === "openstack_networking_secgroup_rule_v2")!;
      result.droppedRule = rule.address;
      ws.removeFromCloud(rule.type, rule.id);
      result.driftPlan = changed(await ws.planChanges(dir));
      if (await record("heal", ws.terraform(dir, ["apply", "-input=false", "plan.bin"])) !== 0) return result;
    }
    if (input.services?.preventDestroy) {
      await record("protectedDestroy", ws.terraform(dir, ["destroy", "-auto-approve", "-input=false"]));
      // The operator's way out: turn the protection off in config, then destroy.
      destroyDir = ws.synth([{ ...input, services: { ...input.services, preventDestroy: false } }]);
      if (await record("reinit", ws.init(destroyDir)) !== 0) return result;
    }
    if (await record("destroy", ws.terraform(destroyDir, ["destroy", "-auto-approve", "-input=false"])) !== 0) return result;
    result.cloudAfterDestroy = ws.cloud().length;
    return result;
  } finally {
    ws.dispose();
  }
}

const explain = (run: Run | undefined) => (run ? `exit ${run.code}\n${run.stderr}${run.stdout.slice(-3000)}` : "step did not run");

describeWithTerraform("simulated OpenStack end to end", () => {
  const results: Record<string, Lifecycle> = {};

  beforeAll(async () => {
    const done = await Promise.all(ENVIRONMENTS.map((input) => lifecycle(input)));
    ENVIRONMENTS.forEach((input, i) => (results[input.env] = done[i]));
  });

  describe.each(ENVIRONMENTS.map((e) => e.env))("%s", (env) => {
    test("terraform init (offline, from the mirror) and validate succeed", () => {
      expect(explain(results[env].runs.init)).toMatch(/^exit 0/);
      expect(explain(results[env].runs.validate)).toMatch(/^exit 0/);
    });

    test("the first plan creates every resource", () => {
      const { plan } = results[env];
      expect(plan.length).toBeGreaterThan(10);
      expect(plan.filter((c) => c.actions.join() !== "create")).toEqual([]);
    });

    test("apply creates exactly the state's objects in the simulated cloud", () => {
      const { runs, stateIds, cloudAfterApply } = results[env];
      expect(explain(runs.apply)).toMatch(/^exit 0/);
      const managed = stateIds.filter((r) => r.type.startsWith("openstack_")).map((r) => `${r.type}/${r.id}`).sort();
      const inCloud = cloudAfterApply.filter((o) => !o.owner).map((o) => `${o.type}/${o.id}`).sort();
      expect(inCloud).toEqual(managed);
    });

    test("a re-plan right after apply reports no changes", () => {
      expect(explain(results[env].runs.replan)).toMatch(/^exit 0/);
    });

    test("destroy leaves the simulated cloud empty", () => {
      expect(explain(results[env].runs.destroy)).toMatch(/^exit 0/);
      expect(results[env].cloudAfterDestroy).toBe(0);
    });
  });

  test("dev: an object deleted outside Terraform is planned again, and apply heals it", () => {
    const dev = results.dev;
    expect(dev.driftPlan).toEqual({ [dev.droppedRule]: "create" });
    expect(explain(dev.runs.heal)).toMatch(/^exit 0/);
  });

  test("prod: the database volume cannot be destroyed while prevent_destroy is set", () => {
    const run = results.prod.runs.protectedDestroy;
    expect(run?.code).toBe(1);
    expect(run?.stderr).toContain("Error: Instance cannot be destroyed");
    expect(run?.stderr).toMatch(/openstack_blockstorage_volume_v3\.\S+ has\s+lifecycle\.prevent_destroy set/);
  });
});
