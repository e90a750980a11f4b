/**
 * The pure parts of autoscaling (no root, no containers): Gnocchi's
 * aggregation and Aodh's evaluation (sim/openstack/telemetry.ts), and the
 * simulated Heat's answer to scaling signals (sim/openstack/orchestration.ts)
 * on the worker template the constructs build.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { cpuThresholdNs, workerScalingTemplate } from "../../constructs/heat-template";
import { Cloud } from "../../sim/openstack/cloud";
import { INSTANCE } from "../../sim/openstack/compute";
import { finishScaling, scalingGroups, signalScalingPolicy, stackAlarms, STACK } from "../../sim/openstack/orchestration";
import { aggregateRateMean, bucketMeans, evaluateThreshold, matchesQuery, resourceAttributes } from "../../sim/openstack/telemetry";
import { ValueObject } from "../../sim/protocol/cty";
import { FixtureCloud } from "./fixture-cloud";

describe("Gnocchi's rate:mean across resources", () => {
  test("one point per bucket is its mean; the rate is the difference of the means across resources", () => {
    expect(
      bucketMeans(
        [
          { t: 1000, value: 2 },
          { t: 1500, value: 4 },
          { t: 2100, value: 10 },
        ],
        1000,
      ),
    ).toEqual([
      { t: 1000, value: 3 },
      { t: 2000, value: 10 },
    ]);
    const a = [
      { t: 0, value: 0 },
      { t: 10, value: 8 },
      { t: 20, value: 16 },
    ];
    const b = [
      { t: 0, value: 0 },
      { t: 10, value: 2 },
      { t: 20, value: 4 },
    ];
    expect(aggregateRateMean([a, b], 0, 20)).toEqual([
      { t: 10, value: 5 },
      { t: 20, value: 5 },
    ]);
  });

  test("a server joining with a small counter pulls the mean down: one large negative sample", () => {
    const old = [
      { t: 0, value: 100 },
      { t: 10, value: 110 },
      { t: 20, value: 120 },
      { t: 30, value: 130 },
    ];
    const joined = [
      { t: 20, value: 0 },
      { t: 30, value: 10 },
    ];
    expect(aggregateRateMean([old, joined], 0, 30).map((p) => p.value)).toEqual([10, -50, 10]);
  });

  test("queries on metering.* metadata", () => {
    const attrs = resourceAttributes("s1", { "metering.server_group": "abc", other: "x" });
    expect(attrs).toEqual({ id: "s1", server_group: "abc" });
    expect(matchesQuery({ "=": { server_group: "abc" } }, attrs)).toBe(true);
    expect(matchesQuery({ "=": { server_group: "abd" } }, attrs)).toBe(false);
    expect(matchesQuery({ and: [{ "=": { server_group: "abc" } }, { in: { id: ["s1", "s2"] } }] }, attrs)).toBe(true);
  });
});

describe("Aodh's threshold evaluation", () => {
  const alarm = { evaluationPeriods: 2, threshold: 80, comparisonOperator: "gt", repeatActions: true };
  const pts = (...v: number[]) => v.map((value, i) => ({ t: i, value }));

  test("too few points is insufficient data; all crossing is alarm (repeated while it holds); none is ok", () => {
    expect(evaluateThreshold(alarm, pts(90), "insufficient data")).toMatchObject({ state: "insufficient data", notify: false });
    expect(evaluateThreshold(alarm, pts(10, 90, 95), "ok")).toMatchObject({ state: "alarm", notify: true });
    expect(evaluateThreshold(alarm, pts(90, 95), "alarm")).toMatchObject({ state: "alarm", notify: true });
    expect(evaluateThreshold({ ...alarm, repeatActions: false }, pts(90, 95), "alarm")).toMatchObject({ state: "alarm", notify: false });
    expect(evaluateThreshold(alarm, pts(10, 20), "alarm")).toMatchObject({ state: "ok", notify: true });
  });

  test("a mix keeps the state, or follows the newest point out of insufficient data", () => {
    expect(evaluateThreshold(alarm, pts(90, 10), "alarm")).toMatchObject({ state: "alarm", notify: false });
    expect(evaluateThreshold(alarm, pts(10, 90), "ok")).toMatchObject({ state: "ok", notify: false });
    expect(evaluateThreshold(alarm, pts(10, 90), "insufficient data")).toMatchObject({ state: "alarm", notify: true });
  });
});

describe("the simulated Heat's scaling policies", () => {
  const template = workerScalingTemplate({
    minSize: 1,
    desiredSize: 1,
    maxSize: 3,
    cooldownSeconds: 600,
    granularitySeconds: 300,
    evaluationPeriods: 2,
    userDataTemplate: "#!/bin/sh\necho $api_url $amqp_url $wait_endpoint $wait_token\n",
  });
  let fixture: FixtureCloud;
  let file: string;
  let stack: ValueObject;
  const parameters = (api = "http://10.0.0.4") => ({
    image: "img",
    flavor: "2",
    key_name: "k",
    network: "",
    security_group: "",
    api_url: api,
    amqp_url: "amqp://q",
    cpu_high_threshold: String(cpuThresholdNs(80, 1, 300)),
    cpu_low_threshold: String(cpuThresholdNs(20, 1, 300)),
  });

  beforeAll(() => {
    file = path.join(mkdtempSync(path.join(tmpdir(), "fractals-telemetry-")), "cloud.json");
    fixture = new FixtureCloud(file);
    const network = fixture.create("openstack_networking_network_v2", { name: "net" });
    fixture.create("openstack_networking_subnet_v2", { network_id: network.id, cidr: "10.9.0.0/24" });
    stack = fixture.create(STACK, {
      name: "workers",
      template_opts: { Bin: JSON.stringify(template) },
      parameters: { ...parameters(), network: String(network.id) },
      disable_rollback: false,
      timeout: 30,
    });
  });

  const group = () => scalingGroups(Cloud.load(file))[0];
  const signal = (policy: string, nowMs: number) =>
    Cloud.transact(file, (c) => signalScalingPolicy(c, String(stack.id), policy, { nowMs, timeScale: 30 }));
  const finish = (nowMs: number) => Cloud.transact(file, (c) => finishScaling(c, () => true, nowMs));

  test("the stack's alarms as Aodh would hold them, and its servers' metering metadata", () => {
    const cloud = Cloud.load(file);
    const alarms = stackAlarms(cloud);
    expect(alarms.map((a) => [a.comparisonOperator, a.threshold, a.granularity, a.evaluationPeriods, a.aggregationMethod])).toEqual([
      ["gt", 240e9, 300, 2, "rate:mean"],
      ["lt", 60e9, 300, 2, "rate:mean"],
    ]);
    expect(alarms[0].query).toEqual({ "=": { server_group: stack.id } });
    expect(alarms[0].alarmActions[0]).toMatch(/^trust\+http:\/\/.*\/stacks\/workers\/.*\/resources\/scale_up_policy\/signal$/);
    const [server] = cloud.list(INSTANCE);
    expect(server.state.metadata).toEqual({ "metering.server_group": stack.id });
    expect(group().members).toHaveLength(1);
  });

  test("grow, in progress until the new member signals, cooldown (time-scaled), the max, then shrink oldest first", () => {
    const t0 = Date.now() + 1000;
    expect(signal("scale_up_policy", t0)).toMatchObject({ outcome: "scaled", from: 1, to: 2 });
    expect(Cloud.load(file).list(INSTANCE)).toHaveLength(2);
    expect(group().in_progress?.waits).toHaveLength(1);
    expect(signal("scale_up_policy", t0 + 1000).outcome).toBe("in-progress");
    expect(finish(t0 + 2000)).toHaveLength(1);
    // 600 s of cooldown at time scale 30: 20 s.
    expect(signal("scale_up_policy", t0 + 21_000).outcome).toBe("cooldown");
    expect(signal("scale_up_policy", t0 + 22_001)).toMatchObject({ outcome: "scaled", from: 2, to: 3 });
    finish(t0 + 23_000);
    expect(signal("scale_up_policy", t0 + 60_000)).toMatchObject({ outcome: "no-change", to: 3 });
    const oldest = group().members[0].servers[0];
    expect(signal("scale_down_policy", t0 + 61_000)).toMatchObject({ outcome: "scaled", from: 3, to: 2 });
    expect(Cloud.load(file).get(INSTANCE, oldest)).toBeUndefined();
    expect(group().in_progress).toBeNull();
    expect(signal("scale_down_policy", t0 + 62_000).outcome).toBe("cooldown");
  });

  test("a stack update that leaves the group alone keeps Heat's size; one that changes it resizes to desired_capacity", () => {
    const update = (params: Record<string, string>) => {
      const full = { ...stack, parameters: { ...params, network: String((stack.parameters as ValueObject).network) } } as ValueObject;
      const plan = fixture.provider.planResourceChange(STACK, stack, full, full);
      const applied = fixture.provider.applyResourceChange(STACK, stack, plan.planned, () => full);
      expect(applied.diagnostics).toEqual([]);
      stack = applied.newState!;
    };
    const before = group().members.map((m) => m.index);
    expect(before).toHaveLength(2);
    update({ ...parameters(), cpu_high_threshold: String(cpuThresholdNs(90, 1, 300)) });
    expect(group().members.map((m) => m.index)).toEqual(before);
    expect(Cloud.load(file).list(INSTANCE)).toHaveLength(2);
    update(parameters("http://10.0.0.5"));
    expect(group().members).toHaveLength(1);
    expect(Cloud.load(file).list(INSTANCE)).toHaveLength(1);
  });
});
