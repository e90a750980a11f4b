/**
 * staging end to end in the lab: the app through the load balancer's
 * floating IP, Heat's autoscaled worker (a nested stack that signals its wait
 * condition) rendering, failover when an API server stops, security groups,
 * and the services node's data surviving its replacement.
 */
import "./lab-env";
import { Cloud } from "../../sim/openstack/cloud";
import { cleanLab } from "../../sim/lab/clean";
import { memberHealth } from "../../sim/lab/loadbalancer";
import { powerOff } from "../../sim/lab/servers";
import { sleepMs, tryRun } from "../../sim/lab/sh";
import { topology } from "../../sim/lab/topology";
import { DEFAULT_CLOUD_STATE } from "../../sim/paths";
import { createAndRender, expectSuccess, outputs, simCommand } from "./environments";
import { describeLabWithTerraform, hostLeftovers, httpFromHost, inServer } from "./support";

describeLabWithTerraform("staging in the lab", () => {
  let appUrl = "";
  const topo = () => topology(Cloud.load(DEFAULT_CLOUD_STATE));
  const byName = (part: string) => topo().servers.filter((s) => s.name.includes(part));

  beforeAll(() => {
    cleanLab({ log: () => undefined });
    const run = simCommand("deploy", "staging", "--boot");
    expectSuccess(run, "npm run sim:deploy -- staging --boot");
    console.log(`staging: deploy --boot took ${run.seconds.toFixed(0)} s`);
    appUrl = String(outputs("staging").app_url);
  });

  afterAll(() => {
    simCommand("destroy", "staging");
  });

  test("the app answers through the load balancer's floating IP, and the Heat worker renders", () => {
    const lb = topo().loadBalancers[0];
    expect(appUrl).toContain(lb.floatingIp!);
    expect(byName("-api-")).toHaveLength(2);
    expect(byName("workers").every((w) => w.waitConditions.length > 0)).toBe(true);
    expect(httpFromHost(`${appUrl}/v1/fractal`).status).toBe(200);
    for (const { fractal, sha256 } of createAndRender(appUrl, 5, 240)) expect(sha256).toBe(fractal.checksum);
  });

  test("security groups: workers cannot reach MySQL, API servers can; no SSH from the host", () => {
    const services = byName("services")[0];
    const [api] = byName("-api-");
    const [worker] = byName("workers");
    expect(inServer(worker.id, `nc -z -w 3 ${services.fixedIp} 3306; echo exit=$?`).out).toContain("exit=1");
    expect(inServer(api.id, `nc -z -w 3 ${services.fixedIp} 3306; echo exit=$?`).out).toContain("exit=0");
    expect(tryRun("nc", ["-z", "-w", "3", topo().loadBalancers[0].floatingIp!, "22"]).code).not.toBe(0);
  });

  test("an API server stops: once the health monitor notices, every request still succeeds", () => {
    const lb = topo().loadBalancers[0];
    const monitor = lb.listeners[0].monitor!;
    const [, second] = byName("-api-");
    powerOff(second.id);
    const deadline = Date.now() + (monitor.delay * (monitor.maxRetriesDown + 2) + monitor.timeout) * 1000;
    while (Date.now() < deadline && !memberHealth(lb.id).some((m) => m.status.startsWith("DOWN"))) sleepMs(500);
    expect(memberHealth(lb.id).map((m) => m.status).sort()).toEqual(["DOWN", "UP"]);
    const answers = Array.from({ length: 10 }, () => httpFromHost(`${appUrl}/v1/fractal`).status);
    expect(answers).toEqual(Array(10).fill(200));
  });

  test("the services node is replaced (new server, same volume and port): the fractals are still there", () => {
    const before = JSON.parse(httpFromHost(`${appUrl}/v1/fractal`).body).num_results as number;
    expect(before).toBeGreaterThanOrEqual(5);
    const old = byName("services")[0];
    // The server is deleted outside Terraform (as Nova's delete leaves it: volume detached, port freed): Terraform creates it anew.
    Cloud.transact(DEFAULT_CLOUD_STATE, (cloud) => {
      for (const a of cloud.list("openstack_compute_volume_attach_v2")) if (a.state.instance_id === old.id) cloud.remove(a.type, a.id);
      for (const v of cloud.list("openstack_blockstorage_volume_v3")) v.state = { ...v.state, attachment: [] };
      for (const p of cloud.list("openstack_networking_port_v2")) if (p.state.device_id === old.id) p.state = { ...p.state, device_id: "", device_owner: "" };
      cloud.remove("openstack_compute_instance_v2", old.id);
    });
    const run = simCommand("deploy", "staging", "--boot");
    expectSuccess(run, "npm run sim:deploy -- staging --boot (services node replaced)");
    const replaced = byName("services")[0];
    expect(replaced.id).not.toBe(old.id);
    expect(replaced.fixedIp).toBe(old.fixedIp);
    let after = 0;
    for (let i = 0; i < 30 && after < before; i++, sleepMs(1000)) {
      const r = httpFromHost(`${appUrl}/v1/fractal`);
      after = r.status === 200 ? (JSON.parse(r.body).num_results as number) : 0;
    }
    expect(after).toBe(before);
  });

  test("destroy leaves nothing", () => {
    const run = simCommand("destroy", "staging");
    expectSuccess(run, "npm run sim:destroy -- staging");
    expect(hostLeftovers()).toEqual([]);
  });
});
