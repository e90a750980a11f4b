/**
 * Nova and Cinder: servers on ports, key pairs, server groups, volumes and
 * their attachments.
 */
import { createHash, generateKeyPairSync } from "node:crypto";
import { isObject, Value, ValueObject } from "../protocol/cty";
import { CloudError } from "../provider/diagnostics";
import { FLAVORS, imagesOf } from "./catalogue";
import { CloudObject } from "./cloud";
import { ApplyContext, fill, mustFind, objects, ResourceModel, str, strings } from "./model";
import { createPort, NETWORK, PORT, SECGROUP } from "./networking";

export const INSTANCE = "openstack_compute_instance_v2";
const KEYPAIR = "openstack_compute_keypair_v2";
export const SERVER_GROUP = "openstack_compute_servergroup_v2";
const VOLUME = "openstack_blockstorage_volume_v3";
const VOLUME_ATTACH = "openstack_compute_volume_attach_v2";

/** Resolves flavor and image the way Nova does at boot, filling the half the config left out. */
function resolveFlavorAndImage(ctx: ApplyContext, state: ValueObject): void {
  const flavor = FLAVORS.find((f) => f.id === state.flavor_id || (str(state.flavor_id) === null && f.name === state.flavor_name));
  if (!flavor) throw new CloudError(400, `Flavor ${String(str(state.flavor_id) ?? state.flavor_name)} could not be found.`);
  fill(state, "flavor_id", flavor.id);
  fill(state, "flavor_name", flavor.name);
  const bootsFromVolume = objects(state.block_device).some((b) => b.source_type === "volume" || b.destination_type === "volume");
  if (bootsFromVolume && !str(state.image_id) && !str(state.image_name)) {
    fill(state, "image_id", "");
    fill(state, "image_name", "");
    return;
  }
  const image = imagesOf(ctx.cloud).find((i) => i.id === state.image_id || (str(state.image_id) === null && i.name === state.image_name));
  if (!image) throw new CloudError(400, `Image ${String(str(state.image_id) ?? state.image_name)} could not be found.`);
  if (flavor.disk > 0 && flavor.disk < image.minDiskGb) throw new CloudError(400, "Flavor's disk is too small for requested image.");
  fill(state, "image_id", image.id);
  fill(state, "image_name", image.name);
}

/** Plugs the server's NICs: an existing port, or a new port on a network. */
function plugNetworks(ctx: ApplyContext, serverId: string, state: ValueObject): CloudObject[] {
  const ports: CloudObject[] = [];
  for (const nic of objects(state.network)) {
    let port: CloudObject;
    if (str(nic.port)) {
      port = mustFind(ctx, PORT, nic.port, "Port");
      if (str(port.state.device_id) && port.state.device_id !== serverId) {
        throw new CloudError(409, `Port ${port.id} is still in use.`);
      }
      port.state = { ...port.state, device_id: serverId, device_owner: "compute:nova" };
    } else {
      const network = mustFind(ctx, NETWORK, nic.uuid, "Network");
      port = createPort(ctx, { networkId: network.id, deviceId: serverId, deviceOwner: "compute:nova", owner: serverId });
      if (str(nic.fixed_ip_v4)) port.state.all_fixed_ips = [String(nic.fixed_ip_v4)];
    }
    const networkObject = ctx.cloud.get(NETWORK, String(port.state.network_id));
    fill(nic, "port", port.id);
    fill(nic, "uuid", port.state.network_id);
    fill(nic, "name", networkObject?.state.name ?? "");
    fill(nic, "fixed_ip_v4", strings(port.state.all_fixed_ips)[0] ?? "");
    fill(nic, "fixed_ip_v6", "");
    fill(nic, "mac", port.state.mac_address);
    ports.push(port);
  }
  return ports;
}

function groupNames(ctx: ApplyContext, ports: CloudObject[]): string[] {
  const ids = new Set(ports.flatMap((p) => strings(p.state.all_security_group_ids)));
  const names = ctx.cloud
    .list(SECGROUP)
    .filter((g) => ids.has(g.id))
    .map((g) => String(g.state.name));
  return names.length > 0 ? names : ["default"];
}

