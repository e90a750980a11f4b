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
export function statefulLoss(
  resource: { readonly type: string; readonly address: string },
  rules: readonly StatefulRule[] = STATEFUL_RESOURCES,
): string | undefined {
  const rule = rules.find((r) => r.type === resource.type && (r.address === undefined || r.address.test(resource.address)));
  return rule?.loss;
}
