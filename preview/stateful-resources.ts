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
    loss: "services node: MySQL and RabbitMQ stop, and whatever is on its root disk is lost (the database on its Cinder volume is kept)",
  },
  {
    // The all-in-one controller (dev) keeps MySQL and RabbitMQ on its root disk; the API servers of a tiered stack do not.
    type: "openstack_compute_instance_v2",
    address: /\.controller_server_/,
    loss: "all-in-one controller: MySQL and RabbitMQ keep their data on its root disk, so the database and the queue are lost",
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
 * In-place updates that are not harmless: the provider rebuilds or resizes
 * the server instead of replacing it, so the plan says "update" while the
 * server reboots, and a rebuild also rewrites its root disk.
 */
export interface DisruptiveUpdateRule {
  readonly type: string;
  /** Top-level attribute whose change triggers it. */
  readonly attribute: string;
  /** What the provider does. */
  readonly action: "rebuild" | "resize";
}

export const DISRUPTIVE_UPDATES: readonly DisruptiveUpdateRule[] = [
  { type: "openstack_compute_instance_v2", attribute: "image_id", action: "rebuild" },
  { type: "openstack_compute_instance_v2", attribute: "image_name", action: "rebuild" },
  { type: "openstack_compute_instance_v2", attribute: "flavor_id", action: "resize" },
  { type: "openstack_compute_instance_v2", attribute: "flavor_name", action: "resize" },
];

/**
 * What each way of changing a server does to its root disk and its
 * addresses: the words the comment uses. A resize keeps the disk; a rebuild
 * keeps the server (its ID, ports and volumes) but rewrites the disk; a
 * replacement is a new server.
 */
export const SERVER_EFFECTS = {
  rebuild: "rebuild from the new image: root disk wiped; ID, addresses and attached volumes kept",
  resize: "resize to the new flavor: it reboots; root disk, addresses and attached volumes kept",
  rebuildAndResize: "rebuild from the new image and resize: root disk wiped; ID, addresses and attached volumes kept",
  replaceOnPort:
    "new server: new root disk (what was on the old one is lost); fixed and floating addresses kept (they live on its own port)",
  replace: "new server: new root disk (what was on the old one is lost) and a new fixed address",
} as const;

/** What an update, or a replacement, does to the resource, when it is more than a change of settings. */
export interface ChangeEffect {
  readonly effect: string;
  /** The root disk is rewritten: stateful resources lose what they keep there. */
  readonly wipesDisk: boolean;
}

/** The effect of an in-place update that changes these top-level attributes, when it is disruptive. */
export function disruptiveEffect(type: string, changedAttributes: readonly string[]): ChangeEffect | undefined {
  const actions = new Set(
    DISRUPTIVE_UPDATES.filter((r) => r.type === type && changedAttributes.includes(r.attribute)).map((r) => r.action),
  );
  if (actions.has("rebuild") && actions.has("resize")) return { effect: SERVER_EFFECTS.rebuildAndResize, wipesDisk: true };
  if (actions.has("rebuild")) return { effect: SERVER_EFFECTS.rebuild, wipesDisk: true };
  if (actions.has("resize")) return { effect: SERVER_EFFECTS.resize, wipesDisk: false };
  return undefined;
}

/**
 * What replacing a server does to its disk and addresses; `before` is its
 * current attributes (a server attached through a port it does not own
 * keeps that port's addresses).
 */
export function replacementEffect(type: string, before: unknown): ChangeEffect | undefined {
  if (type !== "openstack_compute_instance_v2") return undefined;
  const networks = (before as { network?: unknown } | null)?.network;
  const onPort =
    Array.isArray(networks) &&
    networks.length > 0 &&
    networks.every((n) => typeof (n as { port?: unknown })?.port === "string" && (n as { port: string }).port !== "");
  return { effect: onPort ? SERVER_EFFECTS.replaceOnPort : SERVER_EFFECTS.replace, wipesDisk: true };
}
