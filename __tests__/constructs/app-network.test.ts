import "../support/cdktf-matchers";
import { Testing } from "cdktf";
import { NetworkingSubnetV2 } from "../../.gen/providers/openstack/networking-subnet-v2";
import { AppNetwork } from "../../constructs/app-network";
import { setNamePrefix } from "../../constructs/naming";
import { resources, single, synthesized, synthWith } from "../support/synth";

describe("AppNetwork", () => {
  const json = synthWith(() => undefined);

  test("subnet carries the configured CIDR and default nameservers", () => {
    expect(resources(json, "openstack_networking_subnet_v2")).toHaveLength(1);
    expect(synthesized(json)).toHaveResourceWithProperties(NetworkingSubnetV2, {
      name: "t-test-subnet",
      cidr: "10.0.0.0/24",
      ip_version: 4,
      dns_nameservers: ["1.1.1.1", "9.9.9.9"],
    });
  });

  test("router gateway is the external network found by name", () => {
    const data = Object.entries(json.data!.openstack_networking_network_v2);
    expect(data).toHaveLength(1);
    expect(data[0][1]).toMatchObject({ name: "public", external: true });
    expect(single(json, "openstack_networking_router_v2").external_network_id).toBe(
      `\${data.openstack_networking_network_v2.${data[0][0]}.id}`,
    );
  });

  test("router interface joins the router and the subnet", () => {
    const ri = single(json, "openstack_networking_router_interface_v2");
    expect(ri.router_id).toMatch(/^\$\{openstack_networking_router_v2\..+\.id\}$/);
    expect(ri.subnet_id).toMatch(/^\$\{openstack_networking_subnet_v2\..+\.id\}$/);
  });

  test("names are prefixed and the external network is configurable", () => {
    const out = JSON.parse(
      Testing.synthScope((scope) => {
        setNamePrefix(scope, "shop-qa");
        new AppNetwork(scope, "n", { cidr: "192.168.0.0/24", externalNetworkName: "ext-net", dnsNameservers: ["192.0.2.53"] });
      }),
    );
    expect(out.data.openstack_networking_network_v2).toEqual(
      expect.objectContaining({ [Object.keys(out.data.openstack_networking_network_v2)[0]]: expect.objectContaining({ name: "ext-net" }) }),
    );
    expect(Object.values(out.resource.openstack_networking_network_v2)[0]).toMatchObject({ name: "shop-qa-net" });
    expect(Object.values(out.resource.openstack_networking_subnet_v2)[0]).toMatchObject({ dns_nameservers: ["192.0.2.53"] });
  });

  test("constructs outside a named scope fail with a clear message", () => {
    expect(() =>
      Testing.synthScope((scope) => {
        new AppNetwork(scope, "n", { cidr: "10.0.0.0/24" });
      }),
    ).toThrow(/no name prefix in scope/);
  });
});
