import { Construct } from "constructs";
import { BlockstorageVolumeV3 } from "../.gen/providers/openstack/blockstorage-volume-v3";
import { ComputeVolumeAttachV2 } from "../.gen/providers/openstack/compute-volume-attach-v2";
import { AppNetwork } from "./app-network";
import { ComputeCatalog } from "./compute-catalog";
import { DATA_DIR, fractalsUserData } from "./fractals-guest";
import { Connections, IConnectable } from "./connections";
import { Instance } from "./instance";
import { KeyPair } from "./key-pair";
import { openstackName } from "./naming";
import { Port } from "./port";
import { SecurityGroup } from "./security-group";
import { AMQP_PORT, mariadbHostPattern, MYSQL_PORT, ServiceCredentials } from "./service-credentials";
import { integerIssues, PropIssue, throwIfInvalid } from "./validation";

/** MariaDB's own `max_connections`. */
export const DEFAULT_MAX_CONNECTIONS = 151;

export interface ServicesNodeProps {
  readonly network: AppNetwork;
  readonly catalog: ComputeCatalog;
  readonly keyPair: KeyPair;
  /** Image name. */
  readonly image: string;
  /** Flavor name. */
  readonly flavor: string;
  /** Size of the database volume, 1 to 16384 GiB. */
  readonly volumeSizeGb: number;
  /**
   * Cinder volume type.
   * @default the cloud's default type
   */
  readonly volumeType?: string;
  /**
   * Make Terraform refuse any plan that destroys the database volume.
   * @default false
   */
  readonly preventDestroy?: boolean;
  /**
   * MariaDB `max_connections`, 10 to 100000; a change replaces only this server (its user data).
   * @default 151 (MariaDB's default)
   */
  readonly maxConnections?: number;
}

/**
 * MySQL and RabbitMQ on one server, the database on a Cinder volume.
 *
 * The volume is found inside the guest by its id under the by-id names clouds
 * give it (virtio and virtio-scsi), formatted only when it holds no filesystem
 * and mounted by UUID: device names such as /dev/vdb depend on attach order.
 * MariaDB listens on the fixed IP only and admits the app's user from the
 * subnet only. Other tiers get in only
 * through `allowDatabaseFrom` / `allowQueueFrom` (security-group rules, never CIDRs).
 */
export class ServicesNode extends Construct implements IConnectable {
  readonly securityGroup: SecurityGroup;
  readonly credentials: ServiceCredentials;
  readonly volume: BlockstorageVolumeV3;
  readonly instance: Instance;
  readonly volumeAttachment: ComputeVolumeAttachV2;
  readonly connections: Connections;

  constructor(scope: Construct, id: string, props: ServicesNodeProps) {
    super(scope, id);
    throwIfInvalid(this, servicesNodeIssues(props));
    this.securityGroup = new SecurityGroup(this, "security-group", { name: "services", description: "MySQL and RabbitMQ" });
    this.connections = this.securityGroup.connections;
    this.credentials = new ServiceCredentials(this, "credentials");

    this.volume = new BlockstorageVolumeV3(this, "volume", {
      name: openstackName(this, "services-data"),
      description: `MariaDB data (${DATA_DIR})`,
      size: props.volumeSizeGb,
      volumeType: props.volumeType,
      lifecycle: props.preventDestroy ? { preventDestroy: true } : undefined,
    });

    this.instance = new Instance(this, "server", {
      name: "services",
      network: props.network,
      catalog: props.catalog,
      image: props.image,
      flavor: props.flavor,
      keyPair: props.keyPair,
      securityGroups: [this.securityGroup],
      userData: (privateIp) =>
        fractalsUserData({
          database: {
            password: this.credentials.databasePassword.result,
            bindAddress: privateIp,
            clientHosts: [mariadbHostPattern(props.network.subnetCidr)],
            maxConnections: props.maxConnections ?? DEFAULT_MAX_CONNECTIONS,
            dataVolumeId: this.volume.id,
          },
          queue: { password: this.credentials.queuePassword.result },
        }),
    });

    this.volumeAttachment = new ComputeVolumeAttachV2(this, "volume-attachment", {
      instanceId: this.instance.server.id,
      volumeId: this.volume.id,
    });
  }

  get privateIp(): string {
    return this.instance.privateIp;
  }

  /** The app's database URL (carries the generated password as a reference). */
  get databaseUrl(): string {
    return this.credentials.databaseUrl(this.privateIp);
  }

  /** AMQP URL of the queue (carries the generated password as a reference). */
  get amqpUrl(): string {
    return this.credentials.amqpUrl(this.privateIp);
  }

  /** Admits MySQL from `other`'s security groups. */
  allowDatabaseFrom(other: IConnectable): void {
    this.connections.allowFrom(other, Port.tcp(MYSQL_PORT), "MySQL");
  }

  /** Admits AMQP from `other`'s security groups. */
  allowQueueFrom(other: IConnectable): void {
    this.connections.allowFrom(other, Port.tcp(AMQP_PORT), "AMQP");
  }
}

/** What ServicesNode refuses in its props (the config loader reports the same against `services.*`). */
export function servicesNodeIssues(props: Pick<ServicesNodeProps, "volumeSizeGb" | "maxConnections">): PropIssue[] {
  return [
    ...integerIssues("volumeSizeGb", props.volumeSizeGb, 1, 16384),
    ...integerIssues("maxConnections", props.maxConnections, 10, 100000),
  ];
}
