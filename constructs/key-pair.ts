import { Construct } from "constructs";
import { ComputeKeypairV2 } from "../.gen/providers/openstack/compute-keypair-v2";
import { openstackName } from "./naming";

export interface KeyPairProps {
  /** An OpenSSH public key. A private key is refused: Nova would store it, and Terraform state too. */
  readonly publicKey: string;
}

/** A Nova key pair imported from the operators' public key. */
export class KeyPair extends Construct {
  readonly keyPair: ComputeKeypairV2;

  constructor(scope: Construct, id: string, props: KeyPairProps) {
    super(scope, id);
    if (/PRIVATE KEY/.test(props.publicKey) || !/^(ssh-|ecdsa-)/.test(props.publicKey.trim())) {
      throw new Error(`${this.node.path}: publicKey must be an OpenSSH public key ('ssh-ed25519 AAAA...'), never a private key`);
    }
    this.keyPair = new ComputeKeypairV2(this, "keypair", {
      name: openstackName(this, "key"),
      publicKey: props.publicKey.trim(),
    });
  }

  get keyPairName(): string {
    return this.keyPair.name;
  }
}
