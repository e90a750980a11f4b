import { Controller } from "../../constructs/controller";
import { ServicesNode } from "../../constructs/services-node";
import { Fixture, resources, single, synthWith } from "../support/synth";

const SCRIPT = "https://example.org/install.sh";

function controller(f: Fixture, extra: Partial<ConstructorParameters<typeof Controller>[2]> = {}): Controller {
  return new Controller(f.scope, "controller", {
    network: f.network, catalog: f.catalog, keyPair: f.keyPair, image: "Ubuntu 22.04", flavor: "m1.small",
    installScriptUrl: SCRIPT, ...extra,
  });
}

describe("Controller", () => {
  test("all-in-one: one server runs the API, the database and the queue with generated passwords", () => {
    const json = synthWith((f) => { controller(f, { floatingIp: true }); });
    const server = single(json, "openstack_compute_instance_v2");
    expect(server.name).toBe("t-test-controller");
    expect(server.user_data).toContain("-i database -i messaging -i faafo -r api");
    expect(server.user_data).toMatch(/-m 'amqp:\/\/faafo:\$\{random_password\..+\.result\}@localhost:5672\/'/);
    expect(server.user_data).toMatch(/-d 'mysql\+pymysql:\/\/faafo:\$\{random_password\..+\.result\}@localhost:3306\/faafo'/);
    expect(resources(json, "random_password")).toHaveLength(2);
    expect(resources(json, "openstack_networking_floatingip_associate_v2")).toHaveLength(1);
  });

  test("tiered: N API servers point at the services node and share one group", () => {
    const json = synthWith((f) => {
      const services = new ServicesNode(f.scope, "services", {
        network: f.network, catalog: f.catalog, keyPair: f.keyPair, image: "i", flavor: "f", installScriptUrl: SCRIPT, volumeSizeGb: 10,
      });
      controller(f, { services, count: 3, antiAffinity: true });
    });
    const apis = resources(json, "openstack_compute_instance_v2").map(([, r]) => r).filter((r) => r.name.includes("-api-"));
    expect(apis.map((a) => a.name)).toEqual(["t-test-api-1", "t-test-api-2", "t-test-api-3"]);
    for (const api of apis) {
      expect(api.user_data).toContain("-i faafo -r api");
      expect(api.user_data).not.toContain("-i database");
      expect(api.user_data).toMatch(/-m 'amqp:\/\/faafo:\$\{random_password\.services_credentials_queue-password_[^}]+\}@\$\{element\(openstack_networking_port_v2\.services_server_port/);
      expect(api.scheduler_hints).toEqual([{ group: expect.stringMatching(/openstack_compute_servergroup_v2\./) }]);
    }
    expect(single(json, "openstack_compute_servergroup_v2")).toMatchObject({ name: "t-test-api-group", policies: ["anti-affinity"] });
  });

  test("more than one all-in-one controller is refused", () => {
    expect(() => synthWith((f) => { controller(f, { count: 2 }); })).toThrow(/count must be 1 without a services node/);
  });

  test("allowApiFromCidr opens only the API port", () => {
    const json = synthWith((f) => { controller(f, { apiPort: 8080 }).allowApiFromCidr("10.0.0.0/24"); });
    const rules = resources(json, "openstack_networking_secgroup_rule_v2").map(([, r]) => r);
    expect(rules).toEqual([expect.objectContaining({ port_range_min: 8080, port_range_max: 8080, remote_ip_prefix: "10.0.0.0/24" })]);
  });
});
