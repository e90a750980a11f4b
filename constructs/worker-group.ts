import { Construct } from "constructs";
import { Fn, Op, Token } from "cdktf";
import { OrchestrationStackV1 } from "../.gen/providers/openstack/orchestration-stack-v1";
import { AppNetwork } from "./app-network";
import { ComputeCatalog } from "./compute-catalog";
import { Connections, IConnectable } from "./connections";
import { fractalsUserData } from "./fractals-guest";
import {
  cpuThresholdNs,
  SCALE_DOWN_URL_OUTPUT,
  SCALE_UP_URL_OUTPUT,
  WORKER_USER_DATA_PLACEHOLDERS,
  WorkerTemplateParameter,
  workerScalingTemplate,
} from "./heat-template";
import { Instance } from "./instance";
import { KeyPair } from "./key-pair";
import { openstackName } from "./naming";
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
      minSize: scaling.min,
      desiredSize: scaling.desired,
      maxSize: scaling.max,
      cooldownSeconds: scaling.cooldownSeconds,
      granularitySeconds: scaling.granularitySeconds,
      evaluationPeriods: scaling.evaluationPeriods,
      userDataTemplate: fractalsUserData({
        worker: { apiUrl: WORKER_USER_DATA_PLACEHOLDERS.apiUrl, amqpUrl: WORKER_USER_DATA_PLACEHOLDERS.amqpUrl },
        waitCondition: { endpoint: WORKER_USER_DATA_PLACEHOLDERS.waitEndpoint, token: WORKER_USER_DATA_PLACEHOLDERS.waitToken },
      }),
    });
    const flavor = props.catalog.flavor(scaling.flavor);
    // The thresholds scale with the flavor's vCPUs, known only once Terraform reads the flavor.
    const threshold = (percent: number) => Token.asString(Op.mul(flavor.vcpus, cpuThresholdNs(percent, 1, scaling.granularitySeconds)));
    const parameters: Record<WorkerTemplateParameter, string> = {
      image: props.catalog.image(props.image).id,
      flavor: flavor.id,
      key_name: props.keyPair.keyPairName,
      network: props.network.network.id,
      security_group: this.securityGroup.securityGroupId,
      api_url: props.apiUrl,
      amqp_url: props.amqpUrl,
      cpu_high_threshold: threshold(scaling.scaleUpCpuPercent),
      cpu_low_threshold: threshold(scaling.scaleDownCpuPercent),
    };
    this.heatStack = new OrchestrationStackV1(this, "stack", {
      // A suffix from the plan's time: provider 3.4.0 records a stack's id only once it is CREATE_COMPLETE, so a create
      // that fails leaves the named stack in Heat (ROLLBACK_COMPLETE) but not in the state, and a create under the same
      // name would collide with it ("The Stack (…) already exists"); the next attempt plans a new name. Once the stack
      // exists the name is ignored, so later plans change nothing (Heat cannot rename a stack anyway). A stack left by
      // a failed create stays until deleted: `openstack stack list` shows it, `openstack stack delete <id>` removes it.
      name: `${openstackName(this, "workers")}-${Fn.formatdate("YYYYMMDDhhmmss", Fn.plantimestamp())}`,
      lifecycle: { ignoreChanges: ["name"] },
      templateOpts: { Bin: JSON.stringify(template) },
      parameters,
      disableRollback: false,
      timeout: 30,
      // The subnet must route before workers boot: their wait condition signals reach Heat through the router.
      dependsOn: [props.network.internetGateway],
    });
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
