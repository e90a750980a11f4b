/**
 * The lab's pure parts, without root: what it derives from the cloud
 * (topology, NoCloud seed, nft rules, haproxy config) and what the simulated
 * Heat and Nova now keep for it (user data, nested stacks, wait handles).
 */
import "./lab-env";
import { appendFileSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { Cloud } from "../../sim/openstack/cloud";
import { expectStatus, haproxyConfig } from "../../sim/lab/loadbalancer";
import { hostSealRules, routerNatRules } from "../../sim/lab/network";
import { securityGroupRules } from "../../sim/lab/secgroups";
import { metaData, networkConfig } from "../../sim/lab/seed";
import { topology } from "../../sim/lab/topology";
import { signalState } from "../../sim/lab/boot";
import { signalFile } from "../../sim/lab/heat-endpoint";
import { SIGNALS_DIR } from "../../sim/lab/paths";
import { byIdName } from "../../sim/lab/volumes";
import { FixtureCloud } from "./fixture-cloud";

function fixture() {
  const stateFile = path.join(mkdtempSync(path.join(tmpdir(), "fractals-lab-unit-")), "cloud.json");
  const cloud = new FixtureCloud(stateFile);
  const net = cloud.create("openstack_networking_network_v2", { name: "n" });
  const subnet = cloud.create("openstack_networking_subnet_v2", { network_id: net.id, cidr: "10.5.0.0/24", ip_version: 4 });
  const router = cloud.create("openstack_networking_router_v2", { name: "r", external_network_id: cloud.externalNetworkId() });
  cloud.create("openstack_networking_router_interface_v2", { router_id: router.id, subnet_id: subnet.id });
  return { cloud, stateFile, net, subnet };
}

describe("what the lab derives from the cloud", () => {
  test("a server's user data is kept by Nova (the state holds its SHA-1); the router's gateway and floating IPs never take .1", () => {
    const { cloud, stateFile, net, subnet } = fixture();
    const sg = cloud.create("openstack_networking_secgroup_v2", { name: "web" });
    cloud.create("openstack_networking_secgroup_rule_v2", {
      direction: "ingress",
      ethertype: "IPv4",
      protocol: "tcp",
      port_range_min: 80,
      port_range_max: 80,
      remote_group_id: sg.id,
      security_group_id: sg.id,
    });
    const port = cloud.create("openstack_networking_port_v2", {
      network_id: net.id,
      security_group_ids: [sg.id],
      fixed_ip: [{ subnet_id: subnet.id }],
    });
    const server = cloud.create("openstack_compute_instance_v2", {
      name: "web-1",
      image_name: "Debian 12",
      flavor_name: "m1.small",
      user_data: "#cloud-config\n{}\n",
      network: [{ port: port.id }],
    });
    const fip = cloud.create("openstack_networking_floatingip_v2", { pool: "public", port_id: port.id });
    expect(server.user_data).toMatch(/^[0-9a-f]{40}$/);
    const topo = topology(Cloud.load(stateFile));
    const [s] = topo.servers;
    expect(s).toMatchObject({ name: "web-1", userData: "#cloud-config\n{}\n", fixedIp: "10.5.0.3", floatingIp: fip.address });
    expect(s.ingress[0].sources).toEqual(["10.5.0.3/32"]); // the remote group, expanded to its member
    expect(topo.hostIp).toBe("203.0.113.1");
    expect([topo.routers[0].externalIp, fip.address]).not.toContain("203.0.113.1");
    expect(topo.routers[0].floatingIps).toEqual([{ address: fip.address, fixedIp: "10.5.0.3" }]);
    expect(metaData(s)).toBe(`instance-id: ${s.id}\nlocal-hostname: web-1\n`);
    expect(networkConfig(s)).toContain("addresses:\n      - 10.5.0.3/24\n    routes:\n      - to: 0.0.0.0/0\n        via: 10.5.0.1\n");
    expect(networkConfig(s)).not.toContain("nameservers");
  });

  test("security groups compile to default-deny nft with established traffic and loopback allowed", () => {
    const rules = securityGroupRules([
      { protocol: "tcp", portMin: 80, portMax: 80, sources: ["0.0.0.0/0"], ethertype: "IPv4", description: "web" },
      { protocol: "tcp", portMin: 3306, portMax: 3306, sources: ["10.0.0.4/32", "10.0.0.5/32"], ethertype: "IPv4", description: "" },
      { protocol: "icmp", portMin: null, portMax: null, sources: ["0.0.0.0/0"], ethertype: "IPv4", description: "" },
      { protocol: "tcp", portMin: 22, portMax: 22, sources: [], ethertype: "IPv4", description: "empty remote group" },
    ]);
    expect(rules).toContain("policy drop;");
    expect(rules).toContain("ct state established,related accept");
    expect(rules).toContain('iifname "lo" accept');
    expect(rules).toContain('tcp dport 80 accept comment "web"');
    expect(rules).toContain("ip saddr { 10.0.0.4/32, 10.0.0.5/32 } tcp dport 3306 accept");
    expect(rules).toContain("meta l4proto icmp accept");
    expect(rules).not.toContain("dport 22");
  });

  test("routers NAT as the L3 agent; the host's seal drops forwarding of lab interfaces", () => {
    const nat = routerNatRules(
      {
        id: "r",
        name: "r",
        externalIp: "203.0.113.3",
        snat: true,
        interfaces: [{ id: "s", networkId: "n", cidr: "10.5.0.0/24", prefix: 24, gatewayIp: "10.5.0.1" }],
        floatingIps: [{ address: "203.0.113.2", fixedIp: "10.5.0.4" }],
      },
      "ext0",
    );
    expect(nat).toContain("ip daddr 203.0.113.2 dnat to 10.5.0.4");
    expect(nat).toContain('oifname "ext0" ip saddr 10.5.0.4 snat to 203.0.113.2');
    expect(nat).toContain('oifname "ext0" ip saddr 10.5.0.0/24 snat to 203.0.113.3');
    expect(hostSealRules()).toMatch(/hook forward[\s\S]*iifname \{ "fl\*", "vb-fl\*" \} oifname != \{ "fl\*", "vb-fl\*" \} counter drop/);
  });

  test("haproxy gets the listener, algorithm, members and the HTTP monitor", () => {
    const config = haproxyConfig(
      {
        id: "lb",
        name: "lb",
        vip: "10.5.0.10",
        floatingIp: null,
        subnet: { id: "s", networkId: "n", cidr: "10.5.0.0/24", prefix: 24, gatewayIp: "10.5.0.1" },
        listeners: [
          {
            id: "listener-1",
            port: 80,
            protocol: "HTTP",
            algorithm: "LEAST_CONNECTIONS",
            members: [{ address: "10.5.0.4", port: 8080, weight: 1 }],
            monitor: {
              type: "HTTP",
              delay: 5,
              timeout: 3,
              maxRetries: 2,
              maxRetriesDown: 3,
              urlPath: "/v1/health",
              expectedCodes: "200",
              httpMethod: "GET",
            },
          },
        ],
      },
      "/run/lb",
    );
    expect(config).toContain("bind 10.5.0.10:80");
    expect(config).toContain("balance leastconn");
    expect(config).toContain("option httpchk GET /v1/health");
    expect(config).toContain("http-check expect status 200");
    expect(config).toMatch(/server \S+ 10\.5\.0\.4:8080 weight 1 check inter 5s fall 3 rise 2/);
    expect(expectStatus("200-202")).toBe("rstatus ^(200|201|202)$");
  });
});

test("volumes get the by-id name of the virtio bus, or of virtio-scsi when the lab is set so", () => {
  const id = "0b9bd2d5-9a51-4e3d-a4bb-7a9c2f5d8e11";
  expect(byIdName(id, "virtio")).toBe("virtio-0b9bd2d5-9a51-4e3d-a");
  expect(byIdName(id, "scsi")).toBe(`scsi-0QEMU_QEMU_HARDDISK_${id}`);
});

describe("Heat for the lab", () => {
  const nested = {
    heat_template_version: "2018-08-31",
    parameters: { greeting: { type: "string" }, network: { type: "string" } },
    resources: {
      handle: { type: "OS::Heat::WaitConditionHandle" },
      server: {
        type: "OS::Nova::Server",
        properties: {
          image: "Debian 12",
          flavor: "m1.small",
          networks: [{ network: { get_param: "network" } }],
          user_data: {
            str_replace: {
              template: '#!/bin/sh\necho $greeting\nwc_notify --data-binary \'{"status": "SUCCESS"}\'\n',
              params: { $greeting: { get_param: "greeting" }, wc_notify: { get_attr: ["handle", "curl_cli"] } },
            },
          },
        },
      },
      wait: { type: "OS::Heat::WaitCondition", properties: { handle: { get_resource: "handle" }, timeout: 300, count: 1 } },
    },
  };

  function stack(template: unknown) {
    const { cloud, stateFile, net } = fixture();
    const outer = {
      heat_template_version: "2018-08-31",
      parameters: { network: { type: "string" } },
      resources: {
        group: {
          type: "OS::Heat::AutoScalingGroup",
          properties: {
            min_size: 2,
            max_size: 3,
            resource: {
              type: "OS::Heat::Stack",
              properties: { template: JSON.stringify(template), parameters: { greeting: "hello", network: { get_param: "network" } } },
            },
          },
        },
      },
    };
    const created = cloud.create("openstack_orchestration_stack_v1", {
      name: "workers",
      template_opts: { Bin: JSON.stringify(outer) },
      parameters: { network: String(net.id) },
    });
    return { created, stateFile };
  }

  test("an AutoScalingGroup of nested stacks boots their servers with evaluated user data and Heat's curl_cli", () => {
    const { stateFile } = stack(nested);
    const servers = topology(Cloud.load(stateFile)).servers;
    expect(servers).toHaveLength(2);
    const [first] = servers;
    expect(first.name).toBe("workers-group-0");
    expect(first.userData).toContain("echo hello");
    expect(first.userData).toMatch(
      /curl -i -X POST -H 'X-Auth-Token: [0-9a-f]{32}' -H 'Content-Type: application\/json' -H 'Accept: application\/json' http:\/\/203\.0\.113\.1:8004\/v1\/[0-9a-f]{32}\/stacks\/workers-group-0\/[0-9a-f-]{36}\/resources\/handle\/signal --data-binary/,
    );
    expect(first.waitConditions).toEqual([
      expect.objectContaining({ stackName: "workers-group-0", handle: "handle", timeoutSeconds: 300, count: 1 }),
    ]);
  });

  test("a wait condition is pending until signalled, and a FAILURE signal is the server's failure", () => {
    const { stateFile } = stack(nested);
    const [server] = topology(Cloud.load(stateFile)).servers;
    const wc = server.waitConditions[0];
    rmSync(signalFile(SIGNALS_DIR, wc.stackId, wc.handle), { force: true });
    expect(signalState(server).state).toBe("pending");
    mkdirSync(SIGNALS_DIR, { recursive: true });
    appendFileSync(
      signalFile(SIGNALS_DIR, wc.stackId, wc.handle),
      `${JSON.stringify({ status: "FAILURE", reason: "boot script failed", data: "exit 3", id: "", at: "" })}\n`,
    );
    expect(signalState(server)).toEqual({ state: "failure", reason: expect.stringContaining("boot script failed exit 3") });
    rmSync(signalFile(SIGNALS_DIR, wc.stackId, wc.handle), { force: true });
  });

  test("the nested template is checked as Heat checks one: resource types and references", () => {
    const typo = { ...nested, resources: { ...nested.resources, server: { ...nested.resources.server, type: "OS::Nova::Sever" } } };
    expect(() => stack(typo)).toThrow(/The Resource Type \(OS::Nova::Sever\) could not be found/);
    const badRef = {
      ...nested,
      resources: { ...nested.resources, wait: { type: "OS::Heat::WaitCondition", properties: { handle: { get_resource: "nope" } } } },
    };
    expect(() => stack(badRef)).toThrow(/The specified reference "nope"/);
  });
});
