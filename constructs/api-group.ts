import { Construct } from "constructs";
import { OrchestrationStackV1 } from "../.gen/providers/openstack/orchestration-stack-v1";
import { AppNetwork } from "./app-network";
import { ComputeCatalog } from "./compute-catalog";
import { Connections, IConnectable } from "./connections";
import { apiPortIssues, DEFAULT_API_PORT } from "./controller";
import { fractalsUserData, HEALTH_PATH } from "./fractals-guest";
import {
  API_USER_DATA_PLACEHOLDERS,
  apiScalingTemplate,
  ApiTemplateParameter,
  SCALE_DOWN_URL_OUTPUT,
  SCALE_UP_URL_OUTPUT,
} from "./heat-template";
import { Instance } from "./instance";
import { KeyPair } from "./key-pair";
import type { ILoadBalancerTarget, LbaasPool } from "./lbaas-pool";
import { cpuThresholdParameters, scalingHeatStack, scalingTiming } from "./scaling-stack";
import { IPeer } from "./peer";
import { Port } from "./port";
import { SecurityGroup } from "./security-group";
import { ServicesNode } from "./services-node";
import { nested, PropIssue, throwIfInvalid } from "./validation";
import { AutoscaleScaling, WorkerScaling } from "./worker-scaling";

export interface ApiGroupProps {
  readonly network: AppNetwork;
  readonly catalog: ComputeCatalog;
  readonly keyPair: KeyPair;
  /** Image name. */
  readonly image: string;
  /** `Scaling.autoscale({ min, max, flavor })`: the group's bounds, flavor and CPU alarms (fixed API servers are a `Controller`). */
  readonly scaling: WorkerScaling;
  /** Where the database and queue run; the group's security group is admitted there. */
  readonly services: ServicesNode;
  /** The pool the members join: Heat creates each member's OS::Octavia::PoolMember, and the pool's monitor checks it. */
  readonly loadBalancer: LbaasPool;
  /**
   * Port the API listens on: 1 to 65535, none of `RESERVED_PORTS`.
   * @default 80
   */
  readonly apiPort?: number;
}

/**
 * An autoscaled Fractals API tier: a Heat AutoScalingGroup whose members are each an API server
 * and its pool member on `loadBalancer`'s pool (openstack/heat-templates' hot/lb_server.yaml),
 * scaled by Aodh alarms on the servers' mean CPU. The members are Heat's, not Terraform's: the
 * pool gets no `openstack_lb_member_v2` for them, so a plan never fights the group's size.
 *
 * The group's security group is built as a `Controller`'s with services (name `api`, the API port
 * as its default port, admitted to the database and the queue), so a stack that moves its API
 * tier from fixed servers to this group under the same construct id keeps that group and its rules.
 */
export class ApiGroup extends Construct implements IConnectable, ILoadBalancerTarget {
  readonly securityGroup: SecurityGroup;
  readonly connections: Connections;
  readonly apiPort: number;
  readonly healthCheckPath = HEALTH_PATH;
  /** AMQP URL of the queue the workers must use: the services node's. */
  readonly amqpUrl: string;
  readonly heatStack: OrchestrationStackV1;

  constructor(scope: Construct, id: string, props: ApiGroupProps) {
    super(scope, id);
    throwIfInvalid(this, apiGroupIssues(props));
    const scaling = props.scaling as AutoscaleScaling;
    this.apiPort = props.apiPort ?? DEFAULT_API_PORT;
    this.amqpUrl = props.services.amqpUrl;
    this.securityGroup = new SecurityGroup(this, "security-group", {
      name: "api",
      description: "Fractals API",
      defaultPort: Port.tcp(this.apiPort),
    });
    this.connections = this.securityGroup.connections;
    props.services.allowDatabaseFrom(this);
    props.services.allowQueueFrom(this);
    // Admits the API port from the balancer's source; the pool creates no members for this target.
    props.loadBalancer.addTargets(this);

    const p = API_USER_DATA_PLACEHOLDERS;
    const template = apiScalingTemplate({
      ...scalingTiming(scaling),
      userDataTemplate: fractalsUserData({
        api: { port: this.apiPort, databaseUrl: p.databaseUrl, amqpUrl: p.amqpUrl },
        waitCondition: { endpoint: p.waitEndpoint, token: p.waitToken },
      }),
    });
    const flavor = props.catalog.flavor(scaling.flavor);
    const parameters: Record<ApiTemplateParameter, string> = {
      image: props.catalog.image(props.image).id,
      flavor: flavor.id,
      key_name: props.keyPair.keyPairName,
      network: props.network.network.id,
      subnet: props.network.subnet.id,
      security_group: this.securityGroup.securityGroupId,
      pool_id: props.loadBalancer.pool.id,
      api_port: String(this.apiPort),
      database_url: props.services.databaseUrl,
      amqp_url: props.services.amqpUrl,
      ...cpuThresholdParameters(scaling, flavor),
    };
    // Wait conditions signal through the router; Octavia takes one change at a time, so members come after the monitor.
    this.heatStack = scalingHeatStack(this, "api", template, parameters, [props.network.internetGateway, props.loadBalancer.monitor]);
  }

  /** None: the members are Heat's (each member stack's OS::Octavia::PoolMember). */
  get targetInstances(): readonly Instance[] {
    return [];
  }

  get targetPort(): number {
    return this.apiPort;
  }

  /** Admits the API port from a load balancer's source. */
  allowTargetTrafficFrom(peer: IPeer): void {
    this.connections.allowDefaultPortFrom(peer, "Fractals API");
  }

  /** Pre-signed URL (the policy's alarm_url, no token needed) that adds one API server. */
  get scaleUpUrl(): string {
    return this.stackOutput(SCALE_UP_URL_OUTPUT);
  }

  /** Pre-signed URL (the policy's alarm_url, no token needed) that removes one API server. */
  get scaleDownUrl(): string {
    return this.stackOutput(SCALE_DOWN_URL_OUTPUT);
  }

  private stackOutput(key: string): string {
    const outputs = `${this.heatStack.fqn}.outputs`;
    return `\${lookup(zipmap(${outputs}[*].output_key, ${outputs}[*].output_value), "${key}", "")}`;
  }
}

/** What ApiGroup refuses in its props (the config loader reports the same against `api.*`). */
export function apiGroupIssues(props: Pick<ApiGroupProps, "scaling" | "apiPort">): PropIssue[] {
  const issues: PropIssue[] = [];
  if (!(props.scaling instanceof AutoscaleScaling)) {
    issues.push({ prop: "scaling", message: "must come from Scaling.autoscale() (fixed API servers are a Controller)" });
  } else {
    issues.push(...nested("scaling", props.scaling.issues()));
    if (issues.length === 0 && props.scaling.min < 1)
      issues.push({ prop: "scaling.min", message: `must be at least 1 (an API tier of none serves nothing), got ${props.scaling.min}` });
  }
  return [...issues, ...apiPortIssues(props.apiPort)];
}
