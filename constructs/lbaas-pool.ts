import { Construct } from "constructs";
import { LbListenerV2 } from "../.gen/providers/openstack/lb-listener-v2";
import { LbLoadbalancerV2 } from "../.gen/providers/openstack/lb-loadbalancer-v2";
import { LbMemberV2 } from "../.gen/providers/openstack/lb-member-v2";
import { LbMonitorV2 } from "../.gen/providers/openstack/lb-monitor-v2";
import { LbPoolV2 } from "../.gen/providers/openstack/lb-pool-v2";
import { NetworkingFloatingipAssociateV2 } from "../.gen/providers/openstack/networking-floatingip-associate-v2";
import { NetworkingFloatingipV2 } from "../.gen/providers/openstack/networking-floatingip-v2";
import { AppNetwork } from "./app-network";
import { Instance } from "./instance";
import { openstackName } from "./naming";

export type LbAlgorithm = "ROUND_ROBIN" | "LEAST_CONNECTIONS" | "SOURCE_IP";

export interface HealthCheckProps {
  /** @default "/" */
  readonly path?: string;
  /** Seconds between checks. @default 5 */
  readonly delaySeconds?: number;
  /** Seconds a check may take; must not exceed the delay. @default 5 */
  readonly timeoutSeconds?: number;
  /** Failed checks before a member is marked down. @default 3 */
  readonly maxRetries?: number;
}

export interface LbaasPoolProps {
  /** The VIP is allocated on this network's subnet. */
  readonly network: AppNetwork;
  /** Servers that receive the traffic. */
  readonly members: readonly Instance[];
  /** Port the members listen on. */
  readonly memberPort: number;
  /**
   * Port the listener accepts HTTP on.
   * @default 80
   */
  readonly listenerPort?: number;
  /** @default "ROUND_ROBIN" */
  readonly algorithm?: LbAlgorithm;
  /** @default HTTP GET / every 5 s, 5 s timeout, 3 retries */
  readonly healthCheck?: HealthCheckProps;
  /**
   * A floating IP on the VIP port.
   * @default true
   */
  readonly floatingIp?: boolean;
}

/**
 * An Octavia HTTP load balancer in front of a set of servers.
 *
 * Octavia accepts one change per load balancer at a time and answers 409
 * (PENDING_UPDATE) to the next, so listener, pool, monitor and members are
 * chained with explicit dependencies rather than created in parallel.
 * Health checks come from the amphorae, which sit on the subnet but in no
 * security group of ours: members must admit the subnet CIDR (`sourceCidr`).
 */
export class LbaasPool extends Construct {
  readonly loadBalancer: LbLoadbalancerV2;
  readonly listener: LbListenerV2;
  readonly pool: LbPoolV2;
  readonly monitor: LbMonitorV2;
  readonly members: LbMemberV2[];
  readonly floatingIp?: NetworkingFloatingipV2;
  readonly floatingIpAssociation?: NetworkingFloatingipAssociateV2;
  /** Where the balanced traffic and the health checks come from. */
  readonly sourceCidr: string;
  readonly listenerPort: number;

  constructor(scope: Construct, id: string, props: LbaasPoolProps) {
    super(scope, id);
    if (props.members.length === 0) throw new Error(`${this.node.path}: members must list at least one instance`);
    const hc = { path: "/", delaySeconds: 5, timeoutSeconds: 5, maxRetries: 3, ...props.healthCheck };
    if (hc.timeoutSeconds > hc.delaySeconds) {
      throw new Error(`${this.node.path}: healthCheck.timeoutSeconds (${hc.timeoutSeconds}) must not exceed healthCheck.delaySeconds (${hc.delaySeconds})`);
    }
    this.sourceCidr = props.network.subnetCidr;
    this.listenerPort = props.listenerPort ?? 80;

    this.loadBalancer = new LbLoadbalancerV2(this, "load-balancer", {
      name: openstackName(this, "lb"),
      vipSubnetId: props.network.subnet.id,
    });
    this.listener = new LbListenerV2(this, "listener", {
      name: openstackName(this, "http"),
      loadbalancerId: this.loadBalancer.id,
      protocol: "HTTP",
      protocolPort: this.listenerPort,
    });
    this.pool = new LbPoolV2(this, "pool", {
      name: openstackName(this, "api-pool"),
      listenerId: this.listener.id,
      protocol: "HTTP",
      lbMethod: props.algorithm ?? "ROUND_ROBIN",
    });
    this.monitor = new LbMonitorV2(this, "monitor", {
      name: openstackName(this, "api-health"),
      poolId: this.pool.id,
      type: "HTTP",
      httpMethod: "GET",
      urlPath: hc.path,
      expectedCodes: "200",
      delay: hc.delaySeconds,
      timeout: hc.timeoutSeconds,
      maxRetries: hc.maxRetries,
    });
    let previous: LbMonitorV2 | LbMemberV2 = this.monitor;
    this.members = props.members.map((instance, i) => {
      const member: LbMemberV2 = new LbMemberV2(this, `member-${i + 1}`, {
        name: openstackName(this, `api-member-${i + 1}`),
        poolId: this.pool.id,
        address: instance.privateIp,
        protocolPort: props.memberPort,
        subnetId: props.network.subnet.id,
        dependsOn: [previous],
      });
      previous = member;
      return member;
    });

    if (props.floatingIp ?? true) {
      this.floatingIp = new NetworkingFloatingipV2(this, "floating-ip", {
        pool: props.network.externalNetworkName,
        description: openstackName(this, "lb-fip"),
      });
      this.floatingIpAssociation = new NetworkingFloatingipAssociateV2(this, "floating-ip-association", {
        floatingIp: this.floatingIp.address,
        portId: this.loadBalancer.vipPortId,
        dependsOn: [props.network.internetGateway],
      });
    }
  }

  /** The VIP on the subnet. */
  get vipAddress(): string {
    return this.loadBalancer.vipAddress;
  }

  /** The public address, or the VIP without a floating IP. */
  get publicAddress(): string {
    return this.floatingIp?.address ?? this.loadBalancer.vipAddress;
  }
}
