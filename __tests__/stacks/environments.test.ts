import { Testing } from "cdktf";
import { ENVIRONMENTS, loadEnvironments } from "../../config";
import { FractalsStack } from "../../stacks/fractals-stack";
import { resources, TerraformJson } from "../support/synth";
import { bootEnv } from "../support/user-data";

const configs = loadEnvironments(ENVIRONMENTS);
const synthesized: Record<string, TerraformJson> = {};
for (const config of configs) {
  const app = Testing.app();
  synthesized[config.env] = JSON.parse(Testing.synth(new FractalsStack(app, { config })));
}
const { dev, staging, prod } = synthesized;

/** Every `name` of every resource, with the environment and address it came from. */
function openstackNames(): [string, string][] {
  const names: [string, string][] = [];
  for (const [env, json] of Object.entries(synthesized)) {
    for (const [type, byId] of Object.entries(json.resource ?? {})) {
      if (!type.startsWith("openstack_")) continue;
      for (const [id, body] of Object.entries(byId)) {
        if (typeof body.name === "string") names.push([body.name, `${env}: ${type}.${id}`]);
      }
    }
  }
  return names;
}

describe.each(configs.map((c) => c.env))("%s stack", (env) => {
  const json = synthesized[env];

  test("matches the snapshot", () => {
    expect(JSON.stringify(json, null, 2)).toMatchSnapshot();
  });

  test("declares the OpenStack provider without credentials, pinned to the vendored schema's version", () => {
    expect(json.terraform.required_providers.openstack).toEqual({ source: "terraform-provider-openstack/openstack", version: "3.4.0" });
    const [provider] = json.provider.openstack;
    for (const key of ["password", "token", "application_credential_secret", "user_name", "auth_url"]) {
      expect(provider[key]).toBeUndefined();
    }
  });

  test("keeps state in a local backend per environment by default", () => {
    expect(json.terraform.backend.local.path).toMatch(new RegExp(`terraform\\.${env}\\.tfstate$`));
  });

  test("prefixes every OpenStack name with <app>-<env>-", () => {
    const names = openstackNames().filter(([, where]) => where.startsWith(`${env}:`));
    expect(names.length).toBeGreaterThan(5);
    for (const [name] of names) expect(name.startsWith(`fractals-${env}-`)).toBe(true);
  });

  test("has the foundation resources", () => {
    for (const type of [
      "openstack_networking_network_v2",
      "openstack_networking_subnet_v2",
      "openstack_networking_router_v2",
      "openstack_networking_router_interface_v2",
      "openstack_networking_secgroup_v2",
      "openstack_networking_secgroup_rule_v2",
      "openstack_networking_port_v2",
      "openstack_compute_instance_v2",
      "openstack_compute_keypair_v2",
    ])
      expect(resources(json, type).length).toBeGreaterThan(0);
  });

  test("admits MySQL and AMQP only by remote group, never from a CIDR", () => {
    const rules = resources(json, "openstack_networking_secgroup_rule_v2")
      .map(([, r]) => r)
      .filter((r) => r.port_range_min <= 5672 && r.port_range_max >= 3306);
    expect(rules.length).toBeGreaterThan(0);
    for (const r of rules) {
      expect(r.remote_group_id).toBeDefined();
      expect(r.remote_ip_prefix).toBeUndefined();
    }
  });

  test("never admits SSH from 0.0.0.0/0", () => {
    const open = resources(json, "openstack_networking_secgroup_rule_v2")
      .map(([, r]) => r)
      .filter((r) => r.port_range_min <= 22 && r.port_range_max >= 22 && r.remote_ip_prefix === "0.0.0.0/0");
    expect(open).toEqual([]);
  });

  test("outputs the app URL and the floating IPs", () => {
    expect(Object.keys(json.output ?? {})).toEqual(expect.arrayContaining(["app_url", "floating_ips"]));
  });
});

