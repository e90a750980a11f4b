/**
 * The simulated OpenStack provider without Terraform: planning from the
 * behaviour file, validations, address allocation, the API's refusals and
 * the catalogue behind the data sources.
 */
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { blockType, conform, UNKNOWN, Value, ValueObject } from "../../sim/protocol/cty";
import { Cloud } from "../../sim/openstack/cloud";
import { OpenStackProvider } from "../../sim/openstack/openstack-provider";

let dir: string;
let provider: OpenStackProvider;

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), "fractals-sim-unit-"));
  provider = new OpenStackProvider({ stateFile: path.join(dir, "cloud.json"), faults: "" });
  provider.configure({ region: "RegionTwo" });
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A full object of the type (every attribute present, null unless given). */
function obj(type: string, values: ValueObject): ValueObject {
  return conform(values, blockType(provider.schemas.resources[type].block)) as ValueObject;
}

/** Plans and applies a create as Terraform would, returning the new state. */
function create(type: string, config: ValueObject): ValueObject {
  const full = obj(type, config);
  const plan = provider.planResourceChange(type, null, full, full);
  const applied = provider.applyResourceChange(type, null, plan.planned);
  if (applied.diagnostics.length > 0) throw new Error(applied.diagnostics.map((d) => d.detail).join("\n"));
  return applied.newState!;
}

function network(cidr = "10.0.0.0/24"): { networkId: string; subnetId: string } {
  const net = create("openstack_networking_network_v2", { name: "n" });
  const sub = create("openstack_networking_subnet_v2", { network_id: net.id, cidr });
  return { networkId: String(net.id), subnetId: String(sub.id) };
}

describe("planning", () => {
  const instance = "openstack_compute_instance_v2";

  test("a create plans computed values unknown, defaults set, and user_data as its sha1 like SDKv2's StateFunc", () => {
    const config = obj(instance, { name: "web", user_data: "#cloud-config\n", image_name: "Ubuntu 22.04", flavor_name: "m1.small" });
    const plan = provider.planResourceChange(instance, null, config, config);
    expect(plan.planned).toMatchObject({
      id: UNKNOWN,
      access_ip_v4: UNKNOWN,
      image_id: UNKNOWN,
      region: UNKNOWN,
      power_state: "active",
      stop_before_destroy: false,
      user_data: createHash("sha1").update("#cloud-config\n").digest("hex"),
    });
    expect(plan.legacyTypeSystem).toBe(true);
  });

  test("a changed ForceNew attribute requires replacement; an in-place one does not", () => {
    const prior = create(instance, { name: "web", user_data: "one", image_name: "Ubuntu 22.04", flavor_name: "m1.small", network: [] });
    // Terraform proposes the configured text for user_data; the state holds its hash.
    const next = (changes: ValueObject) => {
      const proposed = { ...prior, user_data: "one", ...changes };
      return provider.planResourceChange(instance, prior, proposed, proposed);
    };
    expect(next({ user_data: "two" }).requiresReplace).toEqual([["user_data"]]);
    expect(next({}).requiresReplace).toEqual([]);
    const rebuilt = next({ image_name: "Ubuntu 24.04", image_id: prior.image_id });
    expect(rebuilt.requiresReplace).toEqual([]);
    expect(rebuilt.planned).toMatchObject({ image_name: "Ubuntu 24.04" });
  });

  test("a ForceNew attribute inside a nested block replaces the resource at the block's path", () => {
    const bd = (uuid: string): Value => [
      {
        boot_index: 0,
        delete_on_termination: false,
        destination_type: "volume",
        device_type: null,
        disk_bus: null,
        guest_format: null,
        multiattach: false,
        source_type: "image",
        uuid,
        volume_size: 10,
        volume_type: null,
      },
    ];
    const prior = obj(instance, { id: "i-1", name: "web", block_device: bd("a") });
    const proposed: ValueObject = { ...prior, block_device: bd("b") };
    expect(provider.planResourceChange(instance, prior, proposed, proposed).requiresReplace).toEqual([["block_device"]]);
  });

  test("an unchanged object plans no change and no replacement", () => {
    const prior = create("openstack_networking_secgroup_v2", { name: "api" });
    const plan = provider.planResourceChange(
      "openstack_networking_secgroup_v2",
      prior,
      prior,
      obj("openstack_networking_secgroup_v2", { name: "api" }),
    );
    expect(plan.planned).toEqual(prior);
    expect(plan.requiresReplace).toEqual([]);
  });
});

