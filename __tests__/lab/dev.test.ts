/**
 * dev end to end in the lab: deploy with --boot, the API answers at app_url
 * from the host, five fractals rendered by the worker with the right
 * checksums, security groups hold, and destroy leaves nothing.
 */
import "./lab-env";
import { Cloud } from "../../sim/openstack/cloud";
import { DEFAULT_CLOUD_STATE } from "../../sim/cli/paths";
import { tryRun } from "../../sim/lab/sh";
import { topology } from "../../sim/lab/topology";
import { createAndRender, deployBooted, expectSuccess, simCommand } from "./environments";
import { describeLabWithTerraform, hostLeftovers, httpFromHost, inServer } from "./support";

describeLabWithTerraform("dev in the lab", () => {
  let appUrl = "";
  const servers = () => topology(Cloud.load(DEFAULT_CLOUD_STATE)).servers;

  beforeAll(() => {
    appUrl = deployBooted("dev");
  });

  test("the API answers at app_url from the host", () => {
    expect(appUrl).toMatch(/^http:\/\/203\.0\.113\.\d+/);
    const answer = httpFromHost(`${appUrl}/v1/fractal`);
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toHaveProperty("objects");
  });

  test("fractals create --tasks 5: all rendered by the worker, each image's sha256 equal to its checksum", () => {
    const rendered = createAndRender(appUrl, 5, 180);
    for (const { fractal, sha256 } of rendered) {
      expect(fractal.generated_by).toMatch(/worker/);
      expect(sha256).toBe(fractal.checksum);
    }
  });

  test("security groups: MySQL refused from the worker; no SSH from the host where the config opens none", () => {
    const worker = servers().find((s) => s.name.includes("worker"))!;
    const controller = servers().find((s) => s.name.includes("controller"))!;
    expect(inServer(worker.id, `nc -z -w 3 ${controller.fixedIp} 3306; echo exit=$?`).out).toContain("exit=1");
    for (const s of servers().filter((x) => x.floatingIp)) {
      const sshOpen = s.ingress.some((r) => r.protocol === "tcp" && (r.portMin ?? 0) <= 22 && (r.portMax ?? 65535) >= 22);
      if (sshOpen) continue;
      expect(tryRun("nc", ["-z", "-w", "3", s.floatingIp!, "22"]).code).not.toBe(0);
    }
  });

  test("the controller's guest configuration: MariaDB on loopback only, RabbitMQ without guest, secrets 0600", () => {
    const controller = servers().find((s) => s.name.includes("controller"))!;
    const listening = inServer(controller.id, "ss -Hltn 'sport = :3306' | awk '{print $4}'").out.trim().split("\n");
    expect(listening).toEqual(["127.0.0.1:3306"]);
    expect(inServer(controller.id, "rabbitmqctl -q list_users | awk 'NR > 1 { print $1 }' | sort | tr '\\n' ' '").out.trim()).toBe(
      "fractals",
    );
    expect(inServer(controller.id, "stat -c '%a %U' /etc/fractals/fractals.conf /etc/fractals/boot.env").out.trim().split("\n")).toEqual([
      "600 fractals",
      "600 root",
    ]);
    expect(inServer(controller.id, "cloud-init status").out).toContain("status: done");
  });

  test("destroy leaves nothing: no container, mount, loop, namespace, bridge, nft table or daemon", () => {
    const run = simCommand("destroy", "dev");
    expectSuccess(run, "npm run sim:destroy -- dev");
    expect(run.output).toContain("lab: nothing left running");
    expect(hostLeftovers()).toEqual([]);
  });
});
