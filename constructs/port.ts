/** The transport part of a security-group rule: protocol and port range. */
export interface PortProps {
  readonly protocol: "tcp" | "udp" | "icmp";
  /** First port; omitted for "all ports" and for ICMP. */
  readonly fromPort?: number;
  /** Last port; omitted for "all ports" and for ICMP. */
  readonly toPort?: number;
  /** Human-readable form, used in rule descriptions. */
  readonly label: string;
}

/** A protocol and port range a rule admits, e.g. `Port.tcp(5672)`. */
export class Port {
  static tcp(port: number): Port {
    return new Port({ protocol: "tcp", fromPort: checkPort(port), toPort: port, label: `tcp/${port}` });
  }

  static tcpRange(from: number, to: number): Port {
    checkPort(from);
    checkPort(to);
    if (from > to) throw new Error(`Port.tcpRange: from (${from}) must be <= to (${to})`);
    return new Port({ protocol: "tcp", fromPort: from, toPort: to, label: `tcp/${from}-${to}` });
  }

  static udp(port: number): Port {
    return new Port({ protocol: "udp", fromPort: checkPort(port), toPort: port, label: `udp/${port}` });
  }

  static allTcp(): Port {
    return new Port({ protocol: "tcp", fromPort: 1, toPort: 65535, label: "tcp/all" });
  }

  static allIcmp(): Port {
    return new Port({ protocol: "icmp", label: "icmp" });
  }

  private constructor(readonly props: PortProps) {}

  /** Identity of the port for de-duplicating rules. */
  get key(): string {
    return this.props.label;
  }

  toString(): string {
    return this.props.label;
  }
}

function checkPort(port: number): number {
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new Error(`port must be an integer between 1 and 65535, got ${port}`);
  }
  return port;
}