describe("validation", () => {
  test("one_of, int_between and nested int_at_least name the attribute", () => {
    const pool = provider.validateResource(
      "openstack_lb_pool_v2",
      obj("openstack_lb_pool_v2", { lb_method: "RANDOM", protocol: "HTTP", loadbalancer_id: "lb" }),
    );
    expect(pool).toEqual([
      expect.objectContaining({
        attribute: ["lb_method"],
        detail: expect.stringContaining('expected lb_method to be one of ["ROUND_ROBIN"'),
      }),
    ]);
    const monitor = provider.validateResource("openstack_lb_monitor_v2", obj("openstack_lb_monitor_v2", { max_retries: 11, type: "HTTP" }));
    expect(monitor[0]).toMatchObject({ attribute: ["max_retries"], detail: "expected max_retries to be in the range (1 - 10), got 11" });
    const group = provider.validateResource(
      "openstack_compute_servergroup_v2",
      obj("openstack_compute_servergroup_v2", { name: "g", rules: [{ max_server_per_host: 0 }] }),
    );
    expect(group[0]).toMatchObject({ attribute: ["rules", 0, "max_server_per_host"] });
  });

  test("CIDRs and IPs are checked, in nested blocks and collection elements too", () => {
    const routes = "openstack_networking_router_routes_v2";
    const problems = provider.validateResource(
      routes,
      obj(routes, {
        router_id: "r",
        routes: [
          { destination_cidr: "10.0.0.0/8", next_hop: "10.0.0.1" },
          { destination_cidr: "10.0.0.0/33", next_hop: "10.0.0.256" },
        ],
      }),
    );
    expect(problems.map((p) => [p.attribute, p.detail])).toEqual([
      [["routes", 1, "destination_cidr"], "expected routes.destination_cidr to be a valid IPv4 or IPv6 CIDR, got 10.0.0.0/33"],
      [["routes", 1, "next_hop"], "expected routes.next_hop to contain a valid IP, got: 10.0.0.256"],
    ]);
    const group = "openstack_networking_address_group_v2";
    expect(provider.validateResource(group, obj(group, { addresses: ["192.0.2.0/24", "bogus"] }))[0]).toMatchObject({
      attribute: ["addresses", 1],
      detail: "expected addresses.1 to be a valid IPv4 or IPv6 CIDR, got bogus",
    });
  });

  test("conflicting arguments are reported; unknown values are not checked yet", () => {
    const subnet = "openstack_networking_subnet_v2";
    expect(provider.validateResource(subnet, obj(subnet, { network_id: "n", gateway_ip: "10.0.0.1", no_gateway: true }))).toContainEqual(
      expect.objectContaining({ attribute: ["no_gateway"], detail: '"no_gateway": conflicts with gateway_ip' }),
    );
    expect(provider.validateResource(subnet, obj(subnet, { network_id: "n", gateway_ip: UNKNOWN, no_gateway: true }))).toEqual([]);
    expect(
      provider.validateResource(
        "openstack_lb_pool_v2",
        obj("openstack_lb_pool_v2", { lb_method: UNKNOWN, protocol: "HTTP", loadbalancer_id: "lb" }),
      ),
    ).toEqual([]);
  });
});

