/**
 * Resources whose replacement or deletion loses something a new copy does
 * not bring back. Data, not code: add a rule here when a construct gains
 * such a resource. Matching is on the resource type and, where a type is
 * stateful only in one role, on the address: cdktf addresses carry the
 * construct path (`openstack_compute_instance_v2.services_server_1A2B3C4D`).
 */
export interface StatefulRule {
  /** Terraform resource type. */
  readonly type: string;
  /**
   * Only addresses matching this pattern.
   * @default every resource of the type
   */
  readonly address?: RegExp;
  /** What is lost; shown in the warning. */
  readonly loss: string;
}

export const STATEFUL_RESOURCES: readonly StatefulRule[] = [
  { type: "openstack_blockstorage_volume_v3", loss: "Cinder volume: the data on it (MySQL) is lost" },
  {
    type: "openstack_compute_instance_v2",
    address: /\.services[_-]/,
    loss: "services node: MySQL and RabbitMQ go down and everything not on its volume is lost",
  },
  { type: "openstack_objectstorage_container_v1", loss: "Swift container: its objects are lost" },
  { type: "openstack_db_instance_v1", loss: "Trove database instance: its data is lost" },
  {
    type: "random_password",
    loss: "a new password is generated: the database and queue still hold the old one",
  },
  {
    type: "openstack_networking_floatingip_v2",
    loss: "public IP address: a new address is allocated, DNS records and clients pointing at the old one break",
  },
];

/** What replacing or deleting this resource loses, or undefined when a new copy is as good. */
export function statefulLoss(resource: { readonly type: string; readonly address: string }): string | undefined {
  const rule = STATEFUL_RESOURCES.find((r) => r.type === resource.type && (r.address === undefined || r.address.test(resource.address)));
  return rule?.loss;
}

/**
 * In-place updates that are not harmless: the provider rebuilds or restarts
 * the resource instead of replacing it, so the plan says "update" while the
 * server loses its root disk or reboots.
 */
export interface DisruptiveUpdateRule {
  readonly type: string;
  /** Top-level attribute whose change triggers it. */
  readonly attribute: string;
  /** What happens; shown in the warning. */
  readonly effect: string;
}

export const DISRUPTIVE_UPDATES: readonly DisruptiveUpdateRule[] = [
  {
    type: "openstack_compute_instance_v2",
    attribute: "image_id",
    effect: "the rebuild from the new image wipes its root disk (attached volumes are kept)",
  },
  { type: "openstack_compute_instance_v2", attribute: "flavor_id", effect: "the resize to the new flavor reboots it" },
  { type: "openstack_compute_instance_v2", attribute: "flavor_name", effect: "the resize to the new flavor reboots it" },
];

/** What an in-place update of these attributes does to the resource, when it is disruptive. */
export function disruptiveEffect(type: string, changedAttributes: readonly string[]): string | undefined {
  const effects = DISRUPTIVE_UPDATES.filter((r) => r.type === type && changedAttributes.includes(r.attribute)).map((r) => r.effect);
  return effects.length > 0 ? [...new Set(effects)].join("; ") : undefined;
}
