/**
 * Every environment through the real terraform against the simulator:
 * init, validate, plan, apply, a re-plan with no changes, day-2 changes
 * planned against the deployment, destroy to an empty cloud. The three
 * lifecycles run concurrently; each test then checks one step.
 *
 * The day-2 plans were a suite of their own (day-two.test.ts) that deployed
 * dev and staging a second time, identically, only to plan against them and
 * destroy them again; they now plan against these deployments, after the
 * re-plan and before anything else changes them (about 8 s of CPU less per
 * run, bench/README.md). A plan changes neither the cloud nor the state.
 */
import { EnvironmentInput, ENVIRONMENTS } from "../../config";
import { changed, describeWithTerraform, ResourceChange, Run, SimWorkspace } from "./harness";

jest.setTimeout(240_000);

/** Day-2 changes to plan against each deployed environment, by name. */
const DAY_TWO: Record<string, Record<string, (input: EnvironmentInput) => EnvironmentInput>> = {
  staging: {
    "workers max + 2": (staged) => {
      if (staged.workers.mode !== "autoscale") throw new Error("staging is expected to autoscale its workers");
      return { ...staged, workers: { ...staged.workers, max: staged.workers.max + 2 } };
    },
    "worker image": (staged) => ({ ...staged, workers: { ...staged.workers, image: "Ubuntu 24.04" } }),
    "services user data": (staged) => ({ ...staged, services: { ...staged.services!, mysqlMaxConnections: 300 } }),
  },
  dev: {
    "worker image": (small) => ({ ...small, workers: { ...small.workers, image: "Ubuntu 24.04" } }),
  },
};

interface Lifecycle {
  readonly runs: Record<string, Run>;
  plan: ResourceChange[];
  stateIds: { address: string; type: string; id: string }[];
  cloudAfterApply: { type: string; id: string; owner?: string }[];
  cloudAfterDestroy: number;
  driftPlan: Record<string, string>;
  droppedRule: string;
  /** Each day-2 change's plan (non-no-op actions by address), or why it could not be planned. */
  dayTwo: Record<string, Record<string, string> | Error>;
}

/** Runs the steps in order and records them; a failed step ends the lifecycle (later tests then fail on missing runs). */
async function lifecycle(input: EnvironmentInput): Promise<Lifecycle> {
  const ws = new SimWorkspace(input.env);
  const result: Lifecycle = {
    runs: {},
    plan: [],
    stateIds: [],
    cloudAfterApply: [],
    cloudAfterDestroy: -1,
    driftPlan: {},
    droppedRule: "",
    dayTwo: {},
  };
  const record = async (name: string, pending: Promise<Run>) => {
    result.runs[name] = await pending;
    return result.runs[name].code;
  };
  try {
    const dir = ws.synth([input]);
    if ((await record("init", ws.init(dir))) !== 0) return result;
    if ((await record("validate", ws.terraform(dir, ["validate"]))) !== 0) return result;
    result.plan = await ws.planChanges(dir);
    if ((await record("apply", ws.terraform(dir, ["apply", "-input=false", "plan.bin"]))) !== 0) return result;
    result.stateIds = await ws.stateResources(dir);
    result.cloudAfterApply = ws.cloud().map((o) => ({ type: o.type, id: o.id, owner: o.owner }));
    if ((await record("replan", ws.terraform(dir, ["plan", "-input=false", "-detailed-exitcode"]))) !== 0) return result;

    // One at a time: the variants share the deployment's state, and a plan holds its lock.
    for (const [name, vary] of Object.entries(DAY_TWO[input.env] ?? {})) {
      try {
        const variantDir = ws.synth([vary(input)]);
        const init = await ws.init(variantDir);
        if (init.code !== 0) throw new Error(init.stderr);
        result.dayTwo[name] = changed(await ws.planChanges(variantDir));
      } catch (error) {
        result.dayTwo[name] = error instanceof Error ? error : new Error(String(error));
      }
    }

    let destroyDir = dir;
    if (input.env === "dev") {
      const rule = result.stateIds.find((r) => r.type === "openstack_networking_secgroup_rule_v2")!;
      result.droppedRule = rule.address;
      ws.removeFromCloud(rule.type, rule.id);
      result.driftPlan = changed(await ws.planChanges(dir));
      if ((await record("heal", ws.terraform(dir, ["apply", "-input=false", "plan.bin"]))) !== 0) return result;
    }
    if (input.services?.preventDestroy) {
      await record("protectedDestroy", ws.terraform(dir, ["destroy", "-auto-approve", "-input=false"]));
      // The operator's way out: turn the protection off in config, then destroy.
      destroyDir = ws.synth([{ ...input, services: { ...input.services, preventDestroy: false } }]);
      if ((await record("reinit", ws.init(destroyDir))) !== 0) return result;
    }
    if ((await record("destroy", ws.terraform(destroyDir, ["destroy", "-auto-approve", "-input=false"]))) !== 0) return result;
    result.cloudAfterDestroy = ws.cloud().length;
    return result;
  } finally {
    ws.dispose();
  }
}

