import { Instance } from "../../constructs/instance";
import { KeyPair } from "../../constructs/key-pair";
import { SecurityGroup } from "../../constructs/security-group";
import { addressOf, PUBLIC_KEY, resources, single, synthWith } from "../support/synth";

describe("Instance", () => {
  const build = (floatingIp: boolean) =>
    synthWith(({ scope, network, catalog, keyPair }) => {
      const sg = new SecurityGroup(scope, "sg", { name: "web" });
      new Instance(scope, "web", {
        name: "web",
        network,
        catalog,
        keyPair,
        image: "Ubuntu 22.04",
        flavor: "m1.small",
        securityGroups: [sg],
        floatingIp,
        userData: "#cloud-config\n",
      });
    });

  test("security groups and the fixed IP live on a port; the server attaches by port", () => {
    const json = build(false);
    const port = single(json, "openstack_networking_port_v2");
    expect(port).toMatchObject({ name: "t-test-web-port" });
    expect(port.security_group_ids).toEqual([expect.stringMatching(/openstack_networking_secgroup_v2\..+\.id/)]);
    expect(port.fixed_ip).toEqual([{ subnet_id: expect.stringMatching(/openstack_networking_subnet_v2\..+\.id/) }]);
    const server = single(json, "openstack_compute_instance_v2");
    expect(server.network).toEqual([{ port: `\${${addressOf(json, "openstack_networking_port_v2")}.id}` }]);
    expect(server.security_groups).toBeUndefined();
    expect(server.image_id).toMatch(/data\.openstack_images_image_v2\./);
    expect(server.flavor_id).toMatch(/data\.openstack_compute_flavor_v2\./);
    expect(server.key_pair).toMatch(/openstack_compute_keypair_v2\..+\.name/);
    expect(resources(json, "openstack_networking_floatingip_v2")).toHaveLength(0);
  });

  test("a floating IP is associated with the port only after the router interface exists", () => {
    const json = build(true);
    const assoc = single(json, "openstack_networking_floatingip_associate_v2");
    expect(assoc.depends_on).toEqual([addressOf(json, "openstack_networking_router_interface_v2")]);
    expect(assoc.port_id).toBe(`\${${addressOf(json, "openstack_networking_port_v2")}.id}`);
    expect(single(json, "openstack_networking_floatingip_v2").pool).toMatch(/data\.openstack_networking_network_v2\..+\.name/);
  });

  test("images and flavors are looked up once per name", () => {
    const json = synthWith(({ scope, network, catalog, keyPair }) => {
      const sg = new SecurityGroup(scope, "sg", { name: "web" });
      for (const n of ["a", "b"]) {
        new Instance(scope, n, { name: n, network, catalog, keyPair, image: "Ubuntu 22.04", flavor: "m1.small", securityGroups: [sg] });
      }
    });
    expect(Object.keys(json.data!.openstack_images_image_v2)).toHaveLength(1);
    expect(Object.keys(json.data!.openstack_compute_flavor_v2)).toHaveLength(1);
  });

  test("publicIp without a floating IP is a clear error", () => {
    expect(() =>
      synthWith(({ scope, network, catalog, keyPair }) => {
        const i = new Instance(scope, "x", { name: "x", network, catalog, keyPair, image: "i", flavor: "f", securityGroups: [] });
        return i.publicIp;
      }),
    ).toThrow(/has no floating IP/);
  });
});

describe("KeyPair", () => {
  test("imports the public key", () => {
    const json = synthWith(() => undefined);
    expect(single(json, "openstack_compute_keypair_v2")).toEqual(expect.objectContaining({ name: "t-test-key", public_key: PUBLIC_KEY }));
    expect(single(json, "openstack_compute_keypair_v2").private_key).toBeUndefined();
  });

  test("refuses a private key", () => {
    expect(() =>
      synthWith(({ scope }) => {
        new KeyPair(scope, "bad", { publicKey: "-----BEGIN OPENSSH PRIVATE KEY-----\nabc\n-----END OPENSSH PRIVATE KEY-----" });
      }),
    ).toThrow(/never a private key/);
  });
});

describe("ComputeCatalog", () => {
  test("names that differ only in case or punctuation are distinct look-ups", () => {
    const json = synthWith(({ catalog }) => {
      catalog.image("Ubuntu 22.04");
      catalog.image("ubuntu-22.04");
      catalog.image("Ubuntu 22.04");
      catalog.flavor("m1.small");
      catalog.flavor("M1-Small");
    });
    expect(
      Object.values(json.data!.openstack_images_image_v2)
        .map((d) => d.name)
        .sort(),
    ).toEqual(["Ubuntu 22.04", "ubuntu-22.04"]);
    expect(
      Object.values(json.data!.openstack_compute_flavor_v2)
        .map((d) => d.name)
        .sort(),
    ).toEqual(["M1-Small", "m1.small"]);
  });
});
