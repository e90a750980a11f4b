/**
 * Image changes against a deployed environment: a newer upload under the same
 * name never moves servers silently, and an image change plans as a replacement.
 */
import { EnvironmentInput, ENVIRONMENTS } from "../../config";
import { IMAGES, UPLOADED_IMAGE } from "../../sim/openstack/catalogue";
import { Cloud } from "../../sim/openstack/cloud";
import { changed, describeWithTerraform, SimWorkspace } from "./harness";

jest.setTimeout(240_000);

const dev = ENVIRONMENTS.find((e) => e.env === "dev")!;
const ubuntu = IMAGES.find((i) => i.name === "Ubuntu 22.04")!;

describeWithTerraform("images on a deployed environment", () => {
  const ws = new SimWorkspace("images");
  const plan = async (input: EnvironmentInput) => {
    const dir = ws.synth([input]);
    const init = await ws.init(dir);
    if (init.code !== 0) throw new Error(init.stderr);
    return ws.terraform(dir, ["plan", "-input=false", "-detailed-exitcode", "-out=plan.bin"]).then(async (run) => ({
      run,
      changes: run.code === 2 ? changed(await ws.savedPlanChanges(dir)) : {},
    }));
  };

  beforeAll(async () => {
    const dir = ws.synth([dev]);
    for (const run of [() => ws.init(dir), () => ws.terraform(dir, ["apply", "-auto-approve", "-input=false"])]) {
      const result = await run();
      if (result.code !== 0) throw new Error(result.stderr);
    }
  });
  afterAll(() => ws.dispose());

  test("pinning the name to the UUID it resolves to changes nothing", async () => {
    const { run, changes } = await plan({ ...dev, image: ubuntu.id });
    expect(changes).toEqual({});
    expect(run.code).toBe(0);
  });

  test("a new image plans the servers' replacement, not an in-place rebuild", async () => {
    const { changes } = await plan({ ...dev, image: "Ubuntu 24.04" });
    const servers = Object.entries(changes).filter(([address]) => address.startsWith("openstack_compute_instance_v2."));
    expect(servers).toHaveLength(2);
    for (const [, action] of servers) expect(action).toBe("replace");
  });

  test("a newer upload under the same name fails the plan, naming the ambiguity; a pinned UUID ignores it", async () => {
    const cloud = Cloud.load(ws.stateFile);
    cloud.add({
      type: UPLOADED_IMAGE,
      id: "0b5c1a9e-7a51-4c0e-9d4a-2f3b4c5d6e7f",
      state: { name: "Ubuntu 22.04", created_at: "2026-11-30T00:00:00Z", min_disk_gb: 10, size_bytes: 1 },
    });
    cloud.save(ws.stateFile);
    const byName = await plan(dev);
    expect(byName.run.code).toBe(1);
    expect(byName.run.stderr).toMatch(/Your query returned more than one result/);
    const pinned = await plan({ ...dev, image: ubuntu.id });
    expect(pinned.run.code).toBe(0);
  });
});
