import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { parseEnvironment } from "../../config";
import { dev } from "../../config/dev";
import { prod } from "../../config/prod";
import { preventDestroyProblem } from "../../sim/cli/destroy-guard";

describe("sim:destroy's prevent_destroy explanation", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "fractals-destroy-guard-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const stateWith = (resources: object[]) => {
    const file = path.join(dir, `state-${resources.length}-${Math.random()}.tfstate`);
    writeFileSync(file, JSON.stringify({ version: 4, resources }));
    return file;
  };
  const volume = { mode: "managed", type: "openstack_blockstorage_volume_v3", name: "services_volume_9B0798C4", instances: [{}] };

  test("names the protected volume, the setting and the ways out when it is deployed", () => {
    const message = preventDestroyProblem(parseEnvironment(prod), stateWith([volume]), ".sim/");
    expect(message).toBe(
      "sim:destroy prod: Terraform will not destroy openstack_blockstorage_volume_v3.services_volume_9B0798C4, " +
        "the services node's database volume, because services.preventDestroy is true for prod (config/prod.ts). " +
        "To remove the simulated prod, set services.preventDestroy to false and run sim:destroy again, " +
        "or delete .sim/ to start over with an empty simulated cloud.",
    );
  });

  test("says nothing when the volume is not deployed, or not protected", () => {
    expect(preventDestroyProblem(parseEnvironment(prod), path.join(dir, "never-deployed.tfstate"))).toBeNull();
    expect(preventDestroyProblem(parseEnvironment(prod), stateWith([{ ...volume, instances: [] }]))).toBeNull();
    expect(preventDestroyProblem(parseEnvironment(prod), stateWith([{ ...volume, mode: "data" }]))).toBeNull();
    const unprotected = parseEnvironment({ ...prod, services: { ...prod.services!, preventDestroy: false } });
    expect(preventDestroyProblem(unprotected, stateWith([volume]))).toBeNull();
    expect(preventDestroyProblem(parseEnvironment(dev), stateWith([volume]))).toBeNull();
  });
});
