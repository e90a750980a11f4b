import { Construct } from "constructs";
import { DataResource, Fn } from "cdktf";
import { ComputeInstanceV2 } from "../.gen/providers/openstack/compute-instance-v2";
import { NetworkingFloatingipAssociateV2 } from "../.gen/providers/openstack/networking-floatingip-associate-v2";
import { NetworkingFloatingipV2 } from "../.gen/providers/openstack/networking-floatingip-v2";
import { NetworkingPortV2 } from "../.gen/providers/openstack/networking-port-v2";
import { AppNetwork } from "./app-network";
import { ComputeCatalog } from "./compute-catalog";
import { Connections, IConnectable } from "./connections";
import { KeyPair } from "./key-pair";
import { openstackName } from "./naming";
import { SecurityGroup } from "./security-group";
import { ServerGroup } from "./server-group";

export interface InstanceProps {
  /** Suffix of the OpenStack names of the server and its port. */
  readonly name: string;
  /** The network whose subnet the server's port is on. */
  readonly network: AppNetwork;
  /** Resolves image and flavor names to ids. */
  readonly catalog: ComputeCatalog;
  /** Image name, or UUID to pin it. A change replaces the server. */
  readonly image: string;
  /** Flavor name. */
  readonly flavor: string;
  /** Key pair for SSH. */
  readonly keyPair: KeyPair;
  /** Security groups, applied on the port. */
  readonly securityGroups: SecurityGroup[];
  /**
   * Cloud-init user data. Changing it replaces the server (ForceNew), so it must
   * not contain values that change on every plan. A function receives the
   * server's fixed IP (a reference to its port), for software that binds to it.
   * @default none
   */
  readonly userData?: string | ((privateIp: string) => string);
  /**
   * Nova server group that constrains placement.
   * @default none
   */
  readonly serverGroup?: ServerGroup;
  /**
   * Associate a floating IP from the external network.
   * @default false
   */
  readonly floatingIp?: boolean;
  /**
   * Server metadata.
   * @default none
   */
  readonly metadata?: Record<string, string>;
}

/**
 * A server on the application subnet, attached by a port we own.
 *
 * The port carries the security groups and the fixed IP, so the address is
 * known before the server boots (other servers' user data can point at it) and
 * survives a server replacement. The optional floating IP is associated only
 * after the network's router interface exists.
 */
export class Instance extends Construct implements IConnectable {
  readonly port: NetworkingPortV2;
  readonly server: ComputeInstanceV2;
  /** The server's image id, kept in state: when it changes, the server is replaced. */
  readonly imageRecord: DataResource;
  readonly floatingIp?: NetworkingFloatingipV2;
  readonly floatingIpAssociation?: NetworkingFloatingipAssociateV2;
  readonly connections: Connections;

  constructor(scope: Construct, id: string, props: InstanceProps) {
    super(scope, id);
    this.connections = new Connections({ securityGroups: props.securityGroups });

    this.port = new NetworkingPortV2(this, "port", {
      name: openstackName(this, `${props.name}-port`),
      networkId: props.network.network.id,
      adminStateUp: true,
      securityGroupIds: props.securityGroups.map((g) => g.securityGroupId),
      fixedIp: [{ subnetId: props.network.subnet.id }],
    });

    const imageId = props.catalog.image(props.image).id;
    // The provider rebuilds a server in place when its image changes: the root disk is wiped all the
    // same, while the plan says "update". This record changes exactly when the image id does, and
    // replaces the server, so an image change is planned as the replacement it is. Pinning a name
    // to the UUID it resolves to changes nothing.
    this.imageRecord = new DataResource(this, "image", { input: { image_id: imageId } });
    this.server = new ComputeInstanceV2(this, "server", {
      name: openstackName(this, props.name),
      imageId,
      // A bare address: cdktf 0.21 renders a construct here as "${...}", which Terraform refuses in this list.
      lifecycle: { replaceTriggeredBy: [`${this.imageRecord.terraformResourceType}.${this.imageRecord.friendlyUniqueId}`] },
      flavorId: props.catalog.flavor(props.flavor).id,
      keyPair: props.keyPair.keyPairName,
      userData: typeof props.userData === "function" ? props.userData(this.privateIp) : props.userData,
      metadata: props.metadata,
      network: [{ port: this.port.id }],
      schedulerHints: props.serverGroup ? [{ group: props.serverGroup.serverGroupId }] : undefined,
    });

    if (props.floatingIp) {
      this.floatingIp = new NetworkingFloatingipV2(this, "floating-ip", {
        pool: props.network.externalNetworkName,
        description: openstackName(this, `${props.name}-fip`),
      });
      this.floatingIpAssociation = new NetworkingFloatingipAssociateV2(this, "floating-ip-association", {
        floatingIp: this.floatingIp.address,
        portId: this.port.id,
        dependsOn: [props.network.internetGateway],
      });
    }
  }

  /** The fixed IP on the application subnet, known once the port exists. */
  get privateIp(): string {
    return Fn.element(this.port.allFixedIps, 0);
  }

  /** The floating IP's address; throws when the instance has none. */
  get publicIp(): string {
    if (!this.floatingIp) throw new Error(`${this.node.path}: has no floating IP (set floatingIp: true)`);
    return this.floatingIp.address;
  }
}
