import { Port } from "../../constructs/port";
import { Peer } from "../../constructs/peer";
import { SecurityGroup } from "../../constructs/security-group";
import { resources, synthWith } from "../support/synth";

describe("SecurityGroup and Connections", () => {
  test("allowFrom another group writes a remote_group_id rule on this group", () => {
    const json = synthWith(({ scope }) => {
      const services = new SecurityGroup(scope, "services", { name: "services" });
      const workers = new SecurityGroup(scope, "workers", { name: "workers" });
      services.connections.allowFrom(workers, Port.tcp(5672), "AMQP");
    });
    const rules = resources(json, "openstack_networking_secgroup_rule_v2").map(([, r]) => r);
    expect(rules).toHaveLength(1);
    const groups = Object.keys(json.resource!.openstack_networking_secgroup_v2);
    const servicesId = groups.find((g) => g.startsWith("services"))!;
    const workersId = groups.find((g) => g.startsWith("workers"))!;
    expect(rules[0]).toMatchObject({
      direction: "ingress",
      ethertype: "IPv4",
      protocol: "tcp",
      port_range_min: 5672,
      port_range_max: 5672,
      remote_group_id: `\${openstack_networking_secgroup_v2.${workersId}.id}`,
      security_group_id: `\${openstack_networking_secgroup_v2.${servicesId}.id}`,
    });
    expect(rules[0].remote_ip_prefix).toBeUndefined();
  });

  test("the same rule added twice is written once (Neutron answers 409 to duplicates)", () => {
    const json = synthWith(({ scope }) => {
      const a = new SecurityGroup(scope, "a", { name: "a" });
      const b = new SecurityGroup(scope, "b", { name: "b" });
      a.connections.allowFrom(b, Port.tcp(80), "HTTP");
      a.connections.allowFrom(b, Port.tcp(80), "HTTP again");
      a.connections.allowFromCidrs(["10.0.0.0/24", "10.0.0.0/24"], Port.tcp(22), "SSH");
      a.connections.allowFrom(Peer.ipv4("10.0.0.0/24"), Port.tcp(22), "SSH");
    });
    expect(resources(json, "openstack_networking_secgroup_rule_v2")).toHaveLength(2);
  });

  test("different ports from the same peer are different rules", () => {
    const json = synthWith(({ scope }) => {
      const a = new SecurityGroup(scope, "a", { name: "a" });
      a.connections.allowFromCidrs(["10.0.0.0/24"], Port.tcp(80), "HTTP");
      a.connections.allowFromCidrs(["10.0.0.0/24"], Port.tcp(443), "HTTPS");
      a.connections.allowFromCidrs(["10.0.0.0/24"], Port.tcpRange(8000, 8080), "alt");
    });
    const rules = resources(json, "openstack_networking_secgroup_rule_v2").map(([, r]) => r);
    expect(rules.map((r) => [r.port_range_min, r.port_range_max]).sort((x, y) => x[0] - y[0])).toEqual([
      [80, 80],
      [443, 443],
      [8000, 8080],
    ]);
    expect(rules.every((r) => r.remote_ip_prefix === "10.0.0.0/24")).toBe(true);
  });

  test("a rule's logical id is its content, whatever else the group holds and in whatever order", () => {
    const ids = (cidrs: string[]) =>
      resources(
        synthWith(({ scope }) => {
          new SecurityGroup(scope, "a", { name: "a" }).connections.allowFromCidrs(cidrs, Port.tcp(22), "SSH");
        }),
        "openstack_networking_secgroup_rule_v2",
      ).map(([id]) => id);
    const two = ids(["10.0.0.0/24", "10.1.0.0/24"]);
    expect(two).toEqual([
      expect.stringMatching(/^a_ingress-tcp-22-from-10-0-0-0-24_/),
      expect.stringMatching(/^a_ingress-tcp-22-from-10-1-0-0-24_/),
    ]);
    expect(ids(["10.1.0.0/24", "10.0.0.0/24"])).toEqual(two);
    expect(ids(["10.2.0.0/24", "10.0.0.0/24", "10.1.0.0/24"])).toEqual(expect.arrayContaining(two));
  });

  test("no admin CIDRs means no SSH rule at all", () => {
    const json = synthWith(({ scope }) => {
      const a = new SecurityGroup(scope, "a", { name: "a" });
      a.connections.allowFromCidrs([], Port.tcp(22), "SSH");
    });
    expect(resources(json, "openstack_networking_secgroup_rule_v2")).toHaveLength(0);
  });

  test("the group keeps Neutron's default egress (no delete_default_rules)", () => {
    const json = synthWith(({ scope }) => {
      new SecurityGroup(scope, "a", { name: "a", description: "why" });
    });
    const [, group] = resources(json, "openstack_networking_secgroup_v2")[0];
    expect(group).toEqual(expect.objectContaining({ name: "t-test-a-sg", description: "why" }));
    expect(group.delete_default_rules).toBeUndefined();
  });

  test("allowDefaultPortFrom needs a default port", () => {
    expect(() =>
      synthWith(({ scope }) => {
        const a = new SecurityGroup(scope, "a", { name: "a" });
        a.connections.allowDefaultPortFrom(a, "x");
      }),
    ).toThrow(/no defaultPort/);
  });
});

describe("Port", () => {
  test.each([0, 65536, 1.5, -1])("rejects port %p", (p) => {
    expect(() => Port.tcp(p)).toThrow(/between 1 and 65535/);
  });

  test("rejects an inverted range", () => {
    expect(() => Port.tcpRange(90, 80)).toThrow(/from \(90\) must be <= to \(80\)/);
  });

  test("labels", () => {
    expect(`${Port.tcp(22)} ${Port.udp(53)} ${Port.allTcp()} ${Port.allIcmp()}`).toBe("tcp/22 udp/53 tcp/all icmp");
  });
});
