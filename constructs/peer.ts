import { intToIpv4, ipv4Netmask, ipv4ToInt, isIpv4Address } from "../providers/schema/value-formats";
import { PropIssue } from "./validation";

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
  /** A CIDR peer; throws when `cidr` is not an IPv4 CIDR with its host bits zero. */
  static ipv4(cidr: string): IPeer {
    const problem = ipv4CidrIssue(cidr);
    if (problem) throw new Error(`Peer.ipv4: ${problem}`);
    return { ruleSource: { remoteIpPrefix: cidr }, peerKey: `cidr:${cidr}`, peerLabel: cidr };
  }

  static anyIpv4(): IPeer {
    return Peer.ipv4("0.0.0.0/0");
  }
}

/** What is wrong with `cidr` as an IPv4 CIDR, with a suggestion where one is obvious; undefined when nothing is. */
export function ipv4CidrIssue(cidr: string): string | undefined {
  const allowed = "must be an IPv4 CIDR with its host bits zero, such as 10.0.0.0/24";
  if (typeof cidr !== "string") return `${allowed}, got ${cidr}`;
  if (isIpv4Address(cidr)) return `${allowed}; the mask is missing in "${cidr}". Did you mean "${cidr}/32"?`;
  const m = /^([^/]+)\/(\d{1,2})$/.exec(cidr);
  if (!m || !isIpv4Address(m[1]) || Number(m[2]) > 32) return `${allowed}, got ${JSON.stringify(cidr)}`;
  const network = intToIpv4((ipv4ToInt(m[1]) & ipv4Netmask(Number(m[2]))) >>> 0);
  if (network !== m[1]) return `${allowed}; "${cidr}" has host bits set. Did you mean "${network}/${m[2]}"?`;
  return undefined;
}

/** True when `cidr` is an IPv4 CIDR with its host bits zero. */
export function isIpv4Cidr(cidr: string): boolean {
  return ipv4CidrIssue(cidr) === undefined;
}

/** The prefix length of a CIDR (`/24` is 24). */
export function prefixOf(cidr: string): number {
  return Number(cidr.split("/")[1]);
}

/** Issues for each entry of a list of CIDRs, as `<prop>.<index>`. */
export function cidrListIssues(prop: string, cidrs: readonly string[] | undefined): PropIssue[] {
  return (cidrs ?? []).flatMap((cidr, i) => {
    const message = ipv4CidrIssue(cidr);
    return message ? [{ prop: `${prop}.${i}`, message }] : [];
  });
}
