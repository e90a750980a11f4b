import { Construct } from "constructs";
import { TerraformOutput, TerraformStack } from "cdktf";
import { RandomProvider } from "@cdktf/provider-random/lib/provider";
import { OpenstackProvider } from "../.gen/providers/openstack/provider";
import { EnvironmentConfig } from "../config";
import { AppNetwork } from "../constructs/app-network";
import { ComputeCatalog } from "../constructs/compute-catalog";
import { Instance } from "../constructs/instance";
import { KeyPair } from "../constructs/key-pair";
import { setNamePrefix } from "../constructs/naming";
import { Port } from "../constructs/port";
import { SecurityGroup } from "../constructs/security-group";
import { addStateBackend } from "./state-backend";

export interface FractalsStackProps {
  /** A validated environment (see `config/load.ts`). */
  readonly config: EnvironmentConfig;
}

/** One environment of the Fractals app: its stack id is the environment's name. */
export class FractalsStack extends TerraformStack {
  readonly config: EnvironmentConfig;
  readonly network: AppNetwork;

  constructor(scope: Construct, props: FractalsStackProps) {
    const { config } = props;
    super(scope, config.env);
    this.config = config;
    setNamePrefix(this, `${config.app}-${config.env}`);

    // No credentials here: the provider reads clouds.yaml / OS_* at plan time.
    new OpenstackProvider(this, "openstack", { cloud: config.cloud, region: config.region });
    new RandomProvider(this, "random");
    addStateBackend(this, config.env, config.backend);

    this.network = new AppNetwork(this, "network", {
      cidr: config.network.cidr,
      dnsNameservers: config.network.dnsNameservers,
      externalNetworkName: config.network.externalNetwork,
    });
    const catalog = new ComputeCatalog(this, "catalog");
    const keyPair = new KeyPair(this, "key-pair", { publicKey: config.access.publicKey });

    const apiGroup = new SecurityGroup(this, "api-sg", { name: "api", description: "Fractals API" });
    const workerGroup = new SecurityGroup(this, "worker-sg", { name: "worker", description: "Fractals queue workers" });
    apiGroup.connections.allowFrom(workerGroup, Port.tcp(5672), "AMQP");
    apiGroup.connections.allowFromCidrs(["0.0.0.0/0"], Port.tcp(config.fractals.apiPort), "Fractals API");
    for (const group of [apiGroup, workerGroup]) {
      group.connections.allowFromCidrs(config.access.adminCidrs, Port.tcp(22), "SSH from admin network");
    }

    const controller = new Instance(this, "controller", {
      name: "controller",
      network: this.network,
      catalog,
      image: config.api.image ?? config.image,
      flavor: config.api.flavor,
      keyPair,
      securityGroups: [apiGroup],
      floatingIp: config.api.floatingIp,
    });
    new TerraformOutput(this, "controller_private_ip", { value: controller.privateIp });
  }
}
