import { Construct } from "constructs";
import { TerraformOutput, TerraformStack } from "cdktf";
import { RandomProvider } from "@cdktf/provider-random/lib/provider";
import { OpenstackProvider } from "../.gen/providers/openstack/provider";
import { EnvironmentConfig } from "../config";
import {
  ApiGroup,
  AppNetwork,
  Bastion,
  ComputeCatalog,
  Controller,
  IConnectable,
  KeyPair,
  LbaasPool,
  Scaling,
  ServicesNode,
  setNamePrefix,
  WorkerGroup,
  WorkerScaling,
} from "../constructs";
import { PRESIGNED_DESCRIPTION } from "../constructs/heat-template";
import { addStateBackend } from "./state-backend";

export interface FractalsStackProps {
  /** A validated environment (see `config/load.ts`). */
  readonly config: EnvironmentConfig;
  /**
   * State file of the local backend, relative to the stack's working directory.
   * @default "terraform.<env>.tfstate"
   */
  readonly localStatePath?: string;
  /**
   * Use the local backend even when `config.backend` names another.
   * @default false
   */
  readonly forceLocalState?: boolean;
}

/**
 * One environment of the Fractals app; the stack id is the environment's name.
 * Every difference between environments comes from `config`.
 */
export class FractalsStack extends TerraformStack {
  readonly config: EnvironmentConfig;
  readonly network: AppNetwork;
  readonly services?: ServicesNode;
  /** The fixed API servers (`api.scaling.mode: fixed`). */
  readonly controller?: Controller;
  /** The Heat-scaled API servers (`api.scaling.mode: autoscale`). */
  readonly apiGroup?: ApiGroup;
  readonly loadBalancer?: LbaasPool;
  readonly workers: WorkerGroup;
  /** The SSH jump host, in environments that name admin CIDRs. */
  readonly bastion?: Bastion;

  constructor(scope: Construct, props: FractalsStackProps) {
    const { config } = props;
    super(scope, config.env);
    this.config = config;
    setNamePrefix(this, `${config.app}-${config.env}`);

    // No credentials here: the provider reads clouds.yaml / OS_* at plan time.
    new OpenstackProvider(this, "openstack", { cloud: config.cloud, region: config.region });
    new RandomProvider(this, "random");
    const backend = props.forceLocalState ? { type: "local" as const } : config.backend;
    addStateBackend(this, backend, props.localStatePath ?? `terraform.${config.env}.tfstate`);

    this.network = new AppNetwork(this, "network", {
      cidr: config.network.cidr,
      dnsNameservers: config.network.dnsNameservers,
      externalNetworkName: config.network.externalNetwork,
    });
    const catalog = new ComputeCatalog(this, "catalog");
    const keyPair = new KeyPair(this, "key-pair", { publicKey: config.access.publicKey });
    const common = { network: this.network, catalog, keyPair };

    // SSH only where the config names admin networks, and then only through the bastion.
    if (config.access.adminCidrs.length > 0) {
      this.bastion = new Bastion(this, "bastion", {
        ...common,
        image: config.image,
        adminCidrs: config.access.adminCidrs,
        loginUser: config.access.loginUser,
      });
    }
    // Each group admits the bastion's SSH before any other rule, where the admin CIDR's SSH rule used to be: a
    // deployment whose rules are still at their positional addresses moves that rule onto this one (and replaces
    // it, which is the change), while the group's other rules keep their positions (security-group.ts).
    const admitSsh = (target: IConnectable) => this.bastion?.allowSshTo(target);

    if (config.services) {
      this.services = new ServicesNode(this, "services", {
        ...common,
        image: config.services.image ?? config.image,
        flavor: config.services.flavor,
        volumeSizeGb: config.services.volumeSizeGb,
        volumeType: config.services.volumeType,
        preventDestroy: config.services.preventDestroy,
        maxConnections: config.services.mysqlMaxConnections,
      });
      admitSsh(this.services);
    }

    const apiScaling = config.api.scaling;
    if (apiScaling.mode === "fixed") {
      this.controller = new Controller(this, "controller", {
        ...common,
        image: config.api.image ?? config.image,
        flavor: config.api.flavor,
        services: this.services,
        count: apiScaling.count,
        antiAffinity: config.api.antiAffinity,
        floatingIp: config.api.floatingIp,
        apiPort: config.fractals.apiPort,
      });
      admitSsh(this.controller);
    }

    let apiUrl: string;
    if (config.loadBalancer) {
      this.loadBalancer = new LbaasPool(this, "load-balancer", {
        network: this.network,
        algorithm: config.loadBalancer.algorithm,
        healthCheck: config.loadBalancer.healthCheck,
      });
      if (this.controller) this.loadBalancer.addTargets(this.controller);
      apiUrl = `http://${this.loadBalancer.vipAddress}:${this.loadBalancer.listenerPort}`;
    } else {
      this.controller!.allowApiFromCidr("0.0.0.0/0");
      apiUrl = this.controller!.privateUrl;
    }
    if (apiScaling.mode === "autoscale") {
      // The fixed servers' construct id: their security group (and the services node's rules for it) stays when the tier moves to Heat.
      this.apiGroup = new ApiGroup(this, "controller", {
        ...common,
        image: config.api.image ?? config.image,
        scaling: Scaling.autoscale({ ...apiScaling, flavor: config.api.flavor }),
        services: this.services!,
        loadBalancer: this.loadBalancer!,
        apiPort: config.fractals.apiPort,
      });
      admitSsh(this.apiGroup);
    }
    const api = this.controller ?? this.apiGroup!;

    this.workers = new WorkerGroup(this, "workers", {
      ...common,
      image: config.workers.image ?? config.image,
      scaling: workerScaling(config.workers),
      apiUrl,
      amqpUrl: api.amqpUrl,
    });
    admitSsh(this.workers);
    if (this.controller) this.controller.allowQueueFrom(this.workers);
    else this.services!.allowQueueFrom(this.workers);
    if (!this.loadBalancer) this.controller!.allowApiFrom(this.workers);

    this.addOutputs();
  }

