/**
 * staging end to end in the lab: the app through the load balancer's
 * floating IP, Heat's autoscaled worker (a nested stack that signals its wait
 * condition) rendering, failover when an API server stops, security groups,
 * and the services node's data surviving its replacement (new user data).
 */
import "./lab-env";
import { Cloud } from "../../sim/openstack/cloud";
import { memberHealth } from "../../sim/lab/loadbalancer";
import { powerOff } from "../../sim/lab/servers";
import { sleepMs, tryRun } from "../../sim/lab/sh";
import { topology } from "../../sim/lab/topology";
import { DEFAULT_CLOUD_STATE } from "../../sim/cli/paths";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { REPO_ROOT } from "../../sim/cli/paths";
import { createAndRender, deployBooted, expectSuccess, simCommand, simCommandWith } from "./environments";
import { describeLabWithTerraform, hostLeftovers, httpFromHost, inServer } from "./support";

describeLabWithTerraform("staging in the lab", () => {
  let appUrl = "";
  const topo = () => topology(Cloud.load(DEFAULT_CLOUD_STATE));
  const byName = (part: string) => topo().servers.filter((s) => s.name.includes(part));

  beforeAll(() => {
    appUrl = deployBooted("staging");
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

  test("the services node: MariaDB on its fixed IP only, its data in a subdirectory of the volume mounted by UUID", () => {
    const services = byName("services")[0];
    expect(inServer(services.id, "ss -Hltn 'sport = :3306' | awk '{print $4}'").out.trim()).toBe(`${services.fixedIp}:3306`);
    expect(inServer(services.id, "findmnt -n -o SOURCE,TARGET /var/lib/fractals-data").out).toMatch(
      /^\/dev\/\S+\s+\/var\/lib\/fractals-data/,
    );
    expect(inServer(services.id, "grep -c '^UUID=.* /var/lib/fractals-data ext4' /etc/fstab").out.trim()).toBe("1");
    expect(
      inServer(
        services.id,
        "test -d /var/lib/fractals-data/mysql/mysql && test -d /var/lib/fractals-data/lost+found && echo ok",
      ).out.trim(),
    ).toBe("ok");
    expect(inServer(services.id, "mariadb -N -e \"SELECT host FROM mysql.user WHERE user = 'fractals'\"").out.trim()).toBe(
      "10.20.0.0/255.255.255.0",
    );
  });

  test("an API server stops: once the health monitor notices, every request still succeeds", () => {
    const lb = topo().loadBalancers[0];
    const monitor = lb.listeners[0].monitor!;
    const [, second] = byName("-api-");
    powerOff(second.id);
    const deadline = Date.now() + (monitor.delay * (monitor.maxRetriesDown + 2) + monitor.timeout) * 1000;
    while (Date.now() < deadline && !memberHealth(lb.id).some((m) => m.status.startsWith("DOWN"))) sleepMs(500);
    expect(
      memberHealth(lb.id)
        .map((m) => m.status.split(" ")[0])
        .sort(),
    ).toEqual(["DOWN", "UP"]);
    const answers = Array.from({ length: 10 }, () => httpFromHost(`${appUrl}/v1/fractal`).status);
    expect(answers).toEqual(Array(10).fill(200));
  });

  test("the services node's user data changes: Terraform replaces it (same port, same volume) and the fractals are still there", () => {
    const before = JSON.parse(httpFromHost(`${appUrl}/v1/fractal`).body).num_results as number;
    expect(before).toBeGreaterThanOrEqual(5);
    const old = byName("services")[0];
    // FRACTALS_CONFIG (main.ts): staging with another MariaDB max_connections, which is in the services node's user data.
    const config = path.join(mkdtempSync(path.join(tmpdir(), "fractals-lab-config-")), "environments.js");
    writeFileSync(
      config,
      `const { ENVIRONMENTS } = require(${JSON.stringify(path.join(REPO_ROOT, "config"))});
module.exports = { ENVIRONMENTS: ENVIRONMENTS.map((e) => e.env === "staging" ? { ...e, services: { ...e.services, mysqlMaxConnections: 300 } } : e) };
`,
    );
    const run = simCommandWith({ FRACTALS_CONFIG: config }, "deploy", "staging", "--boot");
    expectSuccess(run, "npm run sim:deploy -- staging --boot (services user data changed)");
    const replaced = byName("services")[0];
    expect(replaced.id).not.toBe(old.id);
    expect(replaced.fixedIp).toBe(old.fixedIp);
    expect(replaced.userData).not.toBe(old.userData);
    // One API server is left (the other was stopped above); its health check failed while MariaDB moved, so the
    // monitor needs `rise` good checks before the load balancer sends to it again.
    let last = { status: 0, body: "" };
    for (const started = Date.now(); Date.now() - started < 120_000; sleepMs(1000)) {
      last = httpFromHost(`${appUrl}/v1/fractal`);
      if (last.status === 200) break;
    }
    expect(last.status).toBe(200);
    expect(JSON.parse(last.body).num_results).toBe(before);
  });

  test("destroy leaves nothing", () => {
    const run = simCommand("destroy", "staging");
    expectSuccess(run, "npm run sim:destroy -- staging");
    expect(hostLeftovers()).toEqual([]);
  });
});
