import { Bastion, Controller, DEFAULT_BASTION_FLAVOR, ServicesNode, WorkerGroup, WorkerScaling } from "../../constructs";
import { Fixture, resources, synthWith, TerraformJson } from "../support/synth";

const ADMIN = ["198.51.100.0/26", "203.0.113.0/24"];

/** A bastion in front of a services node, two API servers and autoscaled workers, as prod composes them. */
function composed(f: Fixture): void {
  const common = { network: f.network, catalog: f.catalog, keyPair: f.keyPair, image: "Ubuntu 22.04" };
  const bastion = new Bastion(f.scope, "bastion", { ...common, adminCidrs: ADMIN });
  const services = new ServicesNode(f.scope, "services", { ...common, flavor: "m1.medium", volumeSizeGb: 10 });
  const api = new Controller(f.scope, "api", { ...common, flavor: "m1.small", services, count: 2 });
  const workers = new WorkerGroup(f.scope, "workers", {
    ...common,
    scaling: WorkerScaling.autoscale({ min: 1, max: 3, flavor: "m1.small" }),
    apiUrl: "http://api",
    amqpUrl: services.amqpUrl,
  });
  for (const target of [services, api, workers]) bastion.allowSshTo(target);
  bastion.allowSshTo(api); // twice: the same rule, dropped
}

/** [group name, source] of every rule that admits port 22: a CIDR, or the remote group's name. */
function sshRules(json: TerraformJson): string[][] {
  const groups = Object.fromEntries(
    resources(json, "openstack_networking_secgroup_v2").map(([id, g]) => [`\${openstack_networking_secgroup_v2.${id}.id}`, g.name]),
  );
  return resources(json, "openstack_networking_secgroup_rule_v2")
    .map(([, r]) => r)
    .filter((r) => r.direction === "ingress" && (r.port_range_min ?? 0) <= 22 && (r.port_range_max ?? 65535) >= 22)
    .map((r) => [groups[r.security_group_id], r.remote_ip_prefix ?? groups[r.remote_group_id]])
    .sort();
}

describe("Bastion", () => {
  const json = synthWith(composed);

  test("its group admits SSH from the admin CIDRs and nothing else", () => {
    const [[bastionGroup]] = resources(json, "openstack_networking_secgroup_v2").filter(([, g]) => g.name === "t-test-bastion-sg");
    const rules = resources(json, "openstack_networking_secgroup_rule_v2")
      .map(([, r]) => r)
      .filter((r) => r.security_group_id === `\${openstack_networking_secgroup_v2.${bastionGroup}.id}`);
    expect(rules.map((r) => [r.protocol, r.port_range_min, r.port_range_max, r.remote_ip_prefix, r.remote_group_id])).toEqual(
      ADMIN.map((cidr) => ["tcp", 22, 22, cidr, undefined]),
    );
  });

  test("every other group admits SSH from the bastion's group only, never from an admin CIDR", () => {
    expect(sshRules(json)).toEqual([
      ["t-test-api-sg", "t-test-bastion-sg"],
      ["t-test-bastion-sg", ADMIN[0]],
      ["t-test-bastion-sg", ADMIN[1]],
      ["t-test-services-sg", "t-test-bastion-sg"],
      ["t-test-worker-sg", "t-test-bastion-sg"],
    ]);
  });

  test("the Heat-created workers boot in the worker group that admits the bastion", () => {
    const [[, stack]] = resources(json, "openstack_orchestration_stack_v1");
    const [[workerGroup]] = resources(json, "openstack_networking_secgroup_v2").filter(([, g]) => g.name === "t-test-worker-sg");
    expect(stack.parameters.security_group).toBe(`\${openstack_networking_secgroup_v2.${workerGroup}.id}`);
  });

  test("one small server with a floating IP, the given image, minimal user data", () => {
    const [[, server]] = resources(json, "openstack_compute_instance_v2").filter(([, s]) => s.name === "t-test-bastion");
    const flavor = /^\$\{data\.openstack_compute_flavor_v2\.(.+)\.id\}$/.exec(server.flavor_id)![1];
    expect(json.data!.openstack_compute_flavor_v2[flavor].name).toBe(DEFAULT_BASTION_FLAVOR);
    expect(server.user_data).toBe("#cloud-config\nssh_pwauth: false\ndisable_root: true\n");
    const [[, association]] = resources(json, "openstack_networking_floatingip_associate_v2");
    expect(association.port_id).toMatch(/bastion_server_port/);
  });

  test("the flavor and login user can be set; sshCommand jumps through the floating IP", () => {
    let command = "";
    const custom = synthWith((f) => {
      const bastion = new Bastion(f.scope, "bastion", {
        network: f.network,
        catalog: f.catalog,
        keyPair: f.keyPair,
        image: "Debian 12",
        adminCidrs: ["192.0.2.0/24"],
        flavor: "m1.tiny",
        loginUser: "debian",
      });
      command = bastion.sshCommand("10.0.0.9");
    });
    expect(Object.values(custom.data!.openstack_compute_flavor_v2).map((d) => d.name)).toEqual(["m1.tiny"]);
    expect(command).toMatch(/^ssh -J debian@\$\{TfToken\[TOKEN\.\d+\]\} debian@10\.0\.0\.9$/);
  });

  test("without a bastion nothing admits SSH", () => {
    const none = synthWith((f) => {
      const common = { network: f.network, catalog: f.catalog, keyPair: f.keyPair, image: "i" };
      new Controller(f.scope, "api", { ...common, flavor: "m1.small", floatingIp: true });
      new WorkerGroup(f.scope, "workers", {
        ...common,
        scaling: WorkerScaling.fixed({ count: 1, flavor: "f" }),
        apiUrl: "http://a",
        amqpUrl: "amqp://q",
      });
    });
    expect(sshRules(none)).toEqual([]);
  });

  test("refuses an empty list of admin CIDRs: a bastion nobody may reach", () => {
    expect(() =>
      synthWith((f) => {
        new Bastion(f.scope, "bastion", { network: f.network, catalog: f.catalog, keyPair: f.keyPair, image: "i", adminCidrs: [] });
      }),
    ).toThrow(
      "stack/bastion: adminCidrs: must name at least one IPv4 CIDR (a bastion nobody may reach serves no one); leave the bastion out instead",
    );
  });
});
