import { Construct } from "constructs";
import { AppNetwork } from "./app-network";
import { ComputeCatalog } from "./compute-catalog";
import { Connections, IConnectable } from "./connections";
import { Instance } from "./instance";
import { KeyPair } from "./key-pair";
import { cidrListIssues } from "./peer";
import { Port } from "./port";
import { SecurityGroup } from "./security-group";
import { PropIssue, throwIfInvalid } from "./validation";

/** SSH's port. */
export const SSH_PORT = 22;
/**
 * The bastion's flavor unless told otherwise: the smallest of DevStack's m1.* flavors whose
 * disk holds an Ubuntu cloud image (m1.tiny's 1 GiB does not; its 512 MiB would not run cloud-init well either).
 */
export const DEFAULT_BASTION_FLAVOR = "m1.small";
/** The login user of Ubuntu's cloud images, which config/common.ts's images are (Debian's are `debian`). */
export const DEFAULT_LOGIN_USER = "ubuntu";
/** A login name the image's cloud-init can create: lower case, at most 32 characters. */
const LOGIN_USER = /^[a-z_][a-z0-9_-]{0,31}$/;

/**
 * Keys only: the bastion is the one server the admin networks reach, and it runs nothing else
 * (no app, no packages), so its user data stays this small and never changes.
 */
const BASTION_USER_DATA = "#cloud-config\nssh_pwauth: false\ndisable_root: true\n";

export interface BastionProps {
  readonly network: AppNetwork;
  readonly catalog: ComputeCatalog;
  /** The key pair the operators log in with, on the bastion and on the servers behind it. */
  readonly keyPair: KeyPair;
  /** Image name or UUID: the same image as the servers behind it, so it has the same login user. */
  readonly image: string;
  /** IPv4 CIDRs allowed to SSH to the bastion: at least one; nothing else reaches it. */
  readonly adminCidrs: readonly string[];
  /**
   * Flavor name.
   * @default "m1.small"
   */
  readonly flavor?: string;
  /**
   * The image's login user (cloud-init's default user), for the `ssh -J` example.
   * @default "ubuntu"
   */
  readonly loginUser?: string;
}

/**
 * An SSH jump host: one small server with a floating IP, in a security group
 * that admits SSH from the admin CIDRs and nothing else. The servers behind it
 * admit SSH from this group only, through `allowSshTo(server)`; they never
 * admit the admin CIDRs themselves.
 *
 * ```sh
 * ssh -J ubuntu@<bastion's floating IP> ubuntu@<server's fixed IP>
 * ```
 */
export class Bastion extends Construct implements IConnectable {
  readonly securityGroup: SecurityGroup;
  readonly connections: Connections;
  readonly instance: Instance;
  readonly loginUser: string;

  constructor(scope: Construct, id: string, props: BastionProps) {
    super(scope, id);
    throwIfInvalid(this, bastionIssues(props));
    this.loginUser = props.loginUser ?? DEFAULT_LOGIN_USER;
    this.securityGroup = new SecurityGroup(this, "security-group", {
      name: "bastion",
      description: "SSH jump host",
      defaultPort: Port.tcp(SSH_PORT),
    });
    this.connections = this.securityGroup.connections;
    this.connections.allowFromCidrs(props.adminCidrs, Port.tcp(SSH_PORT), "SSH from admin network");

    this.instance = new Instance(this, "server", {
      name: "bastion",
      network: props.network,
      catalog: props.catalog,
      image: props.image,
      flavor: props.flavor ?? DEFAULT_BASTION_FLAVOR,
      keyPair: props.keyPair,
      securityGroups: [this.securityGroup],
      floatingIp: true,
      userData: BASTION_USER_DATA,
    });
  }

  /** The floating IP operators connect to. */
  get publicIp(): string {
    return this.instance.publicIp;
  }

  /** Admits SSH on `other`'s security groups from the bastion's group only (a remote_group_id rule). */
  allowSshTo(other: IConnectable): void {
    other.connections.allowFrom(this, Port.tcp(SSH_PORT), "SSH from the bastion");
  }

  /** `ssh -J <user>@<bastion> <user>@<host>`: how to reach `host` (a fixed IP) through the bastion. */
  sshCommand(host: string): string {
    return `ssh -J ${this.loginUser}@${this.publicIp} ${this.loginUser}@${host}`;
  }
}

/** What Bastion refuses in its props (the config loader reports the same against `access.adminCidrs` and `access.loginUser`). */
export function bastionIssues(props: Partial<Pick<BastionProps, "adminCidrs" | "loginUser">>): PropIssue[] {
  const issues: PropIssue[] = [];
  if (!props.adminCidrs || props.adminCidrs.length === 0) {
    issues.push({
      prop: "adminCidrs",
      message: "must name at least one IPv4 CIDR (a bastion nobody may reach serves no one); leave the bastion out instead",
    });
  }
  issues.push(...cidrListIssues("adminCidrs", props.adminCidrs));
  if (props.loginUser !== undefined && (typeof props.loginUser !== "string" || !LOGIN_USER.test(props.loginUser))) {
    issues.push({
      prop: "loginUser",
      message: `must be a login name (lower case letters, digits, '_' and '-', at most 32 characters, such as "ubuntu" or "debian"), got ${JSON.stringify(props.loginUser)}`,
    });
  }
  return issues;
}
