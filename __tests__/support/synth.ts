import { Construct } from "constructs";
import { Testing } from "cdktf";
import { AppNetwork } from "../../constructs/app-network";
import { ComputeCatalog } from "../../constructs/compute-catalog";
import { KeyPair } from "../../constructs/key-pair";
import { setNamePrefix } from "../../constructs/naming";

export const PUBLIC_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJN/eXtAgecTA2yZJA6raM2h3bVrNOikOIBuudIM/Qwo test";

/** What most constructs need around them: a named scope, a network, a catalog and a key pair. */
export interface Fixture {
  readonly scope: Construct;
  readonly network: AppNetwork;
  readonly catalog: ComputeCatalog;
  readonly keyPair: KeyPair;
}

/** Synthesizes what `build` adds to a fresh stack and returns the parsed Terraform JSON. */
export function synthWith(build: (f: Fixture) => void): TerraformJson {
  const json = Testing.synthScope((scope) => {
    setNamePrefix(scope, "t-test");
    const network = new AppNetwork(scope, "network", { cidr: "10.0.0.0/24" });
    const catalog = new ComputeCatalog(scope, "catalog");
    const keyPair = new KeyPair(scope, "key-pair", { publicKey: PUBLIC_KEY });
    build({ scope, network, catalog, keyPair });
  });
  return JSON.parse(json);
}

export interface TerraformJson {
  resource?: Record<string, Record<string, Record<string, any>>>;
  data?: Record<string, Record<string, Record<string, any>>>;
  output?: Record<string, any>;
  [key: string]: any;
}

/** The stack as Testing.synth gives it, for cdktf's own matchers (`expect(synthesized(json)).toHaveResourceWithProperties(...)`). */
export function synthesized(json: TerraformJson): string {
  return JSON.stringify(json);
}

/** All resources of one type, as [logical id, body] pairs. */
export function resources(json: TerraformJson, type: string): [string, Record<string, any>][] {
  return Object.entries(json.resource?.[type] ?? {});
}

/** The only resource of a type; fails when there are none or several. */
export function single(json: TerraformJson, type: string): Record<string, any> {
  const all = resources(json, type);
  if (all.length !== 1) throw new Error(`expected exactly one ${type}, found ${all.length}`);
  return all[0][1];
}

/** The Terraform address (`type.id`) of the only resource of a type. */
export function addressOf(json: TerraformJson, type: string): string {
  const all = resources(json, type);
  if (all.length !== 1) throw new Error(`expected exactly one ${type}, found ${all.length}`);
  return `${type}.${all[0][0]}`;
}
