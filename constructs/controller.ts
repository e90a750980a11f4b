import { Construct } from "constructs";
import { AppNetwork } from "./app-network";
import { ComputeCatalog } from "./compute-catalog";
import { Connections, IConnectable } from "./connections";
import { fractalsUserData, HEALTH_PATH } from "./fractals-guest";
import { Instance } from "./instance";
import { KeyPair } from "./key-pair";
import type { ILoadBalancerTarget } from "./lbaas-pool";
import { IPeer } from "./peer";
import { Port } from "./port";
import { SecurityGroup } from "./security-group";
import { AMQP_PORT, ServiceCredentials } from "./service-credentials";
import { ServerGroup } from "./server-group";
import { DEFAULT_MAX_CONNECTIONS, ServicesNode } from "./services-node";
import { integerIssues, PropIssue, throwIfInvalid } from "./validation";

/** The port the API listens on unless told otherwise. */
export const DEFAULT_API_PORT = 80;
/** API instances unless told otherwise. */
export const DEFAULT_API_INSTANCES = 1;
/** The most API instances one controller runs. */
const MAX_API_INSTANCES = 50;
/**
 * Ports the API must not take: SSH, MariaDB and RabbitMQ run on the same servers, and
 * RabbitMQ's Erlang distribution (25672), epmd (4369) and management UI (15672) must
 * never be public, which the API's rule (open to the world without a load balancer) would make them.
 */
export const RESERVED_PORTS: readonly number[] = [22, 3306, 4369, 5672, 15672, 25672];

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
   * Number of API instances, 1 to 50; 1 without `services`.
   * @default 1
   */
  readonly count?: number;
  /**
   * Put the instances in a hard anti-affinity server group (one per hypervisor); needs a `count` of at least 2.
   * @default false
   */
  readonly antiAffinity?: boolean;
  /**
   * A floating IP on each instance, for topologies without a load balancer.
   * @default false
   */
  readonly floatingIp?: boolean;
  /**
   * Port the API listens on: 1 to 65535, none of `RESERVED_PORTS`.
   * @default 80
   */
  readonly apiPort?: number;
}

/**
 * The Fractals API tier: one or more API servers sharing a security group.
 *
 * Who may reach the API is decided by the caller: `loadBalancer.addTargets(controller)`
 * (which admits the balancer), `allowApiFrom(workers)`, or `allowApiFromCidr("0.0.0.0/0")`
 * for a public controller.
 */
export class Controller extends Construct implements IConnectable, ILoadBalancerTarget {
  readonly securityGroup: SecurityGroup;
  readonly instances: Instance[] = [];
  readonly serverGroup?: ServerGroup;
  readonly connections: Connections;
  readonly apiPort: number;
  /** The API's health endpoint, which checks the database: what a load balancer's monitor requests. */
  readonly healthCheckPath = HEALTH_PATH;
  /** Set when the controller runs the database and queue itself. */
  readonly credentials?: ServiceCredentials;
  /** AMQP URL of the queue the workers must use: the services node's, or this controller's own. */
  readonly amqpUrl: string;
  private readonly services?: ServicesNode;

  constructor(scope: Construct, id: string, props: ControllerProps) {
    super(scope, id);
    throwIfInvalid(this, controllerIssues({ ...props, hasServices: props.services !== undefined }));
    const count = props.count ?? DEFAULT_API_INSTANCES;
    this.apiPort = props.apiPort ?? DEFAULT_API_PORT;
    this.services = props.services;
    this.securityGroup = new SecurityGroup(this, "security-group", {
      name: props.services ? "api" : "controller",
      description: props.services ? "Fractals API" : "Fractals API, MySQL and RabbitMQ",
      defaultPort: Port.tcp(this.apiPort),
    });
    this.connections = this.securityGroup.connections;

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
          maxConnections: DEFAULT_MAX_CONNECTIONS,
        },
        queue: { password: own.queuePassword.result },
        api: { port: this.apiPort, databaseUrl: own.databaseUrl("127.0.0.1"), amqpUrl: own.amqpUrl("127.0.0.1") },
      });
    }

    for (let i = 1; i <= count; i++) {
      const name = props.services ? `api-${i}` : "controller";
      this.instances.push(
        new Instance(this, name, {
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
        }),
      );
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

  /** The API servers, as a load balancer's members. */
  get targetInstances(): readonly Instance[] {
    return this.instances;
  }

  get targetPort(): number {
    return this.apiPort;
  }

  /** Admits the API port from a load balancer's source. */
  allowTargetTrafficFrom(peer: IPeer): void {
    this.connections.allowDefaultPortFrom(peer, "Fractals API");
  }
}

/**
 * What Controller refuses in its props (the config loader reports the same against `api.*`,
 * and `fractals.apiPort`). `hasServices`: whether `services` is given.
 */
export function controllerIssues(
  props: Pick<ControllerProps, "count" | "antiAffinity" | "apiPort"> & { readonly hasServices: boolean },
): PropIssue[] {
  const issues = integerIssues("count", props.count, 1, MAX_API_INSTANCES);
  const count = props.count ?? DEFAULT_API_INSTANCES;
  if (issues.length === 0 && !props.hasServices && count !== 1) {
    issues.push({
      prop: "count",
      message: `must be 1 without a services node (an all-in-one controller holds the database), got ${count}`,
    });
  }
  if (issues.length === 0 && props.antiAffinity && count < 2) {
    issues.push({ prop: "antiAffinity", message: `needs a count of at least 2 (a server group of one spreads nothing), got ${count}` });
  }
  return [...issues, ...apiPortIssues(props.apiPort)];
}

/** The API's port, for the Controller and the ApiGroup alike: 1 to 65535 and none of RESERVED_PORTS. */
export function apiPortIssues(apiPort: number | undefined): PropIssue[] {
  const port = integerIssues("apiPort", apiPort, 1, 65535);
  if (port.length === 0 && apiPort !== undefined && RESERVED_PORTS.includes(apiPort)) {
    port.push({
      prop: "apiPort",
      message: `must not be one of ${RESERVED_PORTS.join(", ")} (SSH, MariaDB and RabbitMQ's ports, which must never be public), got ${apiPort}`,
    });
  }
  return port;
}