describe("across environments", () => {
  test("no OpenStack name repeats within or across environments", () => {
    const seen = new Map<string, string>();
    for (const [name, where] of openstackNames()) {
      expect(seen.has(name) ? `${name} in ${seen.get(name)} and ${where}` : undefined).toBeUndefined();
      seen.set(name, where);
    }
  });
});

describe("dev", () => {
  test("a controller running API, database and queue, one fixed worker, no load balancer", () => {
    expect(resources(dev, "openstack_lb_loadbalancer_v2")).toHaveLength(0);
    const servers = resources(dev, "openstack_compute_instance_v2").map(([, s]) => s);
    expect(servers.map((s) => s.name).sort()).toEqual(["fractals-dev-controller", "fractals-dev-worker-1"]);
    expect(bootEnv(servers.find((s) => s.name === "fractals-dev-controller")!.user_data).ROLES).toBe("database queue api");
    expect(bootEnv(servers.find((s) => s.name === "fractals-dev-worker-1")!.user_data).ROLES).toBe("worker");
    expect(resources(dev, "openstack_orchestration_stack_v1")).toHaveLength(0);
  });

  test("the floating IP is on the controller's port", () => {
    const [[portId]] = resources(dev, "openstack_networking_port_v2").filter(([, p]) => p.name === "fractals-dev-controller-port");
    const [[, assoc]] = resources(dev, "openstack_networking_floatingip_associate_v2");
    expect(assoc.port_id).toBe(`\${openstack_networking_port_v2.${portId}.id}`);
  });

  test("the API is public; the worker reaches the API and the queue by group", () => {
    const rules = resources(dev, "openstack_networking_secgroup_rule_v2").map(([, r]) => r);
    expect(rules).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ port_range_min: 80, remote_ip_prefix: "0.0.0.0/0" }),
        expect.objectContaining({ port_range_min: 80, remote_group_id: expect.stringContaining("workers_security-group") }),
        expect.objectContaining({ port_range_min: 5672, remote_group_id: expect.stringContaining("workers_security-group") }),
      ]),
    );
  });
});

describe.each([
  ["staging", 0, [1, 1, 3]],
  ["prod", 3, [2, 2, 10]],
] as const)("%s", (env, apiCount, [min, desired, max]) => {
  const json = synthesized[env];
  const workerStack = () =>
    resources(json, "openstack_orchestration_stack_v1").find(([, s]) => JSON.parse(s.template_opts.Bin).resources.workers)!;

  test("has the load balancer, Heat autoscaling, a volume and generated passwords", () => {
    for (const type of [
      "openstack_lb_loadbalancer_v2",
      "openstack_lb_listener_v2",
      "openstack_lb_pool_v2",
      "openstack_lb_monitor_v2",
      "openstack_orchestration_stack_v1",
      "openstack_blockstorage_volume_v3",
      "openstack_compute_volume_attach_v2",
      "random_password",
    ]) {
      expect(resources(json, type).length).toBeGreaterThan(0);
    }
    expect(resources(json, "openstack_lb_member_v2")).toHaveLength(apiCount);
  });

  test(`runs ${apiCount} fixed API servers and scales workers ${min}..${max}`, () => {
    const apis = resources(json, "openstack_compute_instance_v2").filter(([, s]) => /-api-\d+$/.test(s.name));
    expect(apis).toHaveLength(apiCount);
    const [, stack] = workerStack();
    const asg = JSON.parse(stack.template_opts.Bin).resources.workers.properties;
    expect([asg.min_size, asg.desired_capacity, asg.max_size]).toEqual([min, desired, max]);
  });

  test("the API admits the subnet CIDR on its port (amphorae are in none of our groups)", () => {
    const rules = resources(json, "openstack_networking_secgroup_rule_v2").map(([, r]) => r);
    const cidr = env === "staging" ? "10.20.0.0/24" : "10.30.0.0/24";
    expect(rules).toContainEqual(
      expect.objectContaining({
        port_range_min: 80,
        remote_ip_prefix: cidr,
        security_group_id: expect.stringContaining("controller_security-group"),
      }),
    );
    expect(rules.filter((r) => r.remote_ip_prefix === "0.0.0.0/0")).toEqual([]);
  });

  test("outputs the VIP, the services IP and the scale URLs as sensitive", () => {
    expect(Object.keys(json.output!)).toEqual(
      expect.arrayContaining(["load_balancer_vip", "services_private_ip", "scale_up_url", "scale_down_url"]),
    );
    expect(json.output!.scale_up_url.sensitive).toBe(true);
    expect(json.output!.scale_down_url.sensitive).toBe(true);
  });
});

