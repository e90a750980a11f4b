import { Construct } from "constructs";
import { BlockstorageVolumeV3 } from "../.gen/providers/openstack/blockstorage-volume-v3";
import { ComputeVolumeAttachV2 } from "../.gen/providers/openstack/compute-volume-attach-v2";
import { AppNetwork } from "./app-network";
import { renderUserData } from "./cloud-init";
import { ComputeCatalog } from "./compute-catalog";
import { Connections, IConnectable } from "./connections";
import { Instance } from "./instance";
import { KeyPair } from "./key-pair";
import { openstackName } from "./naming";
import { Port } from "./port";
import { SecurityGroup } from "./security-group";
import { AMQP_PORT, MYSQL_PORT, ServiceCredentials } from "./service-credentials";

/** Where the database lives on the services node; the volume is mounted here before MySQL installs. */
export const MYSQL_DATA_DIR = "/var/lib/mysql";
const DATA_LABEL = "fractals-db";

export interface ServicesNodeProps {
  readonly network: AppNetwork;
  readonly catalog: ComputeCatalog;
  readonly keyPair: KeyPair;
  /** Image name. */
  readonly image: string;
  /** Flavor name. */
  readonly flavor: string;
  /** faafo's install script URL. */
  readonly installScriptUrl: string;
  /** Size of the database volume in GiB. */
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
   * MariaDB `max_connections`.
   * @default 151 (MariaDB's default)
   */
  readonly maxConnections?: number;
  /**
   * CIDRs allowed to SSH in.
   * @default none
   */
  readonly adminCidrs?: readonly string[];
}

/**
 * MySQL and RabbitMQ on one server, the database on a Cinder volume.
 *
 * The volume is found inside the guest by its id (`/dev/disk/by-id/virtio-<id>`),
 * formatted once with a label and mounted by that label: device names such as
 * /dev/vdb depend on attach order and are not stable. Other tiers get in only
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
    if (props.maxConnections !== undefined && (!Number.isInteger(props.maxConnections) || props.maxConnections < 10)) {
      throw new Error(`${this.node.path}: maxConnections must be an integer >= 10, got ${props.maxConnections}`);
    }
    this.securityGroup = new SecurityGroup(this, "security-group", { name: "services", description: "MySQL and RabbitMQ" });
    this.connections = this.securityGroup.connections;
    this.connections.allowFromCidrs(props.adminCidrs ?? [], Port.tcp(22), "SSH from admin network");
    this.credentials = new ServiceCredentials(this, "credentials");

    this.volume = new BlockstorageVolumeV3(this, "volume", {
      name: openstackName(this, "services-data"),
      description: `MySQL data (${MYSQL_DATA_DIR})`,
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
      userData: renderUserData({
        files: [
          { path: "/usr/local/sbin/fractals-mount-data", permissions: "0755", content: mountScript(this.volume.id) },
          { path: "/etc/mysql/mariadb.conf.d/60-fractals.cnf", content: mysqlConfig(props.maxConnections ?? 151) },
        ],
        before: ["/usr/local/sbin/fractals-mount-data"],
        install: { scriptUrl: props.installScriptUrl, components: ["database", "messaging"] },
        after: this.credentials.setupCommands(),
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

  /** SQLAlchemy URL of the database (carries the generated password as a reference). */
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

/** Waits for the volume, formats it the first time only, mounts it by label. */
function mountScript(volumeId: string): string {
  return [
    "#!/bin/sh",
    "set -eu",
    // Nova exposes the first 20 characters of the Cinder volume id as the virtio serial.
    `id='${volumeId}'`,
    'dev="/dev/disk/by-id/virtio-$(printf %s "$id" | cut -c1-20)"',
    'for i in $(seq 1 120); do [ -e "$dev" ] && break; sleep 5; done',
    '[ -e "$dev" ] || { echo "data volume $id never appeared" >&2; exit 1; }',
    `blkid "$dev" >/dev/null || mkfs.ext4 -L ${DATA_LABEL} "$dev"`,
    `mkdir -p ${MYSQL_DATA_DIR}`,
    `grep -q 'LABEL=${DATA_LABEL}' /etc/fstab || echo 'LABEL=${DATA_LABEL} ${MYSQL_DATA_DIR} ext4 defaults,nofail 0 2' >> /etc/fstab`,
    `mountpoint -q ${MYSQL_DATA_DIR} || mount ${MYSQL_DATA_DIR}`,
    "",
  ].join("\n");
}

function mysqlConfig(maxConnections: number): string {
  return ["[mysqld]", "bind-address = 0.0.0.0", `max_connections = ${maxConnections}`, ""].join("\n");
}
