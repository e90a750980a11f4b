/**
 * Day-2 changes planned by the real terraform against deployed environments:
 * each change touches only what it must, as read from `terraform show -json`.
 */
import { EnvironmentInput, ENVIRONMENTS } from "../../config";
import { changed, describeWithTerraform, SimWorkspace } from "./harness";

jest.setTimeout(240_000);

const byEnv = (env: string) => ENVIRONMENTS.find((e) => e.env === env)!;

interface Deployment {
  readonly ws: SimWorkspace;
  /** The plan's non-no-op actions for a variant of the deployed environment. */
  plan(variant: EnvironmentInput): Promise<Record<string, string>>;
  /** Destroys what the deployed configuration holds; returns terraform's stderr. */
  destroy(): Promise<string>;
}

async function deploy(input: EnvironmentInput): Promise<Deployment> {
  const ws = new SimWorkspace(`day2-${input.env}`);
  const dir = ws.synth([input]);
  for (const step of [() => ws.init(dir), () => ws.terraform(dir, ["apply", "-auto-approve", "-input=false"])]) {
    const run = await step();
    if (run.code !== 0) throw new Error(`deploying ${input.env} failed:\n${run.stderr}`);
  }
  return {
    ws,
    async plan(variant) {
      const variantDir = ws.synth([variant]);
      const init = await ws.init(variantDir);
      if (init.code !== 0) throw new Error(init.stderr);
      return changed(await ws.planChanges(variantDir));
    },
    async destroy() {
      return (await ws.terraform(dir, ["destroy", "-auto-approve", "-input=false"])).stderr;
    },
  };
}

describeWithTerraform("day-2 changes on the simulated OpenStack", () => {
  let staging: Deployment;
  let dev: Deployment;
  const staged = byEnv("staging");
  const small = byEnv("dev");

  beforeAll(async () => {
    [staging, dev] = await Promise.all([deploy(staged), deploy(small)]);
  });

  afterAll(async () => {
    for (const d of [staging, dev]) d?.ws.dispose();
  });

  test("raising the autoscaled workers' max size updates only the Heat stack, in place", async () => {
    if (staged.workers.mode !== "autoscale") throw new Error("staging is expected to autoscale its workers");
    const changes = await staging.plan({ ...staged, workers: { ...staged.workers, max: staged.workers.max + 2 } });
    expect(Object.values(changes)).toEqual(["update"]);
    expect(Object.keys(changes)[0]).toMatch(/^openstack_orchestration_stack_v1\./);
  });

  test("a new worker image changes only worker resources (autoscaled: the Heat stack, in place)", async () => {
    const changes = await staging.plan({ ...staged, workers: { ...staged.workers, image: "Ubuntu 24.04" } });
    expect(Object.keys(changes).length).toBeGreaterThan(0);
    for (const [address, action] of Object.entries(changes)) {
      expect([address, action]).toEqual([expect.stringMatching(/^openstack_orchestration_stack_v1\.workers/), "update"]);
    }
  });

  test("a new worker image changes only worker resources (fixed: the worker servers, rebuilt in place)", async () => {
    const changes = await dev.plan({ ...small, workers: { ...small.workers, image: "Ubuntu 24.04" } });
    expect(Object.keys(changes).length).toBeGreaterThan(0);
    for (const [address, action] of Object.entries(changes)) {
      expect([address, action]).toEqual([expect.stringMatching(/^openstack_compute_instance_v2\.workers_/), "update"]);
    }
  });

  test("new services-node user data replaces that server (and its volume attachment) but not its volume", async () => {
    const services = staged.services!;
    const changes = await staging.plan({ ...staged, services: { ...services, mysqlMaxConnections: 300 } });
    const replaced = Object.entries(changes).filter(([, a]) => a === "replace").map(([address]) => address).sort();
    expect(replaced).toEqual([
      expect.stringMatching(/^openstack_compute_instance_v2\.services_/),
      expect.stringMatching(/^openstack_compute_volume_attach_v2\.services_/),
    ]);
    expect(Object.keys(changes).sort()).toEqual(replaced);
  });

  test("destroy after the day-2 plans leaves the simulated cloud empty", async () => {
    const errors = await Promise.all([staging.destroy(), dev.destroy()]);
    expect(errors).toEqual(["", ""]);
    expect([...staging.ws.cloud(), ...dev.ws.cloud()]).toEqual([]);
  });
});