describe("the simulated cloud", () => {
  test("ports get addresses from their subnet, after the gateway and the DHCP port", () => {
    const { networkId, subnetId } = network("10.9.0.0/28");
    const first = create("openstack_networking_port_v2", { network_id: networkId, fixed_ip: [{ subnet_id: subnetId, ip_address: null }] });
    const second = create("openstack_networking_port_v2", { network_id: networkId });
    expect(first.all_fixed_ips).toEqual(["10.9.0.3"]);
    expect(second.all_fixed_ips).toEqual(["10.9.0.4"]);
    expect(first.mac_address).toMatch(/^fa:16:3e(:[0-9a-f]{2}){3}$/);
    expect(() =>
      create("openstack_networking_port_v2", { network_id: networkId, fixed_ip: [{ subnet_id: subnetId, ip_address: "10.9.0.4" }] }),
    ).toThrow("409 Conflict: IP address 10.9.0.4 already allocated");
  });

  test("floating IPs come from the external pool and need a router to the external network", () => {
    const { networkId, subnetId } = network();
    const port = create("openstack_networking_port_v2", { network_id: networkId });
    const fip = create("openstack_networking_floatingip_v2", { pool: "public" });
    expect(fip.address).toBe("203.0.113.2"); // .1 is the external subnet's gateway
    expect(() => create("openstack_networking_floatingip_associate_v2", { floating_ip: fip.address, port_id: port.id })).toThrow(
      /404 Not Found: External network \S+ is not reachable from subnet/,
    );
    const external = provider.readDataSource("openstack_networking_network_v2", { name: "public" }).state!;
    const router = create("openstack_networking_router_v2", { name: "r", external_network_id: external.id });
    create("openstack_networking_router_interface_v2", { router_id: router.id, subnet_id: subnetId });
    expect(create("openstack_networking_floatingip_associate_v2", { floating_ip: fip.address, port_id: port.id }).fixed_ip).toBe(
      (port.all_fixed_ips as string[])[0],
    );
  });

  test("deleting a network that still has ports fails like Neutron's 409", () => {
    const { networkId } = network();
    create("openstack_networking_port_v2", { network_id: networkId });
    const prior = Cloud.load(path.join(dir, "cloud.json")).get("openstack_networking_network_v2", networkId)!.state;
    const result = provider.applyResourceChange("openstack_networking_network_v2", prior, null);
    expect(result.diagnostics[0].detail).toContain("409 Conflict: Unable to complete operation on network");
    expect(result.newState).toEqual(prior);
  });

  test("attaching a volume to a server that does not exist fails with 404", () => {
    const volume = create("openstack_blockstorage_volume_v3", { size: 10 });
    expect(() => create("openstack_compute_volume_attach_v2", { instance_id: "no-such-server", volume_id: volume.id })).toThrow(
      "404 Not Found: Instance no-such-server could not be found.",
    );
  });

  test("a hard anti-affinity group runs out of hosts at FRACTALS_SIM_HYPERVISORS members", () => {
    process.env.FRACTALS_SIM_HYPERVISORS = "2";
    try {
      const group = create("openstack_compute_servergroup_v2", { name: "api", policies: ["anti-affinity"] });
      const boot = (name: string) =>
        create("openstack_compute_instance_v2", {
          name,
          image_name: "Ubuntu 22.04",
          flavor_name: "m1.small",
          scheduler_hints: [{ group: group.id }],
        });
      boot("api-1");
      boot("api-2");
      expect(() => boot("api-3")).toThrow("500 Internal Server Error: No valid host was found. There are not enough hosts available.");
    } finally {
      delete process.env.FRACTALS_SIM_HYPERVISORS;
    }
  });

  test("Heat boots the group's servers, evaluates outputs and rejects what Heat rejects", () => {
    const stack = "openstack_orchestration_stack_v1";
    const { networkId } = network();
    const template = (serverType: string, desired: number) =>
      JSON.stringify({
        heat_template_version: "2018-08-31",
        parameters: { net: { type: "string" } },
        resources: {
          group: {
            type: "OS::Heat::AutoScalingGroup",
            properties: {
              min_size: 1,
              desired_capacity: desired,
              max_size: 3,
              resource: { type: serverType, properties: { networks: [{ network: { get_param: "net" } }] } },
            },
          },
          up: {
            type: "OS::Heat::ScalingPolicy",
            properties: { adjustment_type: "change_in_capacity", auto_scaling_group_id: { get_resource: "group" } },
          },
        },
        outputs: { up_url: { value: { get_attr: ["up", "alarm_url"] } }, size: { value: { get_attr: ["group", "current_size"] } } },
      });
    const created = create(stack, {
      name: "workers",
      template_opts: { Bin: template("OS::Nova::Server", 2) },
      parameters: { net: networkId },
    });
    expect(created.outputs).toEqual([
      {
        output_key: "up_url",
        output_value: expect.stringMatching(/^http:\/\/heat-cfn\.sim\.invalid:8000\/v1\/signal\/arn%3Aopenstack%3Aheat.*resources%2Fup\?/),
        description: "",
      },
      { output_key: "size", output_value: "2", description: "" },
    ]);
    const servers = Cloud.load(path.join(dir, "cloud.json"))
      .list("openstack_compute_instance_v2")
      .filter((i) => i.owner === created.id);
    expect(servers).toHaveLength(2);
    expect(() =>
      create(stack, { name: "typo", template_opts: { Bin: template("OS::Nova::Sever", 1) }, parameters: { net: networkId } }),
    ).toThrow("The Resource Type (OS::Nova::Sever) could not be found.");
    expect(() =>
      create(stack, { name: "too-many", template_opts: { Bin: template("OS::Nova::Server", 5) }, parameters: { net: networkId } }),
    ).toThrow("desired_capacity must be between min_size and max_size");
    expect(() => create(stack, { name: "no-param", template_opts: { Bin: template("OS::Nova::Server", 1) } })).toThrow(
      "The Parameter (net) was not provided.",
    );
  });

  test("Heat answers hidden parameters as ******: the state differs from the configuration, so the next plan updates the stack", () => {
    const stack = "openstack_orchestration_stack_v1";
    const template = JSON.stringify({
      heat_template_version: "2018-08-31",
      parameters: { secret: { type: "string", hidden: true }, open: { type: "string" } },
      resources: { nothing: { type: "OS::Heat::None" } },
    });
    const config = obj(stack, { name: "hidden", template_opts: { Bin: template }, parameters: { secret: "s3cr3t", open: "visible" } });
    const created = create(stack, { name: "hidden", template_opts: { Bin: template }, parameters: { secret: "s3cr3t", open: "visible" } });
    expect(created.parameters).toEqual({ secret: "******", open: "visible" });
    // Heat itself keeps the value it was given.
    expect(Cloud.load(path.join(dir, "cloud.json")).get(stack, String(created.id))!.heatParameters).toEqual({
      secret: "s3cr3t",
      open: "visible",
    });
    const replan = provider.planResourceChange(stack, created, { ...created, parameters: config.parameters }, config);
    expect(replan.planned!.parameters).toEqual({ secret: "s3cr3t", open: "visible" });
    expect(replan.planned).not.toEqual(created);
  });

  test("Nova and Neutron refuse a too-small flavor, a malformed key and an inverted port range", () => {
    expect(() => create("openstack_compute_instance_v2", { name: "tiny", image_name: "Ubuntu 22.04", flavor_name: "m1.tiny" })).toThrow(
      "400 Bad Request: Flavor's disk is too small for requested image.",
    );
    expect(() => create("openstack_compute_keypair_v2", { name: "k", public_key: "ssh-ed25519 not-base64!" })).toThrow(
      "Keypair data is invalid",
    );
    const key = create("openstack_compute_keypair_v2", {
      name: "k",
      public_key: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJN/eXtAgecTA2yZJA6raM2h3bVrNOikOIBuudIM/Qwo me",
    });
    expect(key).toMatchObject({ id: "k", private_key: "", fingerprint: expect.stringMatching(/^([0-9a-f]{2}:){15}[0-9a-f]{2}$/) });
    const group = create("openstack_networking_secgroup_v2", { name: "g" });
    expect(() =>
      create("openstack_networking_secgroup_rule_v2", {
        security_group_id: group.id,
        direction: "ingress",
        ethertype: "IPv4",
        protocol: "tcp",
        port_range_min: 90,
        port_range_max: 80,
      }),
    ).toThrow("port_range_min must be <= port_range_max");
  });

  test("an object deleted from the cloud reads as gone (drift)", () => {
    const group = create("openstack_networking_secgroup_v2", { name: "api" });
    expect(provider.readResource("openstack_networking_secgroup_v2", group)).toEqual(group);
    const cloud = Cloud.load(path.join(dir, "cloud.json"));
    cloud.remove("openstack_networking_secgroup_v2", String(group.id));
    cloud.save(path.join(dir, "cloud.json"));
    expect(provider.readResource("openstack_networking_secgroup_v2", group)).toBeNull();
  });
});

describe("data sources", () => {
  const read = (type: string, config: ValueObject) =>
    provider.readDataSource(type, conform(config, blockType(provider.schemas.dataSources[type].block)) as ValueObject);

  test("flavors by name carry their vCPUs; an unknown flavor is an error naming it", () => {
    expect(read("openstack_compute_flavor_v2", { name: "m1.large" }).state).toMatchObject({ vcpus: 4, ram: 8192, id: "4" });
    expect(read("openstack_compute_flavor_v2", { name: "m1.huge" }).diagnostics[0].detail).toContain('no flavor named "m1.huge"');
  });

  test("images by name have stable ids; the external network is found by name", () => {
    const image = read("openstack_images_image_v2", { name: "Ubuntu 22.04", most_recent: true }).state!;
    expect(image.id).toBe(read("openstack_images_image_v2", { name: "Ubuntu 22.04", most_recent: true }).state!.id);
    expect(read("openstack_images_image_v2", { name: "Windows" }).diagnostics[0].detail).toContain("Your query returned no results");
    expect(read("openstack_networking_network_v2", { name: "public" }).state).toMatchObject({ external: true, region: "RegionTwo" });
  });
});
