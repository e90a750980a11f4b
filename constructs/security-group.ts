import { Construct } from "constructs";
import { makeUniqueId } from "cdktf/lib/private/unique";
import { NetworkingSecgroupRuleV2 } from "../.gen/providers/openstack/networking-secgroup-rule-v2";
import { NetworkingSecgroupV2 } from "../.gen/providers/openstack/networking-secgroup-v2";
import { Connections, IConnectable } from "./connections";
import { openstackName } from "./naming";
import { IPeer } from "./peer";
import { Port } from "./port";

export interface SecurityGroupProps {
  /** Middle of the OpenStack name, `<app>-<env>-<name>-sg`. */
  readonly name: string;
  /**
   * What the group is for.
   * @default the name
   */
  readonly description?: string;
  /**
   * Port used by `connections.allowDefaultPortFrom()`.
   * @default none
   */
  readonly defaultPort?: Port;
}

/**
 * A Neutron security group. Ingress rules are added with `addIngressRule` or,
 * better, through `connections`; adding the same rule twice is a no-op
 * because Neutron rejects duplicates with 409 Conflict. Neutron's default
 * egress rules (all traffic out) are kept.
 *
 * Each rule's construct id is its content (protocol, ports, peer), so adding or
 * removing one rule plans exactly that rule, and reordering changes nothing.
 */
export class SecurityGroup extends Construct implements IPeer, IConnectable {
  readonly group: NetworkingSecgroupV2;
  readonly connections: Connections;
  private readonly rules = new Map<string, NetworkingSecgroupRuleV2>();
  private readonly label: string;

  constructor(scope: Construct, id: string, props: SecurityGroupProps) {
    super(scope, id);
    this.label = props.name;
    this.group = new NetworkingSecgroupV2(this, "group", {
      name: openstackName(this, `${props.name}-sg`),
      description: props.description ?? props.name,
    });
    this.connections = new Connections({ securityGroups: [this], defaultPort: props.defaultPort });
  }

  get securityGroupId(): string {
    return this.group.id;
  }

  get ruleSource() {
    return { remoteGroupId: this.group.id };
  }

  get peerKey(): string {
    return `group:${this.node.path}`;
  }

  get peerLabel(): string {
    return `group ${this.label}`;
  }

  /** Admits `port` from `peer`; returns the existing rule when the same one was added before. */
  addIngressRule(peer: IPeer, port: Port, description: string): NetworkingSecgroupRuleV2 {
    const key = `${peer.peerKey}|${port.key}`;
    const existing = this.rules.get(key);
    if (existing) return existing;
    const { protocol, fromPort, toPort } = port.props;
    const rule = new NetworkingSecgroupRuleV2(this, `ingress-${slug(port.key)}-from-${slug(peer.peerLabel)}`, {
      direction: "ingress",
      ethertype: "IPv4",
      protocol,
      portRangeMin: fromPort,
      portRangeMax: toPort,
      remoteIpPrefix: peer.ruleSource.remoteIpPrefix,
      remoteGroupId: peer.ruleSource.remoteGroupId,
      securityGroupId: this.group.id,
      description: `${description} (${port} from ${peer.peerLabel})`,
    });
    // Deployments made before rules were keyed by content hold this rule under its position among
    // the group's rules: a moved block carries it over instead of deleting and recreating it.
    rule.moveFromId(`${NetworkingSecgroupRuleV2.tfResourceType}.${positionalLogicalId(rule, this.rules.size)}`);
    this.rules.set(key, rule);
    return rule;
  }
}

function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "");
}

/** The logical id cdktf gave the rule when its construct id was `ingress-<position>`. */
function positionalLogicalId(rule: NetworkingSecgroupRuleV2, position: number): string {
  const scopes = rule.node.scopes;
  const components = scopes.slice(scopes.indexOf(rule.cdktfStack) + 1, -1).map((c) => c.node.id);
  return makeUniqueId([...components, `ingress-${position}`]);
}
