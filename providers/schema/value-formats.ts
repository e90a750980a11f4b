/**
 * The value formats the provider's validations check, with the syntax of the
 * Go functions behind them, so that the conformance checker, the simulator
 * and the config schema accept and refuse exactly the same strings:
 *
 * - addresses: Go's `net.ParseIP` / `net.ParseCIDR` (SDKv2's `IsIPAddress`,
 *   `IsCIDR`): no leading zeros in IPv4 octets (Go >= 1.17), no IPv6 zone
 *   (`fe80::1%eth0`), `::` standing for at least one group of zeros;
 * - `IsRFC3339Time`: Go's `time.Parse(time.RFC3339, ...)`, calendar checked
 *   (no February 30th, no hour 24);
 * - `IsUUID`: go-uuid's `ParseUUID`.
 *
 * Regular expressions are checked with JavaScript's engine: Go's RE2 refuses
 * some patterns JavaScript accepts (look-around, back-references), so a
 * pattern that passes here can still fail on the real provider.
 */

/** Dotted-decimal IPv4 as Go parses it: four octets 0-255, no leading zeros. */
export function isIpv4Address(s: string): boolean {
  const octets = s.split(".");
  return octets.length === 4 && octets.every((o) => /^(0|[1-9]\d{0,2})$/.test(o) && Number(o) <= 255);
}

/** A dotted-decimal IPv4 address as an unsigned 32-bit integer (the address must be valid). */
export function ipv4ToInt(ip: string): number {
  return ip.split(".").reduce((n, octet) => (n * 256 + Number(octet)) >>> 0, 0);
}

/** The inverse of ipv4ToInt: an unsigned 32-bit integer in dotted decimal. */
export function intToIpv4(n: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join(".");
}

/** The netmask of an IPv4 prefix length, as an unsigned 32-bit integer (/24 is 255.255.255.0). */
export function ipv4Netmask(prefix: number): number {
  return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
}

/** IPv6 as Go parses it: eight hex groups of 1-4 digits, one `::` for at least one of them, an IPv4 tail allowed, no zone. */
export function isIpv6Address(s: string): boolean {
  if (!/^[0-9a-fA-F:.]+$/.test(s) || !s.includes(":")) return false;
  const halves = s.split("::");
  if (halves.length > 2) return false;
  const groups = halves.flatMap((h) => (h === "" ? [] : h.split(":")));
  const last = groups[groups.length - 1];
  const ipv4Tail = last !== undefined && last.includes(".");
  if (ipv4Tail && !isIpv4Address(last)) return false;
  const hexGroups = ipv4Tail ? groups.slice(0, -1) : groups;
  if (!hexGroups.every((g) => /^[0-9a-fA-F]{1,4}$/.test(g))) return false;
  const count = hexGroups.length + (ipv4Tail ? 2 : 0);
  return halves.length === 2 ? count < 8 : count === 8;
}

/** `net.ParseIP(s) != nil`. */
export function isIpAddress(s: string): boolean {
  return isIpv4Address(s) || isIpv6Address(s);
}

/** `net.ParseCIDR`: an address and a prefix length valid for its family; host bits may be set. */
export function isCidr(s: string): boolean {
  const m = /^([^/]+)\/(\d+)$/.exec(s);
  if (!m) return false;
  const bits = Number(m[2]);
  return (isIpv4Address(m[1]) && bits <= 32) || (isIpv6Address(m[1]) && bits <= 128);
}

/** go-uuid's `ParseUUID`: 8-4-4-4-12 hex digits, either case. */
export function isUuid(s: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(s);
}

/** `time.Parse(time.RFC3339, s)`: upper-case T and Z, optional fraction, a date that exists. */
export function isRfc3339Time(s: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-](\d{2}):(\d{2}))$/.exec(s);
  if (!m) return false;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number);
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const daysInMonth = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
  const offsetOk = m[8] === "Z" || (Number(m[9]) <= 23 && Number(m[10]) <= 59);
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth && hour <= 23 && minute <= 59 && second <= 59 && offsetOk;
}

/** The parsed JSON, or undefined when `s` is not JSON. */
export function parseJson(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return undefined;
  }
}

/** Whether `s` compiles as a regular expression (JavaScript's syntax; see above). */
export function compilesAsRegExp(s: string): boolean {
  try {
    new RegExp(s);
    return true;
  } catch {
    return false;
  }
}
