/**
 * prod boots in the lab: the services node with its volume, three API
 * servers behind the load balancer, and the autoscaled group's minimum of
 * workers (nested stacks that signal their wait conditions). prod's volume has
 * prevent_destroy, so the suite ends with the lab's clean and a fresh cloud
 * file rather than sim:destroy.
 */
import "./lab-env";
import { rmSync } from "node:fs";
import * as path from "node:path";
import { Cloud } from "../../sim/openstack/cloud";
import { signalState } from "../../sim/lab/boot";
import { topology } from "../../sim/lab/topology";
import { DEFAULT_CLOUD_STATE, SIM_WORK_DIR } from "../../sim/cli/paths";
import { cleanLab } from "../../sim/lab/clean";
import { deployBooted } from "./environments";
import { describeLabWithTerraform, hostLeftovers, httpFromHost, inServer } from "./support";

describeLabWithTerraform("prod in the lab", () => {
  let appUrl = "";
  const topo = () => topology(Cloud.load(DEFAULT_CLOUD_STATE));

  beforeAll(() => {
    appUrl = deployBooted("prod");
  });

  afterAll(() => {
    cleanLab({ log: () => undefined });
    rmSync(DEFAULT_CLOUD_STATE, { force: true });
    rmSync(path.join(SIM_WORK_DIR, "state", "terraform.prod.tfstate"), { force: true });
    expect(hostLeftovers()).toEqual([]);
  });

  test("every server booted: services with its volume, three API servers, the workers' minimum signalled", () => {
    const servers = topo().servers;
    expect(servers.filter((s) => s.name.includes("-api-"))).toHaveLength(3);
    const workers = servers.filter((s) => s.waitConditions.length > 0);
    expect(workers.length).toBeGreaterThanOrEqual(2);
    for (const w of workers) expect(signalState(w).state).toBe("success");
    for (const s of servers) expect(inServer(s.id, "cloud-init status").out).toContain("status: done");
    const services = servers.find((s) => s.name.includes("services"))!;
    const volume = topo().volumes.find((v) => v.attachedTo?.serverId === services.id)!;
    expect(inServer(services.id, `ls /dev/disk/by-id/ && findmnt -n -o SOURCE --target /var/lib/mysql`).out).toContain(
      `virtio-${volume.id.slice(0, 20)}`,
    );
  });

  test("the API answers through the load balancer's floating IP", () => {
    expect(appUrl).toContain(topo().loadBalancers[0].floatingIp!);
    expect(httpFromHost(`${appUrl}/v1/fractal`).status).toBe(200);
  });
});
