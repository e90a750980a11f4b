import "../support/cdktf-matchers";
import { Controller } from "../../constructs/controller";
import { BlockstorageVolumeV3 } from "../../.gen/providers/openstack/blockstorage-volume-v3";
import { DATA_DIR, DATA_MOUNT } from "../../constructs/fractals-guest";
import { ServicesNode } from "../../constructs/services-node";
import { addressOf, Fixture, resources, single, synthWith, synthesized } from "../support/synth";
import { bootEnv, readUserData } from "../support/user-data";

function services(f: Fixture, extra: Partial<ConstructorParameters<typeof ServicesNode>[2]> = {}): ServicesNode {
  return new ServicesNode(f.scope, "services", {
    network: f.network,
    catalog: f.catalog,
    keyPair: f.keyPair,
    image: "Ubuntu 22.04",
    flavor: "m1.medium",
    volumeSizeGb: 20,
    ...extra,
  });
}

describe("ServicesNode", () => {
  const json = synthWith((f) => {
    services(f);
  });
  const server = single(json, "openstack_compute_instance_v2");
  const userData: string = server.user_data;

  test("a Cinder v3 volume is attached to the server", () => {
    expect(resources(json, "openstack_blockstorage_volume_v3")).toHaveLength(1);
    expect(synthesized(json)).toHaveResourceWithProperties(BlockstorageVolumeV3, { name: "t-test-services-data", size: 20 });
    expect(single(json, "openstack_compute_volume_attach_v2")).toEqual(
      expect.objectContaining({
        instance_id: `\${${addressOf(json, "openstack_compute_instance_v2")}.id}`,
        volume_id: `\${${addressOf(json, "openstack_blockstorage_volume_v3")}.id}`,
      }),
    );
  });

  test("the boot script finds the volume by id and keeps MariaDB's data in a subdirectory of its mount", () => {
    const env = bootEnv(userData);
    expect(env.ROLES).toBe("database queue");
    expect(env.DATA_VOLUME_ID).toBe(`\${${addressOf(json, "openstack_blockstorage_volume_v3")}.id}`);
    expect(env.DATA_MOUNT).toBe(DATA_MOUNT);
    expect(env.DB_DATA_DIR).toBe(DATA_DIR);
    expect(DATA_DIR.startsWith(`${DATA_MOUNT}/`)).toBe(true);
    const { files, runcmd } = readUserData(userData);
    expect(runcmd).toEqual(["/usr/local/sbin/fractals-boot"]);
    expect(files.get("/etc/mysql/mariadb.conf.d/60-fractals.cnf")!.content).toContain(`datadir = ${DATA_DIR}\n`);
    expect(files.get("/etc/systemd/system/mariadb.service.d/fractals-data.conf")!.content).toContain(`RequiresMountsFor=${DATA_MOUNT}`);
    expect(userData).not.toMatch(/\/dev\/vd[b-z]|\/dev\/sd[b-z]/);
  });

  test("MariaDB listens on the fixed IP and admits the app's user from the subnet only", () => {
    const { files } = readUserData(userData);
    const port = addressOf(json, "openstack_networking_port_v2");
    expect(files.get("/etc/mysql/mariadb.conf.d/60-fractals.cnf")!.content).toContain(
      `bind-address = \${element(${port}.all_fixed_ips, 0)}`,
    );
    expect(bootEnv(userData).DB_CLIENT_HOSTS).toBe("10.0.0.0/255.255.255.0");
  });

  test("passwords come from random_password and appear only as references", () => {
    const passwords = resources(json, "random_password");
    expect(passwords).toHaveLength(2);
    for (const [id, body] of passwords) {
      expect(body).toMatchObject({ length: 32, special: true, override_special: "-_" });
      expect(userData).toContain(`\${random_password.${id}.result}`);
    }
  });

  test("prevent_destroy only when asked", () => {
    expect(single(json, "openstack_blockstorage_volume_v3").lifecycle).toBeUndefined();
    const guarded = synthWith((f) => {
      services(f, { preventDestroy: true, volumeType: "ssd" });
    });
    expect(synthesized(guarded)).toHaveResourceWithProperties(BlockstorageVolumeV3, {
      lifecycle: { prevent_destroy: true },
      volume_type: "ssd",
    });
  });

  test("max_connections reaches the MariaDB drop-in; bad values fail early", () => {
    const tuned = synthWith((f) => {
      services(f, { maxConnections: 500 });
    });
    expect(single(tuned, "openstack_compute_instance_v2").user_data).toContain("max_connections = 500");
    expect(() =>
      synthWith((f) => {
        services(f, { maxConnections: 1 });
      }),
    ).toThrow("stack/services: maxConnections: must be an integer between 10 and 100000, got 1");
  });

  test("MySQL and AMQP are admitted only from the API's group, by remote group", () => {
    const tiered = synthWith((f) => {
      const s = services(f);
      new Controller(f.scope, "api", {
        network: f.network,
        catalog: f.catalog,
        keyPair: f.keyPair,
        image: "i",
        flavor: "f",
        services: s,
      });
    });
    const rules = resources(tiered, "openstack_networking_secgroup_rule_v2")
      .map(([, r]) => r)
      .filter((r) => [3306, 5672].includes(r.port_range_min));
    expect(rules.map((r) => r.port_range_min).sort()).toEqual([3306, 5672]);
    for (const r of rules) {
      expect(r.remote_group_id).toMatch(/openstack_networking_secgroup_v2\.api_security-group/);
      expect(r.remote_ip_prefix).toBeUndefined();
    }
  });
});
