/**
 * Fault injection: a deploy that fails half-way, then a second deploy,
 * converges with every object exactly once and nothing lost from state.
 */
import { ENVIRONMENTS } from "../../config";
import { FaultInjector, parseFaults } from "../../sim/openstack/faults";
import { describeWithTerraform, SimWorkspace } from "./harness";

jest.setTimeout(180_000);

describe("FRACTALS_SIM_FAULTS", () => {
  test("parses type:n:status entries", () => {
    expect(parseFaults("openstack_compute_instance_v2:2:500, *:1:409")).toEqual([
      { type: "openstack_compute_instance_v2", nth: 2, status: 500 },
      { type: "*", nth: 1, status: 409 },
    ]);
    expect(parseFaults(undefined)).toEqual([]);
  });

  test("rejects a malformed entry, naming it", () => {
    expect(() => parseFaults("openstack_compute_instance_v2:0:500")).toThrow(/'openstack_compute_instance_v2:0:500' is not/);
    expect(() => parseFaults("openstack_compute_instance_v2:1:418")).toThrow(/status one of 400, 403, 404, 409, 413, 500, 503/);
  });

  test("fails exactly the n-th apply of the type, with an OpenStack-like message", () => {
    const injector = new FaultInjector(parseFaults("openstack_compute_instance_v2:2:403"));
    expect(() => injector.beforeApply("openstack_compute_instance_v2")).not.toThrow();
    expect(() => injector.beforeApply("openstack_networking_port_v2")).not.toThrow();
    expect(() => injector.beforeApply("openstack_compute_instance_v2")).toThrow(/Quota exceeded for instances/);
    expect(() => injector.beforeApply("openstack_compute_instance_v2")).not.toThrow();
  });
});

describeWithTerraform("a half-failed deploy, then a redeploy", () => {
  const dev = ENVIRONMENTS.find((e) => e.env === "dev")!;
  let ws: SimWorkspace;
  let dir: string;

  beforeAll(async () => {
    ws = new SimWorkspace("faults");
    dir = ws.synth([dev]);
    expect((await ws.init(dir)).code).toBe(0);
  });

  afterAll(() => ws?.dispose());

  const managedInState = async () => (await ws.stateResources(dir)).filter((r) => r.type.startsWith("openstack_"));
  const managedInCloud = () => ws.cloud().filter((o) => !o.owner);

  test("the first apply fails on the injected errors and records only what was created", async () => {
    const run = await ws.terraform(dir, ["apply", "-auto-approve", "-input=false"], {
      FRACTALS_SIM_FAULTS: "openstack_compute_instance_v2:2:500,openstack_networking_secgroup_rule_v2:1:409",
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("500 Internal Server Error");
    expect(run.stderr).toContain("409 Conflict");
    const inState = await managedInState();
    expect(inState.length).toBeGreaterThan(0);
    expect(
      managedInCloud()
        .map((o) => `${o.type}/${o.id}`)
        .sort(),
    ).toEqual(inState.map((r) => `${r.type}/${r.id}`).sort());
  });

  test("the second apply converges: every object once, none lost, nothing left to change", async () => {
    const before = await managedInState();
    const run = await ws.terraform(dir, ["apply", "-auto-approve", "-input=false"]);
    expect(run.stderr).toBe("");
    const after = await managedInState();
    expect(after.map((r) => r.id)).toEqual(expect.arrayContaining(before.map((r) => r.id)));
    const cloudIds = managedInCloud().map((o) => `${o.type}/${o.id}`);
    expect(new Set(cloudIds).size).toBe(cloudIds.length);
    expect(cloudIds.sort()).toEqual(after.map((r) => `${r.type}/${r.id}`).sort());
    expect((await ws.terraform(dir, ["plan", "-input=false", "-detailed-exitcode"])).code).toBe(0);
  });

  test("destroy then leaves the simulated cloud empty", async () => {
    expect((await ws.terraform(dir, ["destroy", "-auto-approve", "-input=false"])).code).toBe(0);
    expect(ws.cloud()).toEqual([]);
  });
});
