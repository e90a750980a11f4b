import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { Cloud } from "../../sim/openstack/cloud";

jest.setTimeout(60_000);

describe("the cloud file", () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(path.join(tmpdir(), "fractals-sim-cloud-"))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test("removing an object removes what it owns, recursively", () => {
    const file = path.join(dir, "cloud.json");
    Cloud.transact(file, (cloud) => {
      cloud.add({ type: "stack", id: "s", state: {} });
      cloud.add({ type: "server", id: "v", owner: "s", state: {} });
      cloud.add({ type: "port", id: "p", owner: "v", state: {} });
      cloud.add({ type: "port", id: "q", state: {} });
    });
    Cloud.transact(file, (cloud) => cloud.remove("stack", "s"));
    expect(
      Cloud.load(file)
        .all()
        .map((o) => o.id),
    ).toEqual(["q"]);
  });

  test("parallel processes (one per stack under `cdktf deploy '*'`) lose no update", async () => {
    const file = path.join(dir, "cloud.json");
    const script = `
      const { Cloud } = require(${JSON.stringify(path.join(__dirname, "../../sim/openstack/cloud.ts"))});
      for (let i = 0; i < 40; i++) Cloud.transact(process.argv[1], (c) => c.add({ type: "t", id: process.pid + "-" + i, state: {} }));`;
    await Promise.all(
      [1, 2, 3].map(
        () =>
          new Promise<void>((resolve, reject) => {
            const child = spawn(process.execPath, ["-r", "tsx/cjs", "-e", script, file], { stdio: "inherit" });
            child.on("close", (code) => (code === 0 ? resolve() : reject(new Error(`exit ${code}`))));
          }),
      ),
    );
    expect(Cloud.load(file).all()).toHaveLength(120);
  });
});
