/**
 * Security groups as the cloud enforces them at the server's port, compiled
 * to nftables in the container's own network namespace: inbound denied
 * unless a rule admits it, replies and loopback always allowed, egress open
 * (the provider keeps Neutron's default egress rules, which allow all).
 */
import { run } from "./sh";
import { LabRule } from "./topology";

const PROTOCOLS: Record<string, string> = { tcp: "tcp", udp: "udp", icmp: "icmp", "6": "tcp", "17": "udp", "1": "icmp" };

function ruleLine(rule: LabRule): string | null {
  if (rule.ethertype === "IPv6") return null; // the lab's networks are IPv4-only
  const sources = rule.sources.filter((s) => !s.includes(":"));
  if (sources.length === 0) return null; // a remote group with no members admits nobody
  const from = sources.includes("0.0.0.0/0") ? "" : `ip saddr { ${sources.join(", ")} } `;
  const comment = rule.description ? ` comment "${rule.description.replace(/["\\]/g, "'").slice(0, 120)}"` : "";
  const proto = rule.protocol ? (PROTOCOLS[rule.protocol.toLowerCase()] ?? rule.protocol) : null;
  if (proto === null) return `    ${from}accept${comment}`;
  if (proto === "icmp") {
    // For ICMP, Neutron's port_range_min/max are the ICMP type and code.
    const type = rule.portMin !== null ? ` icmp type ${rule.portMin}` : "";
    const code = rule.portMax !== null && rule.portMin !== null ? ` icmp code ${rule.portMax}` : "";
    return `    ${from}meta l4proto icmp${type}${code} accept${comment}`;
  }
  if (proto !== "tcp" && proto !== "udp") return `    ${from}meta l4proto ${proto} accept${comment}`;
  const ports =
    rule.portMin === null
      ? ""
      : rule.portMax !== null && rule.portMax !== rule.portMin
        ? ` dport ${rule.portMin}-${rule.portMax}`
        : ` dport ${rule.portMin}`;
  return ports ? `    ${from}${proto}${ports} accept${comment}` : `    ${from}meta l4proto ${proto} accept${comment}`;
}

/** The nft script for one server: replaces the table whole, so re-applying is idempotent. */
export function securityGroupRules(rules: LabRule[]): string {
  return [
    "table inet fl_sg",
    "delete table inet fl_sg",
    "table inet fl_sg {",
    "  chain input {",
    "    type filter hook input priority 0; policy drop;",
    "    ct state established,related accept",
    "    ct state invalid drop",
    '    iifname "lo" accept',
    ...rules.map(ruleLine).filter((l): l is string => l !== null),
    // Refused rather than silently dropped, so a blocked port fails fast in tests (a real cloud drops; see README).
    "    meta l4proto tcp reject with tcp reset",
    "    reject with icmpx type admin-prohibited",
    "  }",
    "}",
    "",
  ].join("\n");
}

export function applySecurityGroups(pid: number, rules: LabRule[]): void {
  run("nsenter", ["-t", String(pid), "-n", "nft", "-f", "-"], { input: securityGroupRules(rules) });
}
