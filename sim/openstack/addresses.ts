/** IPv4 arithmetic for allocating fixed IPs in subnets and floating IPs from the external pool. */
import { intToIpv4, ipv4ToInt } from "../../providers/schema/value-formats";

export interface Ipv4Range {
  /** First and last usable host addresses, as integers. */
  readonly first: number;
  readonly last: number;
}

/** The host range of an IPv4 CIDR (network and broadcast addresses excluded). */
export function hostRange(cidr: string): Ipv4Range {
  const [address, prefixText] = cidr.split("/");
  const prefix = Number(prefixText);
  const size = 2 ** (32 - prefix);
  const network = Math.floor(ipv4ToInt(address) / size) * size;
  return size <= 2 ? { first: network, last: network + size - 1 } : { first: network + 1, last: network + size - 2 };
}

/** True when `ip` is inside `cidr`, its network and broadcast addresses included. */
export function inCidr(ip: string, cidr: string): boolean {
  const [base, bits] = cidr.split("/");
  const size = 2 ** (32 - Number(bits));
  return Math.floor(ipv4ToInt(ip) / size) === Math.floor(ipv4ToInt(base) / size);
}

/** The lowest address of `range` not in `used`, or null when the range is exhausted. */
export function nextFree(range: Ipv4Range, used: Set<string>): string | null {
  for (let n = range.first; n <= range.last; n++) {
    const ip = intToIpv4(n);
    if (!used.has(ip)) return ip;
  }
  return null;
}
