import { Construct } from "constructs";
import { ComputeServergroupV2 } from "../.gen/providers/openstack/compute-servergroup-v2";
import { openstackName } from "./naming";

export type PlacementPolicy = "anti-affinity" | "soft-anti-affinity" | "affinity" | "soft-affinity";

export interface ServerGroupProps {
  /** Middle of the OpenStack name, `<app>-<env>-<name>-group`. */
  readonly name: string;
  /**
   * `anti-affinity` fails to boot when hosts run out; `soft-anti-affinity` spreads when it can.
   * @default "soft-anti-affinity"
   */
  readonly policy?: PlacementPolicy;
}

/** A Nova server group: where the scheduler may place its members. */
export class ServerGroup extends Construct {
  readonly group: ComputeServergroupV2;

  constructor(scope: Construct, id: string, props: ServerGroupProps) {
    super(scope, id);
    this.group = new ComputeServergroupV2(this, "group", {
      name: openstackName(this, `${props.name}-group`),
      policies: [props.policy ?? "soft-anti-affinity"],
    });
  }

  get serverGroupId(): string {
    return this.group.id;
  }
}
