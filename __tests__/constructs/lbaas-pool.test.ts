import "../support/cdktf-matchers";
import * as fs from "fs";
import { LbListenerV2 } from "../../.gen/providers/openstack/lb-listener-v2";
import { LbMonitorV2 } from "../../.gen/providers/openstack/lb-monitor-v2";
import { LbPoolV2 } from "../../.gen/providers/openstack/lb-pool-v2";
import * as path from "path";
import { Testing, TerraformStack } from "cdktf";
import { AppNetwork } from "../../constructs/app-network";
import { Controller } from "../../constructs/controller";
import { HEALTH_PATH } from "../../constructs/fractals-guest";
import { setNamePrefix } from "../../constructs/naming";
import { ServicesNode } from "../../constructs/services-node";
import { Instance } from "../../constructs/instance";
import { LbaasPool } from "../../constructs/lbaas-pool";
import { SecurityGroup } from "../../constructs/security-group";
import { addressOf, Fixture, resources, single, synthWith, synthesized } from "../support/synth";

function pool(f: Fixture, members = 2, extra: Partial<ConstructorParameters<typeof LbaasPool>[2]> = {}): LbaasPool {
  const sg = new SecurityGroup(f.scope, "sg", { name: "api" });
  const instances = Array.from(
    { length: members },
    (_, i) =>
      new Instance(f.scope, `api-${i}`, {
        name: `api-${i}`,
        network: f.network,
        catalog: f.catalog,
        keyPair: f.keyPair,
        image: "i",
        flavor: "f",
        securityGroups: [sg],
      }),
  );
  return new LbaasPool(f.scope, "lb", { network: f.network, members: instances, memberPort: 80, ...extra });
}

describe("LbaasPool", () => {
  const json = synthWith((f) => {
    pool(f, 3);
  });

  test("load balancer on the subnet, HTTP listener on 80, ROUND_ROBIN pool", () => {
    expect(single(json, "openstack_lb_loadbalancer_v2").vip_subnet_id).toMatch(/openstack_networking_subnet_v2\./);
    expect(["openstack_lb_listener_v2", "openstack_lb_pool_v2", "openstack_lb_monitor_v2"].map((t) => resources(json, t).length)).toEqual([
      1, 1, 1,
    ]);
    expect(synthesized(json)).toHaveResourceWithProperties(LbListenerV2, { protocol: "HTTP", protocol_port: 80 });
    expect(synthesized(json)).toHaveResourceWithProperties(LbPoolV2, { protocol: "HTTP", lb_method: "ROUND_ROBIN" });
  });

  test("HTTP GET / health monitor with delay 5, timeout 5, 3 retries by default", () => {
    expect(synthesized(json)).toHaveResourceWithProperties(LbMonitorV2, {
      type: "HTTP",
      http_method: "GET",
      url_path: "/",
      delay: 5,
      timeout: 5,
      max_retries: 3,
    });
  });

  test("one member per instance with address, port and subnet, chained after the monitor", () => {
    const members = resources(json, "openstack_lb_member_v2");
    expect(members).toHaveLength(3);
    const monitor = addressOf(json, "openstack_lb_monitor_v2");
    expect(members[0][1].depends_on).toEqual([monitor]);
    expect(members[1][1].depends_on).toEqual([`openstack_lb_member_v2.${members[0][0]}`]);
    expect(members[2][1].depends_on).toEqual([`openstack_lb_member_v2.${members[1][0]}`]);
    for (const [, m] of members) {
      expect(m).toMatchObject({ protocol_port: 80 });
      expect(m.address).toMatch(/element\(openstack_networking_port_v2\..+\.all_fixed_ips, 0\)/);
      expect(m.subnet_id).toMatch(/openstack_networking_subnet_v2\./);
    }
  });

  test("listener -> pool -> monitor follow each other by reference", () => {
    expect(single(json, "openstack_lb_pool_v2").listener_id).toBe(`\${${addressOf(json, "openstack_lb_listener_v2")}.id}`);
    expect(single(json, "openstack_lb_monitor_v2").pool_id).toBe(`\${${addressOf(json, "openstack_lb_pool_v2")}.id}`);
  });

  test("a floating IP on the VIP port, after the router interface", () => {
    const assoc = single(json, "openstack_networking_floatingip_associate_v2");
    expect(assoc.port_id).toBe(`\${${addressOf(json, "openstack_lb_loadbalancer_v2")}.vip_port_id}`);
    expect(assoc.depends_on).toEqual([addressOf(json, "openstack_networking_router_interface_v2")]);
  });

  test("algorithm and health check are configurable", () => {
    const custom = synthWith((f) => {
      pool(f, 1, { algorithm: "LEAST_CONNECTIONS", healthCheck: { path: "/health", maxRetries: 5 }, floatingIp: false });
    });
    expect(single(custom, "openstack_lb_pool_v2").lb_method).toBe("LEAST_CONNECTIONS");
    expect(synthesized(custom)).toHaveResourceWithProperties(LbMonitorV2, { url_path: "/health", max_retries: 5, delay: 5 });
    expect(resources(custom, "openstack_networking_floatingip_v2")).toHaveLength(0);
  });

  test("bad input fails early with the prop's name", () => {
    expect(() =>
      synthWith((f) => {
        pool(f, 0);
      }),
    ).toThrow("stack/lb: members: must list at least one instance (or leave it out and call addTargets())");
    expect(() =>
      synthWith((f) => {
        pool(f, 1, { healthCheck: { timeoutSeconds: 10, delaySeconds: 5 } });
      }),
    ).toThrow("stack/lb: healthCheck.timeoutSeconds: must be at most delaySeconds (5), got 10");
  });
});

