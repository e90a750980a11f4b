/** Where traffic admitted by a rule comes from: a CIDR or another security group. */
export interface IPeer {
  /** The rule fields that name this peer. */
  readonly ruleSource: { readonly remoteIpPrefix?: string; readonly remoteGroupId?: string };
  /** Identity of the peer for de-duplicating rules. */
  readonly peerKey: string;
  /** Human-readable form, used in rule descriptions. */
  readonly peerLabel: string;
}

/** Factory for CIDR peers; security groups are peers themselves. */
export class Peer {
  static ipv4(cidr: string): IPeer {
    return { ruleSource: { remoteIpPrefix: cidr }, peerKey: `cidr:${cidr}`, peerLabel: cidr };
  }

  static anyIpv4(): IPeer {
    return Peer.ipv4("0.0.0.0/0");
  }
}
