import "../support/cdktf-matchers";
import { Controller } from "../../constructs/controller";
import { ComputeServergroupV2 } from "../../.gen/providers/openstack/compute-servergroup-v2";
import { ServicesNode } from "../../constructs/services-node";
import { Fixture, resources, single, synthWith, synthesized } from "../support/synth";
import { bootEnv, readUserData } from "../support/user-data";

function controller(f: Fixture, extra: Partial<ConstructorParameters<typeof Controller>[2]> = {}): Controller {
  return new Controller(f.scope, "controller", {
    network: f.network,
    catalog: f.catalog,
    keyPair: f.keyPair,
    image: "Ubuntu 22.04",
    flavor: "m1.small",
    ...extra,
  });
}

describe("Controller", () => {
  test("all-in-one: one server runs the API, the database and the queue with generated passwords", () => {
    const json = synthWith((f) => {
      controller(f, { floatingIp: true });
    });
    const server = single(json, "openstack_compute_instance_v2");
    expect(server.name).toBe("t-test-controller");
    const env = bootEnv(server.user_data);
    expect(env.ROLES).toBe("database queue api");
    // The database serves only this server: bound to loopback, its user limited to local clients.
    expect(env.DB_CLIENT_HOSTS).toBe("localhost 127.0.0.1");
    expect(env.DB_PASSWORD).toMatch(/^\$\{random_password\..+\.result\}$/);
    const { files } = readUserData(server.user_data);
    expect(files.get("/etc/mysql/mariadb.conf.d/60-fractals.cnf")!.content).toContain("bind-address = 127.0.0.1");
    const conf = files.get("/etc/fractals/fractals.conf")!;
    expect(conf.permissions).toBe("0600");
    expect(conf.content).toMatch(/\[database\]\nurl = mysql:\/\/fractals:\$\{random_password\..+\.result\}@127\.0\.0\.1:3306\/fractals\n/);
    expect(conf.content).toMatch(/\[queue\]\nurl = amqp:\/\/fractals:\$\{random_password\..+\.result\}@127\.0\.0\.1:5672\/\n/);
    // The generated password is the one the database is set up with (dev included).
    expect(conf.content).toContain(env.DB_PASSWORD);
    expect(resources(json, "random_password")).toHaveLength(2);
    expect(resources(json, "openstack_networking_floatingip_associate_v2")).toHaveLength(1);
  });

  test("tiered: N API servers point at the services node and share one group", () => {
    const json = synthWith((f) => {
      const services = new ServicesNode(f.scope, "services", {
        network: f.network,
        catalog: f.catalog,
        keyPair: f.keyPair,
        image: "i",
        flavor: "f",
        volumeSizeGb: 10,
      });
      controller(f, { services, count: 3, antiAffinity: true });
    });
    const apis = resources(json, "openstack_compute_instance_v2")
      .map(([, r]) => r)
      .filter((r) => r.name.includes("-api-"));
    expect(apis.map((a) => a.name)).toEqual(["t-test-api-1", "t-test-api-2", "t-test-api-3"]);
    for (const api of apis) {
      expect(bootEnv(api.user_data)).toEqual({ ROLES: "api", API_PORT: "80" });
      const conf = readUserData(api.user_data).files.get("/etc/fractals/fractals.conf")!.content;
      expect(conf).toMatch(
        /url = amqp:\/\/fractals:\$\{random_password\.services_credentials_queue-password_[^}]+\}@\$\{element\(openstack_networking_port_v2\.services_server_port/,
      );
      expect(api.scheduler_hints).toEqual([{ group: expect.stringMatching(/openstack_compute_servergroup_v2\./) }]);
    }
    expect(resources(json, "openstack_compute_servergroup_v2")).toHaveLength(1);
    expect(synthesized(json)).toHaveResourceWithProperties(ComputeServergroupV2, { name: "t-test-api-group", policies: ["anti-affinity"] });
  });

  test("more than one all-in-one controller is refused", () => {
    expect(() =>
      synthWith((f) => {
        controller(f, { count: 2 });
      }),
    ).toThrow("stack/controller: count: must be 1 without a services node (an all-in-one controller holds the database), got 2");
  });

  test("the API listens on apiPort", () => {
    const json = synthWith((f) => {
      controller(f, { apiPort: 8080 });
    });
    const userData = single(json, "openstack_compute_instance_v2").user_data;
    expect(bootEnv(userData).API_PORT).toBe("8080");
    expect(readUserData(userData).files.get("/etc/fractals/fractals.conf")!.content).toContain("[api]\nbind = 0.0.0.0\nport = 8080\n");
  });

  test("allowApiFromCidr opens only the API port", () => {
    const json = synthWith((f) => {
      controller(f, { apiPort: 8080 }).allowApiFromCidr("10.0.0.0/24");
    });
    const rules = resources(json, "openstack_networking_secgroup_rule_v2").map(([, r]) => r);
    expect(rules).toEqual([expect.objectContaining({ port_range_min: 8080, port_range_max: 8080, remote_ip_prefix: "10.0.0.0/24" })]);
  });
});