describe("LbaasPool wires its own access", () => {
  test("addTargets(controller): members on the API port, the health path of the API, the port open to the subnet", () => {
    const json = synthWith((f) => {
      const services = new ServicesNode(f.scope, "services", {
        network: f.network,
        catalog: f.catalog,
        keyPair: f.keyPair,
        image: "i",
        flavor: "f",
        volumeSizeGb: 10,
      });
      const api = new Controller(f.scope, "api", {
        network: f.network,
        catalog: f.catalog,
        keyPair: f.keyPair,
        image: "i",
        flavor: "f",
        services,
        count: 2,
        apiPort: 8080,
      });
      new LbaasPool(f.scope, "lb", { network: f.network }).addTargets(api);
    });
    expect(resources(json, "openstack_lb_member_v2").map(([, m]) => m.protocol_port)).toEqual([8080, 8080]);
    expect(single(json, "openstack_lb_monitor_v2").url_path).toBe(HEALTH_PATH);
    const fromSubnet = resources(json, "openstack_networking_secgroup_rule_v2").filter(([, r]) => r.remote_ip_prefix === "10.0.0.0/24");
    expect(fromSubnet).toHaveLength(1);
    expect(fromSubnet[0][1]).toMatchObject({
      port_range_min: 8080,
      port_range_max: 8080,
      description: "Fractals API (tcp/8080 from 10.0.0.0/24)",
    });
  });

  test("members given as instances are admitted from the subnet on memberPort", () => {
    const json = synthWith((f) => {
      pool(f, 2);
    });
    const rules = resources(json, "openstack_networking_secgroup_rule_v2").map(([, r]) => r);
    expect(rules).toEqual([
      expect.objectContaining({
        remote_ip_prefix: "10.0.0.0/24",
        port_range_min: 80,
        description: "Load balancer (tcp/80 from 10.0.0.0/24)",
      }),
    ]);
  });

  test("a load balancer that never gets members fails synth", () => {
    const stack = new TerraformStack(Testing.app(), "stack");
    setNamePrefix(stack, "t");
    const network = new AppNetwork(stack, "network", { cidr: "10.0.0.0/24" });
    new LbaasPool(stack, "lb", { network });
    expect(() => Testing.synth(stack, true)).toThrow(/\[stack\/lb\] has no members: pass members, or call addTargets\(\)/);
  });
});

test("nothing under constructs/ imports config/", () => {
  const dir = path.join(__dirname, "../../constructs");
  for (const file of fs.readdirSync(dir).filter((f) => f.endsWith(".ts"))) {
    expect([file, fs.readFileSync(path.join(dir, file), "utf8")]).not.toEqual([file, expect.stringMatching(/from "\.\.\/config/)]);
  }
});
