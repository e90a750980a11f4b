import { Construct } from "constructs";
import { Lazy } from "cdktf";
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
import { IPeer, Peer } from "./peer";
import { Port } from "./port";
import { integerIssues, PropIssue, throwIfInvalid } from "./validation";

/** The pool's ways of choosing a member. */
export const LB_ALGORITHMS = ["ROUND_ROBIN", "LEAST_CONNECTIONS", "SOURCE_IP"] as const;
export type LbAlgorithm = (typeof LB_ALGORITHMS)[number];

/** The listener's port unless told otherwise. */
export const DEFAULT_LISTENER_PORT = 80;
export const DEFAULT_ALGORITHM: LbAlgorithm = "ROUND_ROBIN";
/** Octavia's monitor settings unless told otherwise: a check every 5 s, 5 s to answer, down after 3 failures. */
export const DEFAULT_HEALTH_CHECK = { delaySeconds: 5, timeoutSeconds: 5, maxRetries: 3 } as const;
/** The monitor's path when neither the health check nor a target names one. */
const DEFAULT_HEALTH_CHECK_PATH = "/";

export interface HealthCheckProps {
  /**
   * Absolute URL path the monitor requests with HTTP GET.
   * @default the first target's `healthCheckPath`, else "/"
   */
  readonly path?: string;
  /** Seconds between checks, 1 to 3600. @default 5 */
  readonly delaySeconds?: number;
  /** Seconds a check may take, 1 to 3600; not more than `delaySeconds` (Octavia refuses that). @default 5 */
  readonly timeoutSeconds?: number;
  /** Failed checks (1 to 10) before a member is marked down. @default 3 */
  readonly maxRetries?: number;
}

/**
 * What a load balancer sends traffic to: servers listening on one port, which
 * know how to admit the balancer. `Controller` is one; `ApiGroup`, whose Heat
 * group creates its own pool members, is one with no `targetInstances`.
 */
export interface ILoadBalancerTarget {
  readonly targetInstances: readonly Instance[];
  readonly targetPort: number;
  /** What the monitor requests when the pool's `healthCheck.path` is not given. */
  readonly healthCheckPath?: string;
  /** Admits `targetPort` from `peer`, the balancer's source. */
  allowTargetTrafficFrom(peer: IPeer): void;
}

export interface LbaasPoolProps {
  /** The VIP is allocated on this network's subnet. */
  readonly network: AppNetwork;
  /**
   * Servers that receive the traffic on `memberPort`; their security groups admit it
   * from `sourceCidr`. Or add targets with `addTargets()`.
   * @default none
   */
  readonly members?: readonly Instance[];
  /**
   * Port the `members` listen on: 1 to 65535. Required with `members`.
   * @default none
   */
  readonly memberPort?: number;
  /**
   * Port the listener accepts HTTP on: 1 to 65535.
   * @default 80
   */
  readonly listenerPort?: number;
  /** @default "ROUND_ROBIN" */
  readonly algorithm?: LbAlgorithm;
  /** @default HTTP GET of the target's health path (else /) every 5 s, 5 s timeout, 3 retries */
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
 * Traffic and health checks come from the amphorae, which sit on the subnet but
 * in no security group of ours: adding members admits `sourceCidr` on their port.
 */
export class LbaasPool extends Construct {
  readonly loadBalancer: LbLoadbalancerV2;
  readonly listener: LbListenerV2;
  readonly pool: LbPoolV2;
  readonly monitor: LbMonitorV2;
  readonly members: LbMemberV2[] = [];
  readonly floatingIp?: NetworkingFloatingipV2;
  readonly floatingIpAssociation?: NetworkingFloatingipAssociateV2;
  /** Where the balanced traffic and the health checks come from. */
  readonly sourceCidr: string;
  readonly listenerPort: number;
  private readonly network: AppNetwork;
  private targetHealthCheckPath?: string;
  /** Targets added, those whose members are their own (a Heat group's OS::Octavia::PoolMember) included. */
  private targetCount = 0;

