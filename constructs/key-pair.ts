import { Construct } from "constructs";
import { ComputeKeypairV2 } from "../.gen/providers/openstack/compute-keypair-v2";
import { openstackName } from "./naming";
import { PropIssue, throwIfInvalid } from "./validation";

/** An OpenSSH public key line: type, base64 body, optional comment. */
const PUBLIC_KEY = /^(ssh-ed25519|ssh-rsa|ecdsa-sha2-nistp(256|384|521)) [A-Za-z0-9+/]+={0,3}( .*)?$/;

export interface KeyPairProps {
  /**
   * An OpenSSH public key (`ssh-ed25519`, `ssh-rsa` or `ecdsa-sha2-nistp256/384/521`); surrounding
   * whitespace is dropped. A private key is refused: Nova would store it, and Terraform state too.
   */
  readonly publicKey: string;
}

/** A Nova key pair imported from the operators' public key. */
export class KeyPair extends Construct {
  readonly keyPair: ComputeKeypairV2;

  constructor(scope: Construct, id: string, props: KeyPairProps) {
    super(scope, id);
    throwIfInvalid(this, keyPairIssues(props));
    this.keyPair = new ComputeKeypairV2(this, "keypair", {
      name: openstackName(this, "key"),
      publicKey: props.publicKey.trim(),
    });
  }

  get keyPairName(): string {
    return this.keyPair.name;
  }
}

/** What KeyPair refuses in its props (the config loader reports the same against `access.publicKey`). */
export function keyPairIssues(props: KeyPairProps): PropIssue[] {
  const key = props.publicKey;
  // Never echo a private key, not even in an error message.
  if (typeof key === "string" && key.includes("PRIVATE KEY")) {
    return [
      {
        prop: "publicKey",
        message: "must be a public key, never a private key: put the .pub file's one line here (e.g. ~/.ssh/id_ed25519.pub)",
      },
    ];
  }
  if (typeof key !== "string" || !PUBLIC_KEY.test(key.trim())) {
    const shown = typeof key === "string" ? JSON.stringify(key.length > 40 ? `${key.slice(0, 40)}...` : key) : String(key);
    return [
      {
        prop: "publicKey",
        message: `must be an OpenSSH public key ('ssh-ed25519 AAAA...', 'ssh-rsa AAAA...' or 'ecdsa-sha2-nistp256 AAAA...'), got ${shown}`,
      },
    ];
  }
  return [];
}
