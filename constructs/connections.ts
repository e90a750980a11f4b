import { IPeer, Peer } from "./peer";
import { Port } from "./port";
import type { SecurityGroup } from "./security-group";

/** Anything that has security groups: a group, a server, a worker group. */
export interface IConnectable {
  readonly connections: Connections;
}

export interface ConnectionsProps {
  /** Groups that ingress rules land on. */
  readonly securityGroups: SecurityGroup[];
  /**
   * Port that `allowDefaultPortFrom` opens.
   * @default none
   */
  readonly defaultPort?: Port;
}

/**
 * Who may talk to whom, modelled on aws-cdk's `ec2.Connections`:
 * `services.connections.allowFrom(workers, Port.tcp(5672), "AMQP")` admits the
 * workers' security groups (a `remote_group_id` rule) on the services' groups.
 */
export class Connections implements IConnectable {
  readonly securityGroups: SecurityGroup[];
  readonly defaultPort?: Port;

  constructor(props: ConnectionsProps) {
    this.securityGroups = [...props.securityGroups];
    this.defaultPort = props.defaultPort;
  }

  get connections(): Connections {
    return this;
  }

  /** Admits `port` from `other`: every group of a connectable, or a CIDR peer. */
  allowFrom(other: IConnectable | IPeer, port: Port, description: string): void {
    for (const peer of peersOf(other)) {
      for (const group of this.securityGroups) group.addIngressRule(peer, port, description);
    }
  }

  /** Admits this side's default port from `other`. */
  allowDefaultPortFrom(other: IConnectable | IPeer, description: string): void {
    if (!this.defaultPort) throw new Error("allowDefaultPortFrom: these connections have no defaultPort");
    this.allowFrom(other, this.defaultPort, description);
  }

  /** Admits `port` from every CIDR in `cidrs`. */
  allowFromCidrs(cidrs: readonly string[], port: Port, description: string): void {
    for (const cidr of cidrs) this.allowFrom(Peer.ipv4(cidr), port, description);
  }
}

function peersOf(other: IConnectable | IPeer): IPeer[] {
  if ("connections" in other) return other.connections.securityGroups;
  return [other];
}