  constructor(scope: Construct, id: string, props: LbaasPoolProps) {
    super(scope, id);
    throwIfInvalid(this, lbaasPoolIssues(props));
    const hc = { ...DEFAULT_HEALTH_CHECK, ...props.healthCheck };
    this.network = props.network;
    this.sourceCidr = props.network.subnetCidr;
    this.listenerPort = props.listenerPort ?? DEFAULT_LISTENER_PORT;
    this.node.addValidation({
      validate: () => (this.members.length === 0 && this.targetCount === 0 ? ["has no members: pass members, or call addTargets()"] : []),
    });

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
      lbMethod: props.algorithm ?? DEFAULT_ALGORITHM,
    });
    this.monitor = new LbMonitorV2(this, "monitor", {
      name: openstackName(this, "api-health"),
      poolId: this.pool.id,
      type: "HTTP",
      httpMethod: "GET",
      // Targets added later may name the path.
      urlPath: hc.path ?? Lazy.stringValue({ produce: () => this.targetHealthCheckPath ?? DEFAULT_HEALTH_CHECK_PATH }),
      expectedCodes: "200",
      delay: hc.delaySeconds,
      timeout: hc.timeoutSeconds,
      maxRetries: hc.maxRetries,
    });
    if (props.members) this.addMembers(props.members, props.memberPort!);

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

  /**
   * Sends traffic to `instances` on `port`, and admits it there from `sourceCidr` on
   * their security groups (the rule's description says it is the load balancer's).
   */
  addMembers(instances: readonly Instance[], port: number): void {
    for (const instance of instances) instance.connections.allowFrom(Peer.ipv4(this.sourceCidr), Port.tcp(port), "Load balancer");
    this.addPoolMembers(instances, port);
  }

  /** Sends traffic to each target's servers and lets the targets admit it from `sourceCidr`. */
  addTargets(...targets: ILoadBalancerTarget[]): void {
    for (const target of targets) {
      target.allowTargetTrafficFrom(Peer.ipv4(this.sourceCidr));
      this.targetHealthCheckPath ??= target.healthCheckPath;
      this.targetCount += 1;
      this.addPoolMembers(target.targetInstances, target.targetPort);
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

  /** One member per instance, each after the one before (Octavia takes one change at a time). */
  private addPoolMembers(instances: readonly Instance[], port: number): void {
    for (const instance of instances) {
      const n = this.members.length + 1;
      const previous = this.members[this.members.length - 1] ?? this.monitor;
      this.members.push(
        new LbMemberV2(this, `member-${n}`, {
          name: openstackName(this, `api-member-${n}`),
          poolId: this.pool.id,
          address: instance.privateIp,
          protocolPort: port,
          subnetId: this.network.subnet.id,
          dependsOn: [previous],
        }),
      );
    }
  }
}

/** What LbaasPool refuses in its props (the config loader reports the same against `loadBalancer.*`). */
export function lbaasPoolIssues(props: Omit<LbaasPoolProps, "network">): PropIssue[] {
  const issues: PropIssue[] = [];
  if (props.members !== undefined) {
    if (props.members.length === 0)
      issues.push({ prop: "members", message: "must list at least one instance (or leave it out and call addTargets())" });
    if (props.memberPort === undefined)
      issues.push({ prop: "memberPort", message: "is required with members: the port the members listen on" });
  }
  issues.push(...integerIssues("memberPort", props.memberPort, 1, 65535), ...integerIssues("listenerPort", props.listenerPort, 1, 65535));
  const hc = props.healthCheck ?? {};
  if (hc.path !== undefined && !/^\/\S*$/.test(hc.path)) {
    issues.push({ prop: "healthCheck.path", message: `must be an absolute URL path such as /, got ${JSON.stringify(hc.path)}` });
  }
  const timing = [
    ...integerIssues("healthCheck.delaySeconds", hc.delaySeconds, 1, 3600),
    ...integerIssues("healthCheck.timeoutSeconds", hc.timeoutSeconds, 1, 3600),
  ];
  issues.push(...timing, ...integerIssues("healthCheck.maxRetries", hc.maxRetries, 1, 10));
  const delay = hc.delaySeconds ?? DEFAULT_HEALTH_CHECK.delaySeconds;
  const timeout = hc.timeoutSeconds ?? DEFAULT_HEALTH_CHECK.timeoutSeconds;
  if (timing.length === 0 && timeout > delay) {
    issues.push({ prop: "healthCheck.timeoutSeconds", message: `must be at most delaySeconds (${delay}), got ${timeout}` });
  }
  return issues;
}