  private addOutputs(): void {
    const lb = this.loadBalancer;
    const fixedApi = this.controller?.instances ?? [];
    const publicHost = lb ? lb.publicAddress : fixedApi[0].publicIp;
    new TerraformOutput(this, "app_url", {
      description: "Where the Fractals API answers",
      value: lb ? `http://${publicHost}:${lb.listenerPort}` : `http://${publicHost}:${this.controller!.apiPort}`,
    });
    if (lb) new TerraformOutput(this, "load_balancer_vip", { description: "VIP of the load balancer on the subnet", value: lb.vipAddress });
    const floatingIps = [
      ...fixedApi.filter((i) => i.floatingIp).map((i) => i.publicIp),
      ...(lb?.floatingIp ? [lb.floatingIp.address] : []),
      ...(this.bastion ? [this.bastion.publicIp] : []),
    ];
    new TerraformOutput(this, "floating_ips", { description: "Floating IPs of this environment", value: floatingIps });
    new TerraformOutput(this, "api_private_ips", {
      description: this.apiGroup
        ? "Fixed IPs of the fixed API servers: none, Heat's group runs them (openstack loadbalancer member list <pool> shows its members)"
        : "Fixed IPs of the API servers",
      value: fixedApi.map((i) => i.privateIp),
    });
    if (this.services) {
      new TerraformOutput(this, "services_private_ip", {
        description: "Fixed IP of the MySQL/RabbitMQ node",
        value: this.services.privateIp,
      });
    }
    if (this.bastion) {
      new TerraformOutput(this, "bastion_address", {
        description: "Floating IP of the SSH jump host, the only server the admin CIDRs reach",
        value: this.bastion.publicIp,
      });
      new TerraformOutput(this, "ssh_example", {
        description:
          fixedApi.length > 0 ? "SSH to the first API server through the bastion" : "SSH to the services node through the bastion",
        value: this.bastion.sshCommand(fixedApi[0]?.privateIp ?? this.services!.privateIp),
      });
    }
    if (this.workers.heatStack) {
      // The policies' alarm_url: pre-signed, so whoever holds one can scale the group (signal_url would need a token).
      new TerraformOutput(this, "scale_up_url", {
        description: PRESIGNED_DESCRIPTION("adds"),
        value: this.workers.scaleUpUrl,
        sensitive: true,
      });
      new TerraformOutput(this, "scale_down_url", {
        description: PRESIGNED_DESCRIPTION("removes"),
        value: this.workers.scaleDownUrl,
        sensitive: true,
      });
    }
    if (this.apiGroup) {
      const one = (text: string) => text.replace("worker", "API server");
      new TerraformOutput(this, "api_scale_up_url", {
        description: one(PRESIGNED_DESCRIPTION("adds")),
        value: this.apiGroup.scaleUpUrl,
        sensitive: true,
      });
      new TerraformOutput(this, "api_scale_down_url", {
        description: one(PRESIGNED_DESCRIPTION("removes")),
        value: this.apiGroup.scaleDownUrl,
        sensitive: true,
      });
    }
  }
}

/** The value object a config's `workers` section stands for. */
function workerScaling(workers: EnvironmentConfig["workers"]): WorkerScaling {
  if (workers.mode === "fixed") return WorkerScaling.fixed({ count: workers.count, flavor: workers.flavor });
  return WorkerScaling.autoscale({
    min: workers.min,
    desired: workers.desired,
    max: workers.max,
    flavor: workers.flavor,
    scaleUpCpuPercent: workers.scaleUpCpuPercent,
    scaleDownCpuPercent: workers.scaleDownCpuPercent,
    granularitySeconds: workers.granularitySeconds,
    archivePolicy: workers.archivePolicy,
    evaluationPeriods: workers.evaluationPeriods,
    cooldownSeconds: workers.cooldownSeconds,
  });
}
