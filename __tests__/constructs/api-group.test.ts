import { ApiGroup } from "../../constructs/api-group";
import { LbaasPool } from "../../constructs/lbaas-pool";
import { ServicesNode } from "../../constructs/services-node";
import { Scaling } from "../../constructs/worker-scaling";
import { Fixture, resources, single, synthWith } from "../support/synth";

function apiGroup(f: Fixture, props: Partial<ConstructorParameters<typeof ApiGroup>[2]> = {}): ApiGroup {
  const common = { network: f.network, catalog: f.catalog, keyPair: f.keyPair, image: "i" };
  const services = new ServicesNode(f.scope, "services", { ...common, flavor: "f", volumeSizeGb: 10 });
  const loadBalancer = new LbaasPool(f.scope, "lb", { network: f.network });
  return new ApiGroup(f.scope, "api", {
    ...common,
    services,
    loadBalancer,
    scaling: Scaling.autoscale({ min: 2, max: 4, flavor: "f" }),
    ...props,
  });
}

describe("ApiGroup", () => {
  const json = synthWith((f) => {
    apiGroup(f);
  });
  const template = () => JSON.parse(single(json, "openstack_orchestration_stack_v1").template_opts.Bin);

  test("a Heat group 2..4 whose member stack holds a server, its wait condition and its pool member", () => {
    const asg = template().resources.api.properties;
    expect([asg.min_size, asg.desired_capacity, asg.max_size]).toEqual([2, 2, 4]);
    const member = JSON.parse(asg.resource.properties.template);
    expect(member.resources.pool_member).toEqual({
      type: "OS::Octavia::PoolMember",
      properties: {
        pool: { get_param: "pool_id" },
        address: { get_attr: ["server", "networks", { get_param: "network" }, 0] },
        protocol_port: { get_param: "api_port" },
        subnet: { get_param: "subnet" },
      },
    });
    expect(Object.keys(template().resources).sort()).toEqual([
      "api",
      "cpu_alarm_high",
      "cpu_alarm_low",
      "placement",
      "scale_down_policy",
      "scale_up_policy",
    ]);
  });

  test("its servers share a soft-anti-affinity server group: one hypervisor's failure takes one member, not the tier", () => {
    const { resources: parent } = template();
    expect(parent.placement).toEqual({ type: "OS::Nova::ServerGroup", properties: { policies: ["soft-anti-affinity"] } });
    const stack = parent.api.properties.resource.properties;
    expect(stack.parameters.placement_group).toEqual({ get_resource: "placement" });
    expect(JSON.parse(stack.template).resources.server.properties.scheduler_hints).toEqual({ group: { get_param: "placement_group" } });
  });

  test("the pool gets no Terraform members; the stack gets the pool, subnet and port, after the monitor", () => {
    expect(resources(json, "openstack_lb_member_v2")).toEqual([]);
    const stack = single(json, "openstack_orchestration_stack_v1");
    expect(stack.parameters).toMatchObject({
      pool_id: expect.stringMatching(/openstack_lb_pool_v2\..*\.id/),
      subnet: expect.stringMatching(/openstack_networking_subnet_v2\./),
      api_port: "80",
    });
    expect(stack.depends_on).toEqual(expect.arrayContaining([expect.stringMatching(/^openstack_lb_monitor_v2\./)]));
  });

  test("its group admits the API port from the subnet; the services node admits it on MySQL and AMQP", () => {
    const rules = resources(json, "openstack_networking_secgroup_rule_v2").map(([, r]) => r);
    expect(rules).toContainEqual(
      expect.objectContaining({
        port_range_min: 80,
        remote_ip_prefix: "10.0.0.0/24",
        security_group_id: expect.stringContaining("api_security-group"),
      }),
    );
    const fromApi = rules
      .filter((r) => String(r.remote_group_id).includes("api_security-group"))
      .map((r) => r.port_range_min)
      .sort();
    expect(fromApi).toEqual([3306, 5672]);
  });

  test.each([
    ["fixed scaling", { scaling: Scaling.fixed({ count: 2, flavor: "f" }) }, /api: scaling: must come from Scaling.autoscale\(\)/],
    ["a group of none", { scaling: Scaling.autoscale({ min: 0, max: 2, flavor: "f" }) }, /api: scaling.min: must be at least 1/],
    ["max below min", { scaling: Scaling.autoscale({ min: 3, max: 2, flavor: "f" }) }, /api: scaling.max: must be >= min \(3\), got 2/],
    ["a reserved port", { apiPort: 3306 }, /api: apiPort: must not be one of 22, 3306/],
  ] as const)("refuses %s, naming itself and the prop", (_, props, message) => {
    expect(() =>
      synthWith((f) => {
        apiGroup(f, props);
      }),
    ).toThrow(message);
  });
});
