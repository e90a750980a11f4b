import "../support/cdktf-matchers";
import { cpuThresholdNs, HeatTemplate } from "../../constructs/heat-template";
import { ComputeServergroupV2 } from "../../.gen/providers/openstack/compute-servergroup-v2";
import { WorkerGroup } from "../../constructs/worker-group";
import { WorkerScaling } from "../../constructs/worker-scaling";
import { Fixture, resources, single, synthWith, synthesized } from "../support/synth";
import { bootEnv, readUserData } from "../support/user-data";

const AUTOSCALE = WorkerScaling.autoscale({
  flavor: "m1.medium",
  min: 2,
  desired: 3,
  max: 10,
  evaluationPeriods: 3,
  cooldownSeconds: 600,
});

function workers(f: Fixture, scaling: WorkerScaling): WorkerGroup {
  return new WorkerGroup(f.scope, "workers", {
    network: f.network,
    catalog: f.catalog,
    keyPair: f.keyPair,
    image: "Ubuntu 22.04",
    scaling,
    apiUrl: "http://10.0.0.5:80",
    amqpUrl: "amqp://u:p@10.0.0.6:5672/",
  });
}

describe("cpuThresholdNs", () => {
  test("80% of 2 vCPUs over 300 s is 480000000000 CPU-nanoseconds", () => {
    expect(cpuThresholdNs(80, 2, 300)).toBe(480000000000);
  });

  test("scales linearly with each factor", () => {
    expect(cpuThresholdNs(40, 2, 300)).toBe(240000000000);
    expect(cpuThresholdNs(80, 4, 300)).toBe(960000000000);
    expect(cpuThresholdNs(80, 2, 60)).toBe(96000000000);
  });
});

describe("WorkerGroup, fixed", () => {
  const json = synthWith((f) => {
    workers(f, WorkerScaling.fixed({ flavor: "m1.small", count: 3 }));
  });

  test("N servers in one soft-anti-affinity group", () => {
    const servers = resources(json, "openstack_compute_instance_v2").map(([, r]) => r);
    expect(servers.map((s) => s.name)).toEqual(["t-test-worker-1", "t-test-worker-2", "t-test-worker-3"]);
    expect(resources(json, "openstack_compute_servergroup_v2")).toHaveLength(1);
    expect(synthesized(json)).toHaveResourceWithProperties(ComputeServergroupV2, { policies: ["soft-anti-affinity"] });
    for (const s of servers) {
      expect(bootEnv(s.user_data)).toEqual({ ROLES: "worker" });
      expect(readUserData(s.user_data).files.get("/etc/fractals/fractals.conf")!.content).toBe(
        "[queue]\nurl = amqp://u:p@10.0.0.6:5672/\n\n[worker]\napi_url = http://10.0.0.5:80\n",
      );
      expect(s.scheduler_hints).toHaveLength(1);
    }
  });

  test("workers admit nothing without admin CIDRs", () => {
    expect(resources(json, "openstack_networking_secgroup_rule_v2")).toHaveLength(0);
  });

  test("scale URLs exist only in autoscale mode", () => {
    expect(() => synthWith((f) => workers(f, WorkerScaling.fixed({ flavor: "m1.small", count: 1 })).scaleUpUrl)).toThrow(
      /only in autoscale mode/,
    );
  });
});

