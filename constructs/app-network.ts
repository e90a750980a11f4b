import { Construct } from "constructs";
import { ITerraformDependable } from "cdktf";
import { DataOpenstackNetworkingNetworkV2 } from "../.gen/providers/openstack/data-openstack-networking-network-v2";
import { NetworkingNetworkV2 } from "../.gen/providers/openstack/networking-network-v2";
import { NetworkingRouterInterfaceV2 } from "../.gen/providers/openstack/networking-router-interface-v2";
import { NetworkingRouterV2 } from "../.gen/providers/openstack/networking-router-v2";
import { NetworkingSubnetV2 } from "../.gen/providers/openstack/networking-subnet-v2";
import { openstackName } from "./naming";

export interface AppNetworkProps {
  /** IPv4 CIDR of the application subnet. */
  readonly cidr: string;
  /**
   * Resolvers handed out by DHCP.
   * @default ["1.1.1.1", "9.9.9.9"]
   */
  readonly dnsNameservers?: string[];
  /**
   * Name of the external (provider) network for the router's gateway and floating IPs.
   * @default "public"
   */
  readonly externalNetworkName?: string;
}

/**
 * A tenant network with one subnet, routed to an external network.
 *
 * Floating IPs on this subnet only work once the router interface exists
 * (Neutron answers "External network ... is not reachable from subnet"
 * otherwise): depend on `internetGateway`.
 */
export class AppNetwork extends Construct {
  readonly network: NetworkingNetworkV2;
  readonly subnet: NetworkingSubnetV2;
  readonly router: NetworkingRouterV2;
  readonly routerInterface: NetworkingRouterInterfaceV2;
  /** The external network, found by name. */
  readonly externalNetwork: DataOpenstackNetworkingNetworkV2;
  /** The subnet's CIDR, known at synth time. */
  readonly subnetCidr: string;
  /** What anything reaching the subnet from outside (floating IPs, load balancer VIPs) must wait for. */
  readonly internetGateway: ITerraformDependable;

  constructor(scope: Construct, id: string, props: AppNetworkProps) {
    super(scope, id);
    this.subnetCidr = props.cidr;

    this.externalNetwork = new DataOpenstackNetworkingNetworkV2(this, "external", {
      name: props.externalNetworkName ?? "public",
      external: true,
    });
    this.network = new NetworkingNetworkV2(this, "network", {
      name: openstackName(this, "net"),
      adminStateUp: true,
    });
    this.subnet = new NetworkingSubnetV2(this, "subnet", {
      name: openstackName(this, "subnet"),
      networkId: this.network.id,
      cidr: props.cidr,
      ipVersion: 4,
      dnsNameservers: props.dnsNameservers ?? ["1.1.1.1", "9.9.9.9"],
    });
    this.router = new NetworkingRouterV2(this, "router", {
      name: openstackName(this, "router"),
      adminStateUp: true,
      externalNetworkId: this.externalNetwork.id,
    });
    this.routerInterface = new NetworkingRouterInterfaceV2(this, "router-interface", {
      routerId: this.router.id,
      subnetId: this.subnet.id,
    });
    this.internetGateway = this.routerInterface;
  }

  /** Name of the external network, the pool floating IPs come from. */
  get externalNetworkName(): string {
    return this.externalNetwork.name;
  }
}
