/**
 * The lab's Heat API refuses signals without credentials, as Heat's does: a wait condition handle's
 * signal needs the handle's token (what the member's user data carries), and a scaling policy's native
 * signal URL is Aodh's, posted from the host (the lab's control plane), never from a server. Over
 * loopback: 127.0.0.1 stands for the host's lab address, 127.0.0.2 for a server's router.
 */
import { mkdtempSync, rmSync } from "node:fs";
import * as http from "node:http";
import { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { readSignals, serve } from "../../sim/lab/heat-endpoint";
import { Cloud } from "../../sim/openstack/cloud";
import { STACK, waitHandle } from "../../sim/openstack/orchestration";

const HOST = "127.0.0.1";
const stack = { name: "workers-group-0", id: "0b9d1c62-3a6e-4f7e-9d35-3c1f6d0e8a11" };
const parent = { name: "workers", id: "5f0c2a9e-8b1d-4c7a-a2e3-9d4b6c1e7f20" };

let dir: string;
let server: http.Server;
let port: number;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), "fractals-heat-endpoint-"));
  const cloudFile = path.join(dir, "cloud.json");
  Cloud.transact(cloudFile, (cloud) =>
    cloud.add({
      type: STACK,
      id: parent.id,
      state: {
        id: parent.id,
        name: parent.name,
        template_opts: { Bin: JSON.stringify({ resources: { up: { type: "OS::Heat::ScalingPolicy" } } }) },
      },
    }),
  );
  server = serve(HOST, 0, path.join(dir, "signals"), {
    cloudFile,
    timeScale: 1,
    eventsFile: path.join(dir, "scaling.jsonl"),
    reconcile: () => undefined,
  });
  await new Promise((resolve) => server.once("listening", resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(() => {
  server.close();
  rmSync(dir, { recursive: true, force: true });
});

function post(target: { name: string; id: string }, resource: string, options: { token?: string; from?: string } = {}) {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = http.request(
      {
        host: HOST,
        port,
        method: "POST",
        path: `/v1/p/stacks/${target.name}/${target.id}/resources/${resource}/signal`,
        localAddress: options.from,
        headers: { "content-type": "application/json", ...(options.token ? { "x-auth-token": options.token } : {}) },
      },
      (res) => {
        let body = "";
        res.on("data", (c) => (body += c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on("error", reject);
    req.end(JSON.stringify({ status: "SUCCESS", reason: "booted" }));
  });
}

test("a wait condition signal without the handle's token, or with another handle's, is refused and not recorded", async () => {
  const other = waitHandle(stack, "other_handle").token;
  for (const token of [undefined, other, "0".repeat(32)]) {
    expect(await post(stack, "boot_handle", { token })).toEqual({
      status: 401,
      body: '{"error":"The request you have made requires authentication."}\n',
    });
  }
  expect(readSignals(path.join(dir, "signals"), stack.id, "boot_handle")).toEqual([]);
});

test("with its token it is recorded, as the member's boot script sends it", async () => {
  expect((await post(stack, "boot_handle", { token: waitHandle(stack, "boot_handle").token })).status).toBe(200);
  expect(readSignals(path.join(dir, "signals"), stack.id, "boot_handle").map((s) => s.status)).toEqual(["SUCCESS"]);
});

test("a scaling policy's signal from a server is refused, whatever token it carries; from the host it reaches Heat's engine", async () => {
  const fromServer = await post(parent, "up", { from: "127.0.0.2", token: waitHandle(parent, "up").token });
  expect(fromServer.status).toBe(401);
  expect(fromServer.body).toContain("up is signalled by Aodh through its trust (the lab's host, 127.0.0.1), not from 127.0.0.2");
  const fromHost = await post(parent, "up");
  // Past the check: this stack has no group for the policy to resize, which Heat's engine says.
  expect(fromHost.status).not.toBe(401);
  expect(fromHost.body).not.toContain("Aodh");
});
