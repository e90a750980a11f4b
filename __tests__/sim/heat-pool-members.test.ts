/**
 * The simulated Heat's OS::Octavia::PoolMember inside an AutoScalingGroup's member stacks (the API
 * tier's template, constructs/heat-template.ts), in process: each member stack's pool member joins the
 * Terraform-made pool at its server's address, the group's resizes add and remove them, a scale-in
 * deletes the pool member before the server (Heat's reverse dependency order), the lab's topology
 * (what haproxy is configured from) follows, the servers are placed by the stack's server group, and
 * the members go with the stack.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { apiScalingTemplate, cpuThresholdNs } from "../../constructs/heat-template";
import { Cloud } from "../../sim/openstack/cloud";
import { INSTANCE, SERVER_GROUP } from "../../sim/openstack/compute";
import { LB_MEMBER } from "../../sim/openstack/load-balancer";
import { PORT } from "../../sim/openstack/networking";
import { finishScaling, scalingGroups, signalScalingPolicy, STACK } from "../../sim/openstack/orchestration";
import { topology } from "../../sim/lab/topology";
import { ValueObject } from "../../sim/protocol/cty";
import { FixtureCloud } from "../lab/fixture-cloud";

describe("the simulated Heat's pool members in an API group", () => {
  const template = apiScalingTemplate({
    minSize: 2,
    desiredSize: 2,
    maxSize: 3,
    cooldownSeconds: 600,
    granularitySeconds: 300,
    evaluationPeriods: 2,
    userDataTemplate: "#!/bin/sh\necho $database_url $amqp_url $wait_endpoint $wait_token\n",
  });
  let fixture: FixtureCloud;
  let file: string;
  let stack: ValueObject;
  let pool: ValueObject;
  let monitor: ValueObject;

  beforeAll(() => {
    file = path.join(mkdtempSync(path.join(tmpdir(), "fractals-heat-members-")), "cloud.json");
    fixture = new FixtureCloud(file);
    const network = fixture.create("openstack_networking_network_v2", { name: "net" });
    const subnet = fixture.create("openstack_networking_subnet_v2", { network_id: network.id, cidr: "10.9.0.0/24" });
    const sg = fixture.create("openstack_networking_secgroup_v2", { name: "api-sg" });
    const lb = fixture.create("openstack_lb_loadbalancer_v2", { name: "lb", vip_subnet_id: subnet.id });
    const listener = fixture.create("openstack_lb_listener_v2", { loadbalancer_id: lb.id, protocol: "HTTP", protocol_port: 80 });
    pool = fixture.create("openstack_lb_pool_v2", { listener_id: listener.id, protocol: "HTTP", lb_method: "ROUND_ROBIN" });
    monitor = fixture.create("openstack_lb_monitor_v2", {
      pool_id: pool.id,
      type: "HTTP",
      delay: 5,
      timeout: 5,
      max_retries: 3,
      url_path: "/v1/health",
    });
    stack = fixture.create(STACK, {
      name: "api",
      template_opts: { Bin: JSON.stringify(template) },
      disable_rollback: false,
      timeout: 30,
      parameters: {
        image: "img",
        flavor: "2",
        key_name: "k",
        network: String(network.id),
        subnet: String(subnet.id),
        security_group: String(sg.id),
        pool_id: String(pool.id),
        api_port: "8080",
        database_url: "mysql://db",
        amqp_url: "amqp://q",
        cpu_high_threshold: String(cpuThresholdNs(80, 1, 300)),
        cpu_low_threshold: String(cpuThresholdNs(20, 1, 300)),
      },
    });
  });

  const cloud = () => Cloud.load(file);
  const group = () => scalingGroups(cloud())[0];
  const serverIp = (c: Cloud, serverId: string) =>
    c.list(PORT).find((p) => p.state.device_id === serverId)!.state.all_fixed_ips as string[];
  /** Pool members as [address, port], and the servers' addresses, in the group's order. */
  const poolView = () => {
    const c = cloud();
    const members = c
      .list(LB_MEMBER)
      .filter((m) => m.state.pool_id === pool.id)
      .map((m) => [m.state.address, m.state.protocol_port]);
    const servers = group().members.map((m) => [serverIp(c, m.servers[0])[0], 8080]);
    return { members, servers };
  };

  test("each member stack's pool member is on the pool at its server's address and the API port, owned by the stack", () => {
    const { members, servers } = poolView();
    expect(members).toHaveLength(2);
    expect(members).toEqual(servers);
    const c = cloud();
    for (const m of c.list(LB_MEMBER)) expect(m.owner).toBe(stack.id);
    expect(group().members.map((m) => m.pool_members)).toEqual([[expect.any(String)], [expect.any(String)]]);
  });

  test("the lab's load balancer (haproxy's configuration) lists the Heat members", () => {
    const [lb] = topology(cloud()).loadBalancers;
    expect(lb.listeners[0].members.map((m) => [m.address, m.port]).sort()).toEqual(poolView().servers.sort());
    expect(lb.listeners[0].monitor?.urlPath).toBe("/v1/health");
  });

  test("scale-out adds a server and its pool member; scale-in deletes the oldest's pool member before its server", () => {
    const t0 = Date.now() + 1000;
    expect(
      Cloud.transact(file, (c) => signalScalingPolicy(c, String(stack.id), "scale_up_policy", { nowMs: t0, timeScale: 30 })),
    ).toMatchObject({ outcome: "scaled", from: 2, to: 3 });
    expect(poolView().members).toHaveLength(3);
    expect(poolView().members).toEqual(poolView().servers);
    Cloud.transact(file, (c) => finishScaling(c, () => true, t0 + 1000));

    const oldest = group().members[0];
    const removals: string[] = [];
    const event = Cloud.transact(file, (c) => {
      const remove = c.remove.bind(c);
      c.remove = (type: string, id: string) => {
        removals.push(`${type} ${id}`);
        remove(type, id);
      };
      return signalScalingPolicy(c, String(stack.id), "scale_down_policy", { nowMs: t0 + 60_000, timeScale: 30 });
    });
    expect(event).toMatchObject({ outcome: "scaled", from: 3, to: 2 });
    expect(removals.slice(0, 2)).toEqual([`${LB_MEMBER} ${oldest.pool_members![0]}`, `${INSTANCE} ${oldest.servers[0]}`]);
    expect(cloud().get(LB_MEMBER, oldest.pool_members![0])).toBeUndefined();
    expect(poolView().members).toHaveLength(2);
    expect(poolView().members).toEqual(poolView().servers);
  });

  test("every server, scaled out or not, names the stack's soft-anti-affinity server group, which Heat made", () => {
    const c = cloud();
    const groups = c.list(SERVER_GROUP);
    expect(groups.map((g) => [g.owner, g.state.policies])).toEqual([[stack.id, ["soft-anti-affinity"]]]);
    const servers = group().members.flatMap((m) => m.servers);
    expect(servers.map((id) => c.get(INSTANCE, id)!.state.scheduler_hints)).toEqual(servers.map(() => [{ group: groups[0].id }]));
  });

  test("a hard anti-affinity group fails the create once its members outnumber the hypervisors, as Nova's scheduler does", () => {
    const hard = JSON.parse(JSON.stringify(template));
    hard.resources.placement.properties.policies = ["anti-affinity"];
    Object.assign(hard.resources.api.properties, { min_size: 5, desired_capacity: 5, max_size: 5 });
    expect(() =>
      fixture.create(STACK, { ...stack, id: null, name: "api-hard", template_opts: { Bin: JSON.stringify(hard) }, outputs: null }),
    ).toThrow(/No valid host was found.*anti-affinity policy and 4 members on 4 hypervisors/);
  });

  test("Terraform's monitor and pool are untouched by Heat's members, and the members go with the stack", () => {
    expect(cloud().get("openstack_lb_monitor_v2", String(monitor.id))).toBeDefined();
    fixture.destroy(STACK, stack);
    expect(cloud().list(LB_MEMBER)).toEqual([]);
    expect(cloud().list(INSTANCE)).toEqual([]);
    expect(cloud().list(SERVER_GROUP)).toEqual([]);
    expect(cloud().get("openstack_lb_pool_v2", String(pool.id))).toBeDefined();
  });
});