/** FRACTALS_SIM_HYPERVISORS: how many compute hosts the simulated cloud has (hard anti-affinity runs out at this many). */
function hypervisorCount(env: NodeJS.ProcessEnv = process.env): number {
  const count = Number(env.FRACTALS_SIM_HYPERVISORS || 4);
  return Number.isInteger(count) && count > 0 ? count : 4;
}

/** Nova's scheduler under a hard anti-affinity policy: one member per hypervisor, then no valid host. */
function schedule(ctx: ApplyContext, group: CloudObject): void {
  if (!strings(group.state.policies).includes("anti-affinity")) return;
  const members = ctx.cloud.list(INSTANCE).filter((i) => objects(i.state.scheduler_hints).some((h) => h.group === group.id)).length;
  const hosts = hypervisorCount();
  if (members >= hosts) {
    throw new CloudError(
      500,
      `No valid host was found. There are not enough hosts available. ` +
        `(server group ${group.id} has the anti-affinity policy and ${members} members on ${hosts} hypervisors)`,
    );
  }
}

/** Nova's scheduler for a server that names `groupId` in its scheduler hints (Terraform's or a Heat member's). */
export function scheduleInGroup(ctx: ApplyContext, groupId: Value | undefined): void {
  schedule(ctx, mustFind(ctx, SERVER_GROUP, groupId, "Server group"));
}

const instance: ResourceModel = {
  create(ctx, state) {
    resolveFlavorAndImage(ctx, state);
    const keyName = str(state.key_pair);
    if (keyName && !ctx.cloud.get(KEYPAIR, keyName)) throw new CloudError(400, `Invalid key_name provided.`);
    for (const name of strings(state.security_groups)) {
      if (name !== "default" && !ctx.cloud.list(SECGROUP).some((g) => g.state.name === name || g.id === name)) {
        throw new CloudError(400, `Security group ${name} not found for project.`);
      }
    }
    const hints = objects(state.scheduler_hints)[0];
    if (hints && str(hints.group)) scheduleInGroup(ctx, hints.group);
    const ports = plugNetworks(ctx, String(state.id), state);
    const nics = objects(state.network);
    const access = nics.find((n) => n.access_network === true) ?? nics[0];
    fill(state, "access_ip_v4", access && isObject(access) ? access.fixed_ip_v4 : "");
    fill(state, "access_ip_v6", "");
    fill(state, "security_groups", groupNames(ctx, ports));
    fill(state, "all_metadata", state.metadata ?? {});
    fill(state, "all_tags", state.tags ?? []);
    fill(state, "power_state", "active");
    // Nova keeps the user data it was given (the metadata service serves it); Terraform's state holds only its SHA-1.
    const userData = ctx.config()?.user_data;
    if (typeof userData === "string" && userData !== "") ctx.extras.nova = { userData };
  },
  update(ctx, _prior, state) {
    resolveFlavorAndImage(ctx, state);
    fill(state, "all_metadata", state.metadata ?? {});
    fill(state, "all_tags", state.tags ?? []);
  },
  delete(ctx, state) {
    for (const port of ctx.cloud.list(PORT)) {
      if (port.state.device_id === state.id && !port.owner) port.state = { ...port.state, device_id: "", device_owner: "" };
    }
    // Nova detaches volumes from a deleted server.
    for (const attach of ctx.cloud.list(VOLUME_ATTACH)) {
      if (attach.state.instance_id === state.id) detach(ctx, attach.state);
    }
  },
};

const keypair: ResourceModel = {
  idFor: (_ctx, state) => String(state.name),
  create(ctx, state) {
    if (ctx.cloud.get(KEYPAIR, String(state.name))) throw new CloudError(409, `Key pair '${String(state.name)}' already exists.`);
    const given = str(state.public_key);
    if (given && !isOpenSshPublicKey(given)) throw new CloudError(400, "Keypair data is invalid: failed to generate fingerprint");
    if (given === null) {
      const generated = generateEd25519();
      fill(state, "public_key", generated.publicKey);
      fill(state, "private_key", generated.privateKey);
    }
    fill(state, "private_key", "");
    fill(state, "fingerprint", fingerprint(String(state.public_key)));
  },
};

