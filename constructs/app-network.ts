import { Construct } from "constructs";
import { ITerraformDependable } from "cdktf";
import { DataOpenstackNetworkingNetworkV2 } from "../.gen/providers/openstack/data-openstack-networking-network-v2";
import { NetworkingNetworkV2 } from "../.gen/providers/openstack/networking-network-v2";
import { NetworkingRouterInterfaceV2 } from "../.gen/providers/openstack/networking-router-interface-v2";
import { NetworkingRouterV2 } from "../.gen/providers/openstack/networking-router-v2";
import { NetworkingSubnetV2 } from "../.gen/providers/openstack/networking-subnet-v2";
import { isIpv4Address } from "../providers/schema/value-formats";
import { openstackName } from "./naming";
import { ipv4CidrIssue, prefixOf } from "./peer";
import { PropIssue, throwIfInvalid } from "./validation";

/** Resolvers DHCP hands out when the props name none. */
export const DEFAULT_DNS_NAMESERVERS: readonly string[] = ["1.1.1.1", "9.9.9.9"];
/** The external network's usual name. */
export const DEFAULT_EXTERNAL_NETWORK = "public";
/** Neutron's limit on a subnet's nameservers (its default `max_dns_nameservers`). */
const MAX_DNS_NAMESERVERS = 5;

export interface AppNetworkProps {
  /** IPv4 CIDR of the application subnet, with its host bits zero and a prefix length from /16 to /28. */
  readonly cidr: string;
  /**
   * Resolvers handed out by DHCP: one to five IPv4 addresses.
   * @default ["1.1.1.1", "9.9.9.9"]
   */
  readonly dnsNameservers?: readonly string[];
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
    throwIfInvalid(this, appNetworkIssues(props));
    this.subnetCidr = props.cidr;

    this.externalNetwork = new DataOpenstackNetworkingNetworkV2(this, "external", {
      name: props.externalNetworkName ?? DEFAULT_EXTERNAL_NETWORK,
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
      dnsNameservers: [...(props.dnsNameservers ?? DEFAULT_DNS_NAMESERVERS)],
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

/** What AppNetwork refuses in its props (the config loader reports the same against `network.*`). */
export function appNetworkIssues(props: Pick<AppNetworkProps, "cidr" | "dnsNameservers">): PropIssue[] {
  const issues: PropIssue[] = [];
  const cidr = ipv4CidrIssue(props.cidr);
  if (cidr) issues.push({ prop: "cidr", message: cidr });
  else if (prefixOf(props.cidr) < 16 || prefixOf(props.cidr) > 28) {
    issues.push({ prop: "cidr", message: `must have a prefix length between /16 and /28, got /${prefixOf(props.cidr)}` });
  }
  const servers = props.dnsNameservers;
  if (servers !== undefined) {
    if (servers.length === 0) issues.push({ prop: "dnsNameservers", message: "needs at least one nameserver" });
    if (servers.length > MAX_DNS_NAMESERVERS) {
      issues.push({
        prop: "dnsNameservers",
        message: `at most ${MAX_DNS_NAMESERVERS} nameservers (Neutron's limit), got ${servers.length}`,
      });
    }
    servers.forEach((s, i) => {
      if (!isIpv4Address(s))
        issues.push({ prop: `dnsNameservers.${i}`, message: `must be an IPv4 address such as 192.0.2.10, got ${JSON.stringify(s)}` });
    });
  }
  return issues;
}
