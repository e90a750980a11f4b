/**
 * A small, valid stack in Terraform JSON, written by hand so the rule tests do
 * not move when the application's stacks change. Each test breaks one thing.
 */
import { TerraformJson } from "../../providers/conformance/check-stack";

export const FIXTURE_STACK = "fixture";

/** Mutable on purpose: tests edit a fresh copy. */
export type Json = Record<string, any>;

/** A minimal worker group: one parameter without default, one with. */
export const HEAT_TEMPLATE = {
  heat_template_version: "2018-08-31",
  parameters: { image: { type: "string" }, size: { type: "number", default: 1 } },
  resources: {
    group: {
      type: "OS::Heat::AutoScalingGroup",
      properties: {
        min_size: { get_param: "size" },
        max_size: 3,
        resource: {
          type: "OS::Nova::Server",
          properties: {
            image: { get_param: "image" },
            flavor: "m1.small",
            metadata: { "metering.server_group": { get_param: "OS::stack_id" } },
          },
        },
      },
    },
    policy: {
      type: "OS::Heat::ScalingPolicy",
      properties: { adjustment_type: "change_in_capacity", auto_scaling_group_id: { get_resource: "group" }, scaling_adjustment: 1 },
    },
  },
  outputs: { scale_up_url: { value: { get_attr: ["policy", "signal_url"] } } },
};

export function fixtureStack(): Json & TerraformJson {
  const ref = (address: string) => `\${${address}}`;
  return {
    terraform: {
      required_providers: {
        openstack: { source: "registry.terraform.io/terraform-provider-openstack/openstack", version: "~> 3.4" },
        random: { source: "hashicorp/random", version: "3.7.2" },
      },
    },
    provider: {
      openstack: [{ cloud: "fixture" }, { alias: "other", cloud: "fixture", region: "RegionTwo" }],
      random: [{}],
    },
    data: {
      openstack_networking_network_v2: { external: { name: "public", external: true } },
    },
    resource: {
      openstack_networking_network_v2: { net: { name: "fx-net", admin_state_up: true } },
      openstack_networking_subnet_v2: {
        subnet: {
          name: "fx-subnet",
          network_id: ref("openstack_networking_network_v2.net.id"),
          cidr: "10.0.0.0/24",
          ip_version: 4,
          dns_nameservers: ["1.1.1.1"],
        },
      },
      openstack_networking_router_v2: {
        router: { name: "fx-router", external_network_id: ref("data.openstack_networking_network_v2.external.id") },
      },
      openstack_networking_router_interface_v2: {
        interface: {
          router_id: ref("openstack_networking_router_v2.router.id"),
          subnet_id: ref("openstack_networking_subnet_v2.subnet.id"),
        },
      },
      openstack_networking_secgroup_v2: { group: { name: "fx-api", description: "API" } },
      openstack_networking_secgroup_rule_v2: {
        ssh: {
          direction: "ingress",
          ethertype: "IPv4",
          protocol: "tcp",
          port_range_min: 22,
          port_range_max: 22,
          remote_ip_prefix: "203.0.113.0/24",
          security_group_id: ref("openstack_networking_secgroup_v2.group.id"),
        },
      },
      openstack_networking_port_v2: {
        port: {
          name: "fx-port",
          network_id: ref("openstack_networking_network_v2.net.id"),
          fixed_ip: [{ subnet_id: ref("openstack_networking_subnet_v2.subnet.id") }],
          security_group_ids: [ref("openstack_networking_secgroup_v2.group.id")],
        },
      },
      openstack_compute_servergroup_v2: {
        spread: { name: "fx-spread", policies: ["soft-anti-affinity"] },
      },
      openstack_compute_instance_v2: {
        server: {
          name: "fx-server",
          flavor_name: "m1.small",
          image_name: "Ubuntu 22.04",
          power_state: "ACTIVE",
          network: [{ port: ref("openstack_networking_port_v2.port.id") }],
          scheduler_hints: [{ group: ref("openstack_compute_servergroup_v2.spread.id") }],
          metadata: { role: "api" },
          user_data: `#cloud-config\npassword: ${ref("random_password.db.result")}\n`,
          lifecycle: { ignore_changes: ["image_name"], create_before_destroy: false },
        },
      },
      openstack_networking_floatingip_v2: { fip: { pool: ref("data.openstack_networking_network_v2.external.name") } },
      openstack_networking_floatingip_associate_v2: {
        fip_association: {
          floating_ip: ref("openstack_networking_floatingip_v2.fip.address"),
          port_id: ref("openstack_networking_port_v2.port.id"),
          depends_on: ["openstack_networking_router_interface_v2.interface"],
        },
      },
      openstack_lb_loadbalancer_v2: { lb: { name: "fx-lb", vip_subnet_id: ref("openstack_networking_subnet_v2.subnet.id") } },
      openstack_lb_pool_v2: {
        pool: { name: "fx-pool", protocol: "HTTP", lb_method: "ROUND_ROBIN", loadbalancer_id: ref("openstack_lb_loadbalancer_v2.lb.id") },
      },
      openstack_lb_monitor_v2: {
        monitor: { pool_id: ref("openstack_lb_pool_v2.pool.id"), type: "HTTP", delay: 5, timeout: 5, max_retries: 3 },
      },
      openstack_blockstorage_volume_v3: {
        data: { name: "fx-data", size: 10, lifecycle: { prevent_destroy: true } },
      },
      openstack_orchestration_stack_v1: {
        workers: {
          name: "fx-workers",
          parameters: { image: "Ubuntu 22.04" },
          template_opts: { Bin: JSON.stringify(HEAT_TEMPLATE) },
        },
      },
      random_password: { db: { length: 32, special: true, override_special: "-_", min_upper: 2, min_numeric: 2 } },
    },
    output: {
      server_ip: { value: ref("element(openstack_networking_port_v2.port.all_fixed_ips, 0)") },
    },
  };
}
