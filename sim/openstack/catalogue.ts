/**
 * What the simulated cloud has before anyone deploys: the external network,
 * the public images and the flavors, with ids stable across runs so data
 * sources read the same objects every plan.
 */
import { createHash } from "node:crypto";
import { intToIpv4 } from "../../providers/schema/value-formats";
import { hostRange } from "./addresses";

/** A name-based UUID (version 5 layout): the same parts always give the same id. */
export function stableUuid(...parts: string[]): string {
  const hex = createHash("sha1").update(parts.join("\u0000")).digest("hex");
  const variant = ((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export const PROJECT_ID = stableUuid("project", "fractals-sim").replace(/-/g, "");
export const USER_ID = stableUuid("user", "fractals-sim").replace(/-/g, "");

export interface ExternalNetwork {
  readonly id: string;
  readonly name: string;
  readonly subnetId: string;
  /** Floating IPs (and router gateways) are allocated from it. */
  readonly cidr: string;
}

/** FRACTALS_SIM_EXTERNAL_NETWORK and FRACTALS_SIM_FLOATING_CIDR describe the provider network. */
export function externalNetwork(env: NodeJS.ProcessEnv = process.env): ExternalNetwork {
  const name = env.FRACTALS_SIM_EXTERNAL_NETWORK || "public";
  return {
    id: stableUuid("network", name),
    name,
    subnetId: stableUuid("subnet", name),
    cidr: env.FRACTALS_SIM_FLOATING_CIDR || "203.0.113.0/24",
  };
}

/** The port the simulated Heat API (wait-condition signals) answers on. */
export const HEAT_API_PORT = 8004;

/**
 * Where the simulated Heat API answers: the external network's first address,
 * which the simulator never hands out and which is the host in the lab.
 */
export function heatApiHost(external: ExternalNetwork = externalNetwork()): string {
  return intToIpv4(hostRange(external.cidr).first);
}

export interface Image {
  readonly id: string;
  readonly name: string;
  readonly sizeBytes: number;
  readonly minDiskGb: number;
  readonly createdAt: string;
}

const image = (name: string, sizeBytes: number, minDiskGb: number, createdAt: string): Image => ({
  id: stableUuid("image", name),
  name,
  sizeBytes,
  minDiskGb,
  createdAt,
});

export const IMAGES: readonly Image[] = [
  image("Ubuntu 22.04", 660_602_880, 10, "2025-10-02T08:15:00Z"),
  image("Ubuntu 24.04", 597_000_192, 10, "2025-10-02T08:20:00Z"),
  image("Debian 12", 424_673_792, 8, "2025-09-14T11:02:00Z"),
  image("cirros-0.6.2-x86_64-disk", 21_430_272, 1, "2025-06-01T00:00:00Z"),
];

/** Images uploaded after the catalogue was made: Glance objects in the cloud file, as Terraform or the dashboard left them. */
export const UPLOADED_IMAGE = "openstack_images_image_v2";

/** Every image the cloud has: the catalogue's and those uploaded since. */
export function imagesOf(cloud: { list(type: string): { id: string; state: Record<string, unknown> }[] }): Image[] {
  const uploaded = cloud.list(UPLOADED_IMAGE).map((o): Image => ({
    id: o.id,
    name: String(o.state.name ?? ""),
    sizeBytes: Number(o.state.size_bytes ?? 0),
    minDiskGb: Number(o.state.min_disk_gb ?? 0),
    createdAt: String(o.state.created_at ?? ""),
  }));
  return [...IMAGES, ...uploaded];
}

export interface Flavor {
  readonly id: string;
  readonly name: string;
  readonly vcpus: number;
  readonly ram: number;
  readonly disk: number;
}

/** DevStack's default m1.* flavors (ids as DevStack numbers them; RAM in MiB, disk in GiB). */
export const FLAVORS: readonly Flavor[] = [
  { id: "1", name: "m1.tiny", vcpus: 1, ram: 512, disk: 1 },
  { id: "2", name: "m1.small", vcpus: 1, ram: 2048, disk: 20 },
  { id: "3", name: "m1.medium", vcpus: 2, ram: 4096, disk: 40 },
  { id: "4", name: "m1.large", vcpus: 4, ram: 8192, disk: 80 },
  { id: "5", name: "m1.xlarge", vcpus: 8, ram: 16384, disk: 160 },
];
