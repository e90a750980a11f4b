/**
 * Issue 13.4: a failed Heat create leaves the named stack behind. Provider
 * 3.4.0 records the stack's id only once it is CREATE_COMPLETE
 * (resource_openstack_orchestration_stack_v1.go: d.SetId after the wait), so
 * Terraform keeps nothing, and a create under the same name collides with
 * the stack that failed. The project's next apply must succeed all the same.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { ENVIRONMENTS } from "../../config";
import { blockType, conform, ValueObject } from "../../sim/protocol/cty";
import { Cloud } from "../../sim/openstack/cloud";
import { OpenStackProvider } from "../../sim/openstack/openstack-provider";
import { changed, describeWithTerraform, SimWorkspace } from "./harness";

jest.setTimeout(600_000);

const STACK = "openstack_orchestration_stack_v1";
const TEMPLATE = JSON.stringify({ heat_template_version: "2018-08-31", resources: { nothing: { type: "OS::Heat::None" } } });

describe("the simulated Heat after a failed create", () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(path.join(tmpdir(), "fractals-sim-heat-fail-"))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const apply = (provider: OpenStackProvider, values: ValueObject) => {
    const full = conform(values, blockType(provider.schemas.resources[STACK].block)) as ValueObject;
    const plan = provider.planResourceChange(STACK, null, full, full);
    return provider.applyResourceChange(STACK, null, plan.planned);
  };

  test.each([
    [
      false,
      "ROLLBACK_COMPLETE",
      "unexpected state 'ROLLBACK_COMPLETE', wanted target 'CREATE_COMPLETE, UPDATE_COMPLETE, UPDATE_IN_PROGRESS'",
    ],
    [true, "CREATE_FAILED", "The stack is in error status."],
  ])(
    "disable_rollback %s: the stack stays as %s, Terraform gets no id, and the next create collides on the name",
    (disableRollback, status, message) => {
      const cloudFile = path.join(dir, "cloud.json");
      const failing = new OpenStackProvider({ stateFile: cloudFile, faults: `${STACK}:1:500` });
      failing.configure({});
      const stack = { name: "fractals-staging-workers", template_opts: { Bin: TEMPLATE }, disable_rollback: disableRollback };
      const failed = apply(failing, stack);
      expect(failed.newState).toBeNull();
      expect(failed.diagnostics).toHaveLength(1);
      expect(failed.diagnostics[0].summary).toMatch(/^Error waiting for openstack_orchestration_stack_v1 [0-9a-f-]{36} to become ready$/);
      expect(failed.diagnostics[0].detail).toContain(message);
      const left = Cloud.load(cloudFile).list(STACK);
      expect(left.map((s) => [s.state.name, s.state.status])).toEqual([["fractals-staging-workers", status]]);
      expect(String(left[0].state.status_reason)).toContain("simulated fault");

      const next = new OpenStackProvider({ stateFile: cloudFile, faults: "" });
      next.configure({});
      const again = apply(next, stack);
      expect(again.diagnostics.map((d) => d.detail)).toEqual([
        expect.stringContaining("409 Conflict: The Stack (fractals-staging-workers) already exists."),
      ]);
      expect(apply(next, { ...stack, name: "fractals-staging-workers-2" }).diagnostics).toEqual([]);
    },
  );

  test("a template Heat refuses (400) is the API's answer: no stack is left", () => {
    const cloudFile = path.join(dir, "cloud.json");
    const failing = new OpenStackProvider({ stateFile: cloudFile, faults: `${STACK}:1:400` });
    failing.configure({});
    expect(apply(failing, { name: "s", template_opts: { Bin: TEMPLATE } }).diagnostics).toHaveLength(1);
    expect(Cloud.load(cloudFile).list(STACK)).toEqual([]);
  });
});

describeWithTerraform("staging: the workers' stack fails to create, then the next apply", () => {
  // Fixed API servers: the workers' stack is then staging's only one, the one the fault fails.
  const staging = { ...ENVIRONMENTS.find((e) => e.env === "staging")!, api: { flavor: "m1.small", count: 2 } };
  let ws: SimWorkspace;
  let dir: string;

  beforeAll(async () => {
    ws = new SimWorkspace("heat-fail");
    dir = ws.synth([staging]);
    expect((await ws.init(dir)).code).toBe(0);
  });
  afterAll(() => ws?.dispose());

  test("succeeds, next to the failed stack, and the plan after it is empty", async () => {
    const first = await ws.terraform(dir, ["apply", "-auto-approve", "-input=false"], { FRACTALS_SIM_FAULTS: `${STACK}:1:500` });
    expect(first.code).toBe(1);
    expect(first.stderr).toContain("to become ready");
    expect(
      ws
        .cloud()
        .filter((o) => o.type === STACK)
        .map((o) => o.state.status),
    ).toEqual(["ROLLBACK_COMPLETE"]);
    expect((await ws.stateResources(dir)).filter((r) => r.type === STACK)).toEqual([]);

    await new Promise((r) => setTimeout(r, 1100)); // another second: another plan timestamp
    const second = await ws.terraform(dir, ["apply", "-auto-approve", "-input=false"]);
    expect(`exit ${second.code}\n${second.code === 0 ? "" : second.stderr}`).toBe("exit 0\n");
    const stacks = ws.cloud().filter((o) => o.type === STACK);
    expect(stacks.map((o) => o.state.status).sort()).toEqual(["CREATE_COMPLETE", "ROLLBACK_COMPLETE"]);
    const [tracked] = (await ws.stateResources(dir)).filter((r) => r.type === STACK);
    expect(stacks.find((s) => s.id === tracked.id)!.state.status).toBe("CREATE_COMPLETE");
    for (const s of stacks) expect(String(s.state.name)).toMatch(/^fractals-staging-workers-\d{14}$/);

    expect(changed(await ws.planChanges(dir, ["-input=false"]))).toEqual({});
  });
});