const serverGroup: ResourceModel = {
  create(_ctx, state) {
    fill(state, "policies", []);
    fill(state, "members", []);
  },
};

const volume: ResourceModel = {
  create(_ctx, state) {
    fill(state, "volume_type", "lvmdriver-1");
    fill(state, "attachment", []);
    fill(state, "metadata", {});
  },
  update(_ctx, prior, state) {
    if (typeof prior.size === "number" && typeof state.size === "number" && state.size < prior.size) {
      throw new CloudError(400, "Invalid input received: New size for extend must be greater than current size.");
    }
  },
  delete(ctx, state) {
    if (ctx.cloud.list(VOLUME_ATTACH).some((a) => a.state.volume_id === state.id)) {
      throw new CloudError(
        400,
        "Invalid volume: Volume status must be available or error or error_restoring or error_extending " +
          "or error_managing and must not be migrating, attached, belong to a group, have snapshots or be disassociated from snapshots after volume transfer.",
      );
    }
  },
};

const volumeAttach: ResourceModel = {
  idFor: (_ctx, state) => `${String(state.instance_id)}/${String(state.volume_id)}`,
  create(ctx, state) {
    const server = mustFind(ctx, INSTANCE, state.instance_id, "Instance");
    const disk = mustFind(ctx, VOLUME, state.volume_id, "Volume");
    const attachments = ctx.cloud.list(VOLUME_ATTACH);
    if (state.multiattach !== true && attachments.some((a) => a.state.volume_id === disk.id)) {
      throw new CloudError(400, `Invalid volume: volume ${disk.id} already attached`);
    }
    const taken = new Set(attachments.filter((a) => a.state.instance_id === server.id).map((a) => a.state.device));
    const letter = "bcdefghijklmnopqrstuvwxyz".split("").find((l) => !taken.has(`/dev/vd${l}`));
    fill(state, "device", `/dev/vd${letter}`);
    disk.state = { ...disk.state, attachment: [{ id: disk.id, instance_id: server.id, device: state.device }] };
  },
  delete(ctx, state) {
    detach(ctx, state);
  },
};

function detach(ctx: ApplyContext, attach: ValueObject): void {
  const disk = ctx.cloud.get(VOLUME, String(attach.volume_id));
  if (disk) disk.state = { ...disk.state, attachment: [] };
  ctx.cloud.remove(VOLUME_ATTACH, `${String(attach.instance_id)}/${String(attach.volume_id)}`);
}

/** What Nova can fingerprint: a known key type and a base64 blob that starts with that same type. */
function isOpenSshPublicKey(text: string): boolean {
  const [type, data] = text.trim().split(/\s+/);
  if (!/^(ssh-(rsa|ed25519|dss)|ecdsa-sha2-nistp(256|384|521))$/.test(type ?? "") || !/^[A-Za-z0-9+/]+={0,3}$/.test(data ?? ""))
    return false;
  const blob = Buffer.from(data, "base64");
  return blob.length > 4 && blob.subarray(4, 4 + blob.readUInt32BE(0)).toString() === type;
}

/** Nova's key pair fingerprint: MD5 of the decoded key blob, colon-separated. */
function fingerprint(publicKey: string): string {
  const blob = Buffer.from(publicKey.split(/\s+/)[1] ?? "", "base64");
  return createHash("md5").update(blob).digest("hex").match(/../g)!.join(":");
}

function generateEd25519(): { publicKey: string; privateKey: string } {
  const pair = generateKeyPairSync("ed25519");
  const raw = pair.publicKey.export({ type: "spki", format: "der" }).subarray(-32);
  const field = (b: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(b.length);
    return Buffer.concat([length, b]);
  };
  const blob = Buffer.concat([field(Buffer.from("ssh-ed25519")), field(raw)]);
  return {
    publicKey: `ssh-ed25519 ${blob.toString("base64")} generated-by-fractals-sim`,
    privateKey: pair.privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
  };
}

export const COMPUTE_MODELS: Record<string, ResourceModel> = {
  [INSTANCE]: instance,
  [KEYPAIR]: keypair,
  [SERVER_GROUP]: serverGroup,
  [VOLUME]: volume,
  [VOLUME_ATTACH]: volumeAttach,
};