describe("staging's API tier is a Heat group on the pool", () => {
  const stacks = () =>
    resources(staging, "openstack_orchestration_stack_v1").map(([id, s]) => [id, s, JSON.parse(s.template_opts.Bin)] as const);
  const apiStack = () => stacks().find(([, , t]) => t.resources.api)!;

  test("scales 2..4; each member stack holds a server, its wait condition and its pool member", () => {
    const [, stack, template] = apiStack();
    const asg = template.resources.api.properties;
    expect([asg.min_size, asg.desired_capacity, asg.max_size]).toEqual([2, 2, 4]);
    const member = JSON.parse(asg.resource.properties.template);
    expect(Object.fromEntries(Object.entries(member.resources).map(([n, r]) => [n, (r as { type: string }).type]))).toEqual({
      boot_handle: "OS::Heat::WaitConditionHandle",
      server: "OS::Nova::Server",
      boot_complete: "OS::Heat::WaitCondition",
      pool_member: "OS::Octavia::PoolMember",
    });
    expect(member.resources.pool_member.properties).toEqual({
      pool: { get_param: "pool_id" },
      address: { get_attr: ["server", "networks", { get_param: "network" }, 0] },
      protocol_port: { get_param: "api_port" },
      subnet: { get_param: "subnet" },
    });
    const [[poolId]] = resources(staging, "openstack_lb_pool_v2");
    const [[monitorId]] = resources(staging, "openstack_lb_monitor_v2");
    const [[subnetId]] = resources(staging, "openstack_networking_subnet_v2");
    expect(stack.parameters).toMatchObject({
      pool_id: `\${openstack_lb_pool_v2.${poolId}.id}`,
      subnet: `\${openstack_networking_subnet_v2.${subnetId}.id}`,
      api_port: "80",
    });
    expect(stack.depends_on).toContain(`openstack_lb_monitor_v2.${monitorId}`);
  });

  test("Terraform creates no pool members: they are Heat's", () => {
    expect(resources(staging, "openstack_lb_member_v2")).toEqual([]);
  });

  test("the members boot in the API's group, which the services node admits and the balancer reaches", () => {
    const [, stack] = apiStack();
    const groups = Object.fromEntries(
      resources(staging, "openstack_networking_secgroup_v2").map(([id, g]) => [`\${openstack_networking_secgroup_v2.${id}.id}`, g.name]),
    );
    expect(groups[stack.parameters.security_group]).toBe("fractals-staging-api-sg");
    const rules = resources(staging, "openstack_networking_secgroup_rule_v2").map(([, r]) => r);
    const into = (name: string) => rules.filter((r) => groups[r.security_group_id] === name);
    expect(
      into("fractals-staging-services-sg")
        .filter((r) => groups[r.remote_group_id] === "fractals-staging-api-sg")
        .map((r) => r.port_range_min)
        .sort(),
    ).toEqual([3306, 5672]);
    expect(into("fractals-staging-api-sg")).toEqual([
      expect.objectContaining({ port_range_min: 80, port_range_max: 80, remote_ip_prefix: "10.20.0.0/24" }),
    ]);
  });

  test("outputs the API group's scale URLs as sensitive, and no fixed API IPs", () => {
    expect(staging.output!.api_scale_up_url.sensitive).toBe(true);
    expect(staging.output!.api_scale_down_url.sensitive).toBe(true);
    expect(staging.output!.api_private_ips.value).toEqual([]);
  });
});

