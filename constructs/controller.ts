import { Construct } from "constructs";
import { AppNetwork } from "./app-network";
import { ComputeCatalog } from "./compute-catalog";
import { Connections, IConnectable } from "./connections";
import { fractalsUserData } from "./fractals-guest";
import { Instance } from "./instance";
import { KeyPair } from "./key-pair";
import { Port } from "./port";
import { SecurityGroup } from "./security-group";
import { AMQP_PORT, ServiceCredentials } from "./service-credentials";
import { ServerGroup } from "./server-group";
import { ServicesNode } from "./services-node";

export interface ControllerProps {
  readonly network: AppNetwork;
  readonly catalog: ComputeCatalog;
  readonly keyPair: KeyPair;
  /** Image name. */
  readonly image: string;
  /** Flavor name. */
  readonly flavor: string;
  /**
   * Where the database and queue run. Without one, the controller runs them
   * itself (the tutorial's all-in-one controller) and `count` must be 1.
   * @default none: all-in-one
   */
  readonly services?: ServicesNode;
  /**
   * Number of API instances.
   * @default 1
   */
  readonly count?: number;
  /**
   * Put the instances in a hard anti-affinity server group (one per hypervisor).
   * @default false
   */
  readonly antiAffinity?: boolean;
  /**
   * A floating IP on each instance, for topologies without a load balancer.
   * @default false
   */
  readonly floatingIp?: boolean;
  /**
   * Port the API listens on.
   * @default 80
   */
  readonly apiPort?: number;
  /**
   * CIDRs allowed to SSH in.
   * @default none
   */
  readonly adminCidrs?: readonly string[];
}

/**
 * The Fractals API tier: one or more API servers sharing a security group.
 *
 * Who may reach the API is decided by the caller: `allowApiFrom(loadBalancer)`
 * or `allowApiFromCidr("0.0.0.0/0")` for a public controller.
 */
export class Controller extends Construct implements IConnectable {
  readonly securityGroup: SecurityGroup;
  readonly instances: Instance[] = [];
  readonly serverGroup?: ServerGroup;
  readonly connections: Connections;
  readonly apiPort: number;
  /** Set when the controller runs the database and queue itself. */
  readonly credentials?: ServiceCredentials;
  /** AMQP URL of the queue the workers must use: the services node's, or this controller's own. */
  readonly amqpUrl: string;
  private readonly services?: ServicesNode;

  constructor(scope: Construct, id: string, props: ControllerProps) {
    super(scope, id);
    const count = props.count ?? 1;
    if (!Number.isInteger(count) || count < 1) throw new Error(`${this.node.path}: count must be an integer >= 1, got ${count}`);
    if (!props.services && count !== 1) {
      throw new Error(`${this.node.path}: count must be 1 without a services node (an all-in-one controller holds the database), got ${count}`);
    }
    this.apiPort = props.apiPort ?? 80;
    this.services = props.services;
    this.securityGroup = new SecurityGroup(this, "security-group", {
      name: props.services ? "api" : "controller",
      description: props.services ? "Fractals API" : "Fractals API, MySQL and RabbitMQ",
      defaultPort: Port.tcp(this.apiPort),
    });
    this.connections = this.securityGroup.connections;
    this.connections.allowFromCidrs(props.adminCidrs ?? [], Port.tcp(22), "SSH from admin network");

    if (props.antiAffinity) {
      this.serverGroup = new ServerGroup(this, "server-group", { name: "api", policy: "anti-affinity" });
    }

    let userData: string;
    if (props.services) {
      props.services.allowDatabaseFrom(this);
      props.services.allowQueueFrom(this);
      userData = fractalsUserData({
        api: { port: this.apiPort, databaseUrl: props.services.databaseUrl, amqpUrl: props.services.amqpUrl },
      });
    } else {
      // The tutorial's controller: the database serves only this server's API; the queue serves the workers too.
      const own = new ServiceCredentials(this, "credentials");
      this.credentials = own;
      userData = fractalsUserData({
        database: {
          password: own.databasePassword.result,
          bindAddress: "127.0.0.1",
          clientHosts: ["localhost", "127.0.0.1"],
          maxConnections: 151,
        },
        queue: { password: own.queuePassword.result },
        api: { port: this.apiPort, databaseUrl: own.databaseUrl("127.0.0.1"), amqpUrl: own.amqpUrl("127.0.0.1") },
      });
    }

    for (let i = 1; i <= count; i++) {
      const name = props.services ? `api-${i}` : "controller";
      this.instances.push(new Instance(this, name, {
        name,
        network: props.network,
        catalog: props.catalog,
        image: props.image,
        flavor: props.flavor,
        keyPair: props.keyPair,
        securityGroups: [this.securityGroup],
        serverGroup: this.serverGroup,
        floatingIp: props.floatingIp,
        userData,
      }));
    }
    // Workers reach an all-in-one controller's queue at its first (only) server's address.
    this.amqpUrl = props.services?.amqpUrl ?? this.credentials!.amqpUrl(this.instances[0].privateIp);
  }

  /** URL the API answers on inside the subnet (the first instance). */
  get privateUrl(): string {
    return `http://${this.instances[0].privateIp}:${this.apiPort}`;
  }


  /** Admits AMQP from `other` to wherever the queue runs. */
  allowQueueFrom(other: IConnectable): void {
    if (this.services) this.services.allowQueueFrom(other);
    else this.connections.allowFrom(other, Port.tcp(AMQP_PORT), "AMQP");
  }

  /** Admits the API port from `other`'s security groups. */
  allowApiFrom(other: IConnectable): void {
    this.connections.allowDefaultPortFrom(other, "Fractals API");
  }

  /** Admits the API port from a CIDR (a subnet, or 0.0.0.0/0 for a public controller). */
  allowApiFromCidr(cidr: string): void {
    this.connections.allowFromCidrs([cidr], Port.tcp(this.apiPort), "Fractals API");
  }
}
