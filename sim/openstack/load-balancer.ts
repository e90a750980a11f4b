/** Octavia: load balancers with a VIP port in the subnet, listeners, pools, monitors, members. */
import { CloudError } from "../provider/diagnostics";
import { ApplyContext, fill, mustFind, ResourceModel, str, strings } from "./model";
import { createPort, PORT, SUBNET, subnetsOf } from "./networking";

const LOADBALANCER = "openstack_lb_loadbalancer_v2";
const LISTENER = "openstack_lb_listener_v2";
export const LB_POOL = "openstack_lb_pool_v2";
const POOL = LB_POOL;
const MONITOR = "openstack_lb_monitor_v2";
export const LB_MEMBER = "openstack_lb_member_v2";
const MEMBER = LB_MEMBER;

const loadBalancer: ResourceModel = {
  create(ctx, state) {
    let subnetId = str(state.vip_subnet_id);
    if (!subnetId && str(state.vip_port_id)) {
      const vipPort = mustFind(ctx, PORT, state.vip_port_id, "Port");
      subnetId = subnetsOf(ctx, String(vipPort.state.network_id))[0]?.id ?? null;
    }
    if (!subnetId && str(state.vip_network_id)) subnetId = subnetsOf(ctx, String(state.vip_network_id))[0]?.id ?? null;
    const subnet = mustFind(ctx, SUBNET, subnetId, "Subnet");
    const vipPort = str(state.vip_port_id)
      ? mustFind(ctx, PORT, state.vip_port_id, "Port")
      : createPort(ctx, {
          networkId: String(subnet.state.network_id),
          fixedIps: [{ subnetId: subnet.id, ipAddress: str(state.vip_address) }],
          name: `octavia-lb-${String(state.id)}`,
          deviceId: `lb-${String(state.id)}`,
          deviceOwner: "Octavia",
          securityGroupIds: [],
          owner: String(state.id),
        });
    fill(state, "vip_port_id", vipPort.id);
    fill(state, "vip_subnet_id", subnet.id);
    fill(state, "vip_network_id", subnet.state.network_id);
    fill(state, "vip_address", strings(vipPort.state.all_fixed_ips)[0] ?? "");
    fill(state, "loadbalancer_provider", "amphora");
    fill(state, "security_group_ids", []);
  },
  delete(ctx, state) {
    const children = ctx.cloud
      .list(LISTENER)
      .concat(ctx.cloud.list(POOL))
      .filter((c) => c.state.loadbalancer_id === state.id);
    if (children.length > 0) throw new CloudError(400, `Cannot delete Load Balancer ${String(state.id)} - it has children`);
  },
};

const listener: ResourceModel = {
  create(ctx, state) {
    const lb = mustFind(ctx, LOADBALANCER, state.loadbalancer_id, "Load Balancer");
    const clash = ctx.cloud.list(LISTENER).some((l) => l.state.loadbalancer_id === lb.id && l.state.protocol_port === state.protocol_port);
    if (clash)
      throw new CloudError(409, `Load Balancer ${lb.id} already has a listener with protocol_port of ${String(state.protocol_port)}`);
    fill(state, "connection_limit", -1);
    fill(state, "timeout_client_data", 50000);
    fill(state, "timeout_member_connect", 5000);
    fill(state, "timeout_member_data", 50000);
    fill(state, "timeout_tcp_inspect", 0);
    fill(state, "name", "");
  },
};

const pool: ResourceModel = {
  create(ctx, state) {
    if (str(state.listener_id)) {
      const parent = mustFind(ctx, LISTENER, state.listener_id, "Listener");
      if (ctx.cloud.list(POOL).some((p) => p.state.listener_id === parent.id)) {
        throw new CloudError(409, `Listener ${parent.id} already has a default pool`);
      }
    } else {
      mustFind(ctx, LOADBALANCER, state.loadbalancer_id, "Load Balancer");
    }
  },
  delete(ctx, state) {
    // Octavia deletes a pool's members and health monitor with it.
    for (const child of ctx.cloud.list(MEMBER).concat(ctx.cloud.list(MONITOR))) {
      if (child.state.pool_id === state.id) ctx.cloud.remove(child.type, child.id);
    }
  },
};

const monitor: ResourceModel = {
  create(ctx, state) {
    const parent = mustFind(ctx, POOL, state.pool_id, "Pool");
    if (ctx.cloud.list(MONITOR).some((m) => m.state.pool_id === parent.id)) {
      throw new CloudError(409, `Pool ${parent.id} already has a health monitor`);
    }
    fill(state, "max_retries_down", 3);
    const http = state.type === "HTTP" || state.type === "HTTPS";
    fill(state, "http_method", http ? "GET" : "");
    fill(state, "url_path", http ? "/" : "");
    fill(state, "expected_codes", http ? "200" : "");
  },
};

const member: ResourceModel = {
  create(ctx: ApplyContext, state) {
    const parent = mustFind(ctx, POOL, state.pool_id, "Pool");
    if (str(state.subnet_id)) mustFind(ctx, SUBNET, state.subnet_id, "Subnet");
    const clash = ctx.cloud
      .list(MEMBER)
      .some((m) => m.state.pool_id === parent.id && m.state.address === state.address && m.state.protocol_port === state.protocol_port);
    if (clash) {
      throw new CloudError(
        409,
        `Another member on this pool is already using ip ${String(state.address)} on protocol_port ${String(state.protocol_port)}`,
      );
    }
    fill(state, "weight", 1);
  },
};

export const LOAD_BALANCER_MODELS: Record<string, ResourceModel> = {
  [LOADBALANCER]: loadBalancer,
  [LISTENER]: listener,
  [POOL]: pool,
  [MONITOR]: monitor,
  [MEMBER]: member,
};