describe("WorkerGroup, autoscale", () => {
  const json = synthWith((f) => {
    workers(f, AUTOSCALE);
  });
  const stack = single(json, "openstack_orchestration_stack_v1");
  const template: HeatTemplate = JSON.parse(stack.template_opts.Bin);
  const byType = (type: string) => Object.entries(template.resources).filter(([, r]) => r.type === type);

  test("one Heat stack and no Nova servers of our own", () => {
    // A suffix from the plan's time, ignored once the stack exists (issue 13.4: a failed create keeps its name in Heat).
    expect(stack.name).toBe('t-test-workers-${formatdate("YYYYMMDDhhmmss", plantimestamp())}');
    expect(stack.lifecycle).toEqual({ ignore_changes: ["name"] });
    expect(resources(json, "openstack_compute_instance_v2")).toHaveLength(0);
    expect(Object.keys(stack.template_opts)).toEqual(["Bin"]);
  });

  test("AutoScalingGroup of worker stacks with min, desired and max", () => {
    const [[, asg]] = byType("OS::Heat::AutoScalingGroup");
    expect(asg.properties).toMatchObject({ min_size: 2, desired_capacity: 3, max_size: 10 });
    const member = asg.properties!.resource as any;
    expect(member.type).toBe("OS::Heat::Stack");
    expect(member.properties.parameters.server_group).toEqual({ get_param: "OS::stack_id" });
    expect(member.properties.parameters.amqp_url).toEqual({ get_param: "amqp_url" });
  });

  test("the workers share a soft-anti-affinity server group, as the fixed workers do: spread where hosts allow, never refused", () => {
    expect(byType("OS::Nova::ServerGroup")).toEqual([
      ["placement", { type: "OS::Nova::ServerGroup", properties: { policies: ["soft-anti-affinity"] } }],
    ]);
    const [[, asg]] = byType("OS::Heat::AutoScalingGroup");
    const member = asg.properties!.resource as any;
    expect(member.properties.parameters.placement_group).toEqual({ get_resource: "placement" });
    const nested: HeatTemplate = JSON.parse(member.properties.template);
    expect(nested.parameters.placement_group.type).toBe("string");
    expect((nested.resources.server.properties as any).scheduler_hints).toEqual({ group: { get_param: "placement_group" } });
  });

  test("each worker is a server whose boot script signals a wait condition", () => {
    const [[, asg]] = byType("OS::Heat::AutoScalingGroup");
    const nested: HeatTemplate = JSON.parse((asg.properties!.resource as any).properties.template);
    expect(Object.fromEntries(Object.entries(nested.resources).map(([k, r]) => [k, r.type]))).toEqual({
      boot_handle: "OS::Heat::WaitConditionHandle",
      server: "OS::Nova::Server",
      boot_complete: "OS::Heat::WaitCondition",
    });
    expect(nested.resources.boot_complete).toMatchObject({
      depends_on: ["server"],
      properties: { handle: { get_resource: "boot_handle" }, count: 1 },
    });
    const server = nested.resources.server.properties as any;
    expect(server.metadata).toEqual({ "metering.server_group": { get_param: "server_group" } });
    expect(nested.parameters.amqp_url.hidden).toBeUndefined();
    const { template: userData, params } = server.user_data.str_replace;
    expect(params).toEqual({
      $api_url: { get_param: "api_url" },
      $amqp_url: { get_param: "amqp_url" },
      $wait_endpoint: { get_attr: ["boot_handle", "endpoint"] },
      $wait_token: { get_attr: ["boot_handle", "token"] },
    });
    const { files } = readUserData(userData);
    expect(files.get("/etc/fractals/fractals.conf")!.content).toBe("[queue]\nurl = $amqp_url\n\n[worker]\napi_url = $api_url\n");
    // The token goes into a curl config file, never onto a command line.
    const signal = files.get("/etc/fractals/heat-signal.curl")!;
    expect(signal.permissions).toBe("0600");
    expect(signal.content).toContain('url = "$wait_endpoint"');
    expect(signal.content).toContain('header = "X-Auth-Token: $wait_token"');
  });

  test("two scaling policies, +1 and -1, with the cooldown", () => {
    const policies = byType("OS::Heat::ScalingPolicy").map(([, p]) => p.properties!);
    expect(policies.map((p) => p.scaling_adjustment).sort()).toEqual([-1, 1]);
    for (const p of policies)
      expect(p).toMatchObject({ adjustment_type: "change_in_capacity", cooldown: 600, auto_scaling_group_id: { get_resource: "workers" } });
  });

  test("two Gnocchi alarms on cpu with rate:mean, querying the stack id and signalling with trust+", () => {
    const alarms = byType("OS::Aodh::GnocchiAggregationByResourcesAlarm");
    expect(alarms).toHaveLength(2);
    for (const [, { properties: alarmProps }] of alarms) {
      const alarm = { properties: alarmProps! };
      expect(alarm.properties).toMatchObject({
        metric: "cpu",
        aggregation_method: "rate:mean",
        granularity: 300,
        evaluation_periods: 3,
        resource_type: "instance",
      });
      expect(JSON.stringify(alarm.properties.query)).toContain("server_group");
      expect(JSON.stringify(alarm.properties.query)).toContain("OS::stack_id");
      expect(JSON.stringify(alarm.properties.alarm_actions)).toMatch(/trust\+url.*signal_url/);
    }
    expect(alarms.map(([, a]) => a.properties!.comparison_operator).sort()).toEqual(["gt", "lt"]);
  });

  test("thresholds are vCPUs of the flavor times percent x 1e9 x granularity", () => {
    const flavorId = Object.keys(json.data!.openstack_compute_flavor_v2)[0];
    expect(stack.parameters.cpu_high_threshold).toBe(
      `\${(data.openstack_compute_flavor_v2.${flavorId}.vcpus * ${cpuThresholdNs(80, 1, 300)})}`,
    );
    expect(stack.parameters.cpu_low_threshold).toBe(
      `\${(data.openstack_compute_flavor_v2.${flavorId}.vcpus * ${cpuThresholdNs(20, 1, 300)})}`,
    );
  });

  test("the AMQP URL is a parameter, never inside the template; not hidden, which Heat would report back as ******", () => {
    expect(template.parameters.amqp_url.hidden).toBeUndefined();
    expect(stack.template_opts.Bin).not.toContain("amqp://");
    expect(stack.parameters.amqp_url).toBe("amqp://u:p@10.0.0.6:5672/");
  });

  test("outputs give the scale-up and scale-down signal URLs", () => {
    expect(template.outputs!.scale_up_url.value).toEqual({ get_attr: ["scale_up_policy", "alarm_url"] });
    expect(template.outputs!.scale_down_url.value).toEqual({ get_attr: ["scale_down_policy", "alarm_url"] });
  });

  test("the stack waits for the router interface", () => {
    expect(stack.depends_on).toEqual([expect.stringMatching(/^openstack_networking_router_interface_v2\./)]);
  });
});