describe("prod", () => {
  test("the database volume has prevent_destroy; staging's does not", () => {
    expect(resources(prod, "openstack_blockstorage_volume_v3")[0][1].lifecycle).toEqual({ prevent_destroy: true });
    expect(resources(staging, "openstack_blockstorage_volume_v3")[0][1].lifecycle).toBeUndefined();
  });

  test("API servers are in an anti-affinity group", () => {
    const [[, group]] = resources(prod, "openstack_compute_servergroup_v2");
    expect(group.policies).toEqual(["anti-affinity"]);
    const apis = resources(prod, "openstack_compute_instance_v2").filter(([, s]) => /-api-\d+$/.test(s.name));
    for (const [, api] of apis) expect(api.scheduler_hints).toHaveLength(1);
  });

  test("SSH from the admin CIDRs to the bastion only; the API, services and workers' groups admit SSH from the bastion's group only", () => {
    const groups = Object.fromEntries(
      resources(prod, "openstack_networking_secgroup_v2").map(([id, g]) => [`\${openstack_networking_secgroup_v2.${id}.id}`, g.name]),
    );
    const ssh = resources(prod, "openstack_networking_secgroup_rule_v2")
      .map(([, r]) => r)
      .filter((r) => r.port_range_min <= 22 && r.port_range_max >= 22);
    const rules = ssh.map((r) => [groups[r.security_group_id], r.remote_ip_prefix ?? groups[r.remote_group_id]]).sort();
    expect(rules).toEqual([
      ["fractals-prod-api-sg", "fractals-prod-bastion-sg"],
      ["fractals-prod-bastion-sg", "203.0.113.0/24"],
      ["fractals-prod-services-sg", "fractals-prod-bastion-sg"],
      ["fractals-prod-worker-sg", "fractals-prod-bastion-sg"],
    ]);
  });

  test("the bastion: one m1.small server with a floating IP, the environment's image, user data without the app", () => {
    const [[, bastion]] = resources(prod, "openstack_compute_instance_v2").filter(([, s]) => s.name === "fractals-prod-bastion");
    const flavor = bastion.flavor_id.match(/^\$\{data\.openstack_compute_flavor_v2\.(.+)\.id\}$/)[1];
    expect(prod.data!.openstack_compute_flavor_v2[flavor].name).toBe("m1.small");
    expect(bastion.image_id).toBe("67d5fd2e-382f-5da0-921a-5da7331f9d44");
    expect(bastion.user_data).toBe("#cloud-config\nssh_pwauth: false\ndisable_root: true\n");
    const [[, association]] = resources(prod, "openstack_networking_floatingip_associate_v2").filter(([, a]) =>
      a.port_id.includes("bastion_server_port"),
    );
    expect(prod.output!.floating_ips.value).toContain(association.floating_ip);
  });

  test("outputs the bastion's address and an ssh -J example to the first API server", () => {
    const output = prod.output ?? {};
    expect(output.bastion_address.value).toMatch(
      /^\$\{openstack_networking_floatingip_v2\.bastion_server_floating-ip_[0-9A-F]{8}\.address\}$/,
    );
    expect(output.ssh_example.value).toMatch(
      /^ssh -J ubuntu@\$\{openstack_networking_floatingip_v2\.bastion_.*\.address\} ubuntu@\$\{element\(openstack_networking_port_v2\.controller_api-1_port_.*\.all_fixed_ips, 0\)\}$/,
    );
  });
});

describe.each(["dev", "staging"])("%s without admin CIDRs", (env) => {
  test("has no bastion, no SSH rule and no bastion outputs", () => {
    const json = synthesized[env];
    expect(resources(json, "openstack_compute_instance_v2").map(([, s]) => s.name)).not.toContain(`fractals-${env}-bastion`);
    expect(
      resources(json, "openstack_networking_secgroup_rule_v2").filter(([, r]) => r.port_range_min <= 22 && r.port_range_max >= 22),
    ).toEqual([]);
    expect(Object.keys(json.output ?? {})).not.toEqual(expect.arrayContaining(["bastion_address"]));
    expect(Object.keys(json.output ?? {})).not.toContain("ssh_example");
  });
});
