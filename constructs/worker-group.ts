import { Construct } from "constructs";
import { OrchestrationStackV1 } from "../.gen/providers/openstack/orchestration-stack-v1";
import { AppNetwork } from "./app-network";
import { ComputeCatalog } from "./compute-catalog";
import { Connections, IConnectable } from "./connections";
import { fractalsUserData } from "./fractals-guest";
import {
  SCALE_DOWN_URL_OUTPUT,
  SCALE_UP_URL_OUTPUT,
  WORKER_USER_DATA_PLACEHOLDERS,
  WorkerTemplateParameter,
  workerScalingTemplate,
} from "./heat-template";
import { Instance } from "./instance";
import { KeyPair } from "./key-pair";
import { cpuThresholdParameters, scalingHeatStack, scalingTiming } from "./scaling-stack";
import { SecurityGroup } from "./security-group";
import { ServerGroup } from "./server-group";
import { nested, throwIfInvalid } from "./validation";
import { AutoscaleScaling, FixedScaling, WorkerScaling } from "./worker-scaling";

export interface WorkerGroupProps {
  readonly network: AppNetwork;
  readonly catalog: ComputeCatalog;
  readonly keyPair: KeyPair;
  /** Image name. */
  readonly image: string;
  /** `WorkerScaling.fixed({ count, flavor })`, or `WorkerScaling.autoscale({ min, max, flavor })` through Heat with Aodh CPU alarms. */
  readonly scaling: WorkerScaling;
  /** Fractals API endpoint the workers report results to. */
  readonly apiUrl: string;
  /** AMQP URL of the queue the workers consume. */
  readonly amqpUrl: string;
}

/**
 * Queue workers that render fractals: a fixed number of servers spread by a
 * soft-anti-affinity group, or a Heat autoscaling group driven by CPU alarms.
 * Workers accept nothing but what is opened to them (SSH from a bastion: `bastion.allowSshTo(workers)`).
 */
export class WorkerGroup extends Construct implements IConnectable {
  readonly securityGroup: SecurityGroup;
  readonly connections: Connections;
  /** The servers, in `fixed` mode. */
  readonly instances: Instance[] = [];
  readonly serverGroup?: ServerGroup;
  /** The Heat stack, in `autoscale` mode. */
  readonly heatStack?: OrchestrationStackV1;

  constructor(scope: Construct, id: string, props: WorkerGroupProps) {
    super(scope, id);
    throwIfInvalid(this, nested("scaling", props.scaling.issues()));
    this.securityGroup = new SecurityGroup(this, "security-group", { name: "worker", description: "Fractals queue workers" });
    this.connections = this.securityGroup.connections;

    const scaling = props.scaling;
    if (scaling instanceof FixedScaling) {
      this.serverGroup = new ServerGroup(this, "server-group", { name: "workers", policy: "soft-anti-affinity" });
      const userData = fractalsUserData({ worker: { apiUrl: props.apiUrl, amqpUrl: props.amqpUrl } });
      for (let i = 1; i <= scaling.count; i++) {
        this.instances.push(
          new Instance(this, `worker-${i}`, {
            name: `worker-${i}`,
            network: props.network,
            catalog: props.catalog,
            image: props.image,
            flavor: scaling.flavor,
            keyPair: props.keyPair,
            securityGroups: [this.securityGroup],
            serverGroup: this.serverGroup,
            userData,
          }),
        );
      }
      return;
    }

    if (!(scaling instanceof AutoscaleScaling))
      throw new Error(`${this.node.path}: scaling must come from WorkerScaling.fixed() or WorkerScaling.autoscale()`);
    const template = workerScalingTemplate({
      ...scalingTiming(scaling),
      userDataTemplate: fractalsUserData({
        worker: { apiUrl: WORKER_USER_DATA_PLACEHOLDERS.apiUrl, amqpUrl: WORKER_USER_DATA_PLACEHOLDERS.amqpUrl },
        waitCondition: { endpoint: WORKER_USER_DATA_PLACEHOLDERS.waitEndpoint, token: WORKER_USER_DATA_PLACEHOLDERS.waitToken },
      }),
    });
    const flavor = props.catalog.flavor(scaling.flavor);
    const parameters: Record<WorkerTemplateParameter, string> = {
      image: props.catalog.image(props.image).id,
      flavor: flavor.id,
      key_name: props.keyPair.keyPairName,
      network: props.network.network.id,
      security_group: this.securityGroup.securityGroupId,
      api_url: props.apiUrl,
      amqp_url: props.amqpUrl,
      ...cpuThresholdParameters(scaling, flavor),
    };
    // The subnet must route before workers boot: their wait condition signals reach Heat through the router.
    this.heatStack = scalingHeatStack(this, "workers", template, parameters, [props.network.internetGateway]);
  }

  /** Pre-signed URL (the policy's alarm_url, no token needed) that adds one worker (autoscale mode). */
  get scaleUpUrl(): string {
    return this.stackOutput(SCALE_UP_URL_OUTPUT);
  }

  /** Pre-signed URL (the policy's alarm_url, no token needed) that removes one worker (autoscale mode). */
  get scaleDownUrl(): string {
    return this.stackOutput(SCALE_DOWN_URL_OUTPUT);
  }

  private stackOutput(key: string): string {
    if (!this.heatStack) throw new Error(`${this.node.path}: ${key} exists only in autoscale mode`);
    const outputs = `${this.heatStack.fqn}.outputs`;
    return `\${lookup(zipmap(${outputs}[*].output_key, ${outputs}[*].output_value), "${key}", "")}`;
  }
}
