/**
 * Data sources: the external network, images and flavors from the catalogue
 * (plus networks deployed in the simulated cloud), filtered as the real
 * provider filters them, and the same "no results" error when nothing matches.
 */
import type { SchemaBlock } from "../../providers/schema/types";
import { UNKNOWN, Value, ValueObject } from "../protocol/cty";
import { Diagnostic } from "../provider/diagnostics";
import { FLAVORS, imagesOf, PROJECT_ID, stableUuid } from "./catalogue";
import { Cloud } from "./cloud";
import { ApplyContext, applyContext, fillUnknowns, str } from "./model";
import { NETWORK, subnetsOf } from "./networking";

const NO_RESULTS = "Your query returned no results. Please change your search criteria and try again.";

type Reader = (ctx: ApplyContext, config: ValueObject) => ValueObject | string;

/** Keeps every configured value and sets the computed ones the config left null. */
function withComputed(config: ValueObject, computed: ValueObject): ValueObject {
  const out: ValueObject = { ...config };
  for (const [k, v] of Object.entries(computed)) if (out[k] === null || out[k] === undefined) out[k] = v;
  return out;
}

const matches = (wanted: Value | undefined, actual: Value) => wanted === null || wanted === undefined || wanted === actual;

const network: Reader = (ctx, config) => {
  const external = ctx.external;
  const candidates: ValueObject[] = [
    { id: external.id, name: external.name, external: true, subnets: [external.subnetId], shared: "true", mtu: 1500 },
    ...ctx.cloud.list(NETWORK).map((n): ValueObject => ({
      id: n.id,
      name: n.state.name,
      external: n.state.external === true,
      shared: String(n.state.shared === true),
      subnets: subnetsOf(ctx, n.id).map((s) => s.id),
      mtu: n.state.mtu,
    })),
  ];
  const found = candidates.filter(
    (c) => matches(config.name, c.name) && matches(config.network_id, c.id) && matches(config.external, c.external),
  );
  if (found.length === 0)
    return `${NO_RESULTS} (no network named ${JSON.stringify(config.name ?? config.network_id)}; the simulated cloud's external network is ${JSON.stringify(external.name)})`;
  if (found.length > 1) return "More than one network found. Please try a more specific search criteria.";
  const [match] = found;
  return withComputed(config, {
    ...match,
    status: "ACTIVE",
    admin_state_up: "true",
    all_tags: [],
    availability_zone_hints: [],
    dns_domain: "",
    segments: [],
    region: ctx.region,
  });
};

const image: Reader = (ctx, config) => {
  const pattern = str(config.name_regex);
  const images = imagesOf(ctx.cloud);
  const found = images.filter((i) => matches(config.name, i.name) && (!pattern || new RegExp(pattern).test(i.name)));
  if (found.length === 0) {
    return `${NO_RESULTS} (no image named ${JSON.stringify(config.name ?? pattern)}; the simulated cloud has ${images.map((i) => JSON.stringify(i.name)).join(", ")})`;
  }
  if (found.length > 1 && config.most_recent !== true) {
    return "Your query returned more than one result. Please try a more specific search criteria, or set `most_recent` attribute to true.";
  }
  const match = [...found].sort((a, b) => b.createdAt.localeCompare(a.createdAt))[0];
  return withComputed(config, {
    id: match.id,
    name: match.name,
    region: ctx.region,
    checksum: stableUuid("checksum", match.name).replace(/-/g, ""),
    created_at: match.createdAt,
    updated_at: match.createdAt,
    file: `/v2/images/${match.id}/file`,
    schema: "/v2/schemas/image",
    metadata: {},
    min_disk_gb: match.minDiskGb,
    min_ram_mb: 0,
    protected: false,
    size_bytes: match.sizeBytes,
    tags: [],
  });
};

const flavor: Reader = (ctx, config) => {
  const found = FLAVORS.filter(
    (f) =>
      matches(config.name, f.name) &&
      matches(config.flavor_id, f.id) &&
      matches(config.vcpus, f.vcpus) &&
      matches(config.ram, f.ram) &&
      matches(config.disk, f.disk) &&
      (config.min_ram === null || f.ram >= Number(config.min_ram)) &&
      (config.min_disk === null || f.disk >= Number(config.min_disk)),
  );
  if (found.length === 0) {
    return `${NO_RESULTS} (no flavor named ${JSON.stringify(config.name ?? config.flavor_id)}; the simulated cloud has ${FLAVORS.map((f) => f.name).join(", ")})`;
  }
  if (found.length > 1) return "Your query returned more than one result. Please try a more specific search criteria.";
  const [match] = found;
  return withComputed(config, {
    id: match.id,
    flavor_id: match.id,
    name: match.name,
    vcpus: match.vcpus,
    ram: match.ram,
    disk: match.disk,
    swap: 0,
    rx_tx_factor: 1,
    is_public: true,
    description: "",
    extra_specs: {},
    region: ctx.region,
  });
};

const READERS: Record<string, Reader> = {
  openstack_networking_network_v2: network,
  openstack_images_image_v2: image,
  openstack_compute_flavor_v2: flavor,
};

export function readDataSource(
  cloud: Cloud,
  region: string,
  typeName: string,
  block: SchemaBlock,
  config: ValueObject,
): { state: ValueObject | null; diagnostics: Diagnostic[] } {
  const ctx = applyContext(cloud, region);
  const reader = READERS[typeName];
  // Other data sources answer with a plausible object: their computed values filled, the id stable for the same query.
  const result = reader ? reader(ctx, config) : { ...config };
  if (typeof result === "string") {
    return { state: null, diagnostics: [{ severity: "ERROR", summary: `Error reading ${typeName}`, detail: result }] };
  }
  for (const [name, attr] of Object.entries(block.attributes ?? {})) {
    if (attr.computed && (result[name] ?? null) === null) result[name] = UNKNOWN;
  }
  if (result.id === UNKNOWN) result.id = stableUuid(typeName, JSON.stringify(config));
  if (result.tenant_id === UNKNOWN) result.tenant_id = PROJECT_ID;
  fillUnknowns(block, result, ctx);
  return { state: result, diagnostics: [] };
}