const explain = (run: Run | undefined) => (run ? `exit ${run.code}\n${run.stderr}${run.stdout.slice(-3000)}` : "step did not run");

/** A day-2 plan's changes; throws what stopped it (or that the lifecycle ended before it). */
function dayTwoPlan(lifecycle: Lifecycle, name: string): Record<string, string> {
  const planned = lifecycle.dayTwo[name];
  if (planned === undefined) throw new Error(`day-2 plan "${name}" did not run: ${explain(lifecycle.runs.replan)}`);
  if (planned instanceof Error) throw planned;
  return planned;
}

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
      const managed = stateIds
        .filter((r) => r.type.startsWith("openstack_"))
        .map((r) => `${r.type}/${r.id}`)
        .sort();
      const inCloud = cloudAfterApply
        .filter((o) => !o.owner)
        .map((o) => `${o.type}/${o.id}`)
        .sort();
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

  /** Day-2 changes planned by the real terraform against the deployed environments: each touches only what it must. */
  describe("day-2 changes on the simulated OpenStack", () => {
    test("raising the autoscaled workers' max size updates only the Heat stack, in place", () => {
      const changes = dayTwoPlan(results.staging, "workers max + 2");
      expect(Object.values(changes)).toEqual(["update"]);
      expect(Object.keys(changes)[0]).toMatch(/^openstack_orchestration_stack_v1\./);
    });

    test("a new worker image changes only worker resources (autoscaled: the Heat stack, in place)", () => {
      const changes = dayTwoPlan(results.staging, "worker image");
      expect(Object.keys(changes).length).toBeGreaterThan(0);
      for (const [address, action] of Object.entries(changes)) {
        expect([address, action]).toEqual([expect.stringMatching(/^openstack_orchestration_stack_v1\.workers/), "update"]);
      }
    });

    test("a new worker image changes only worker resources (fixed: the worker servers, replaced as planned)", () => {
      const changes = dayTwoPlan(results.dev, "worker image");
      expect(Object.keys(changes).length).toBeGreaterThan(0);
      for (const [address, action] of Object.entries(changes)) {
        // The server is replaced, triggered by its image record, instead of the provider's silent in-place rebuild.
        expect([address, action]).toEqual(
          address.startsWith("terraform_data.")
            ? [expect.stringMatching(/^terraform_data\.workers_worker-\d+_image_/), "update"]
            : [expect.stringMatching(/^openstack_compute_instance_v2\.workers_/), "replace"],
        );
      }
      expect(Object.values(changes)).toContain("replace");
    });

    test("new services-node user data replaces that server (and its volume attachment) but not its volume", () => {
      const changes = dayTwoPlan(results.staging, "services user data");
      const replaced = Object.entries(changes)
        .filter(([, a]) => a === "replace")
        .map(([address]) => address)
        .sort();
      expect(replaced).toEqual([
        expect.stringMatching(/^openstack_compute_instance_v2\.services_/),
        expect.stringMatching(/^openstack_compute_volume_attach_v2\.services_/),
      ]);
      expect(Object.keys(changes).sort()).toEqual(replaced);
    });

    test("destroy after the day-2 plans leaves the simulated cloud empty", () => {
      for (const env of ["staging", "dev"]) {
        expect(Object.keys(results[env].dayTwo).length).toBeGreaterThan(0);
        expect({ env, stderr: results[env].runs.destroy?.stderr }).toEqual({ env, stderr: "" });
        expect(results[env].cloudAfterDestroy).toBe(0);
      }
    });
  });

  test("prod: the database volume cannot be destroyed while prevent_destroy is set", () => {
    const run = results.prod.runs.protectedDestroy;
    expect(run?.code).toBe(1);
    expect(run?.stderr).toContain("Error: Instance cannot be destroyed");
    expect(run?.stderr).toMatch(/openstack_blockstorage_volume_v3\.\S+ has\s+lifecycle\.prevent_destroy set/);
  });
});
