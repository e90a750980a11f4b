/**
 * Where the lab keeps things and how it names them. Every host-visible name
 * (bridge, veth, namespace, nft table, loop backing file) starts with
 * LAB_PREFIX, so `clean` finds leftovers even without the state file.
 */
import { createHash } from "node:crypto";
import * as path from "node:path";
import { SIM_WORK_DIR } from "../cli/paths";

export const LAB_PREFIX = "fl";
/** The lab's own nft table on the host (inet family): the forward drop lives there. */
export const LAB_NFT_TABLE = "fractals_lab";
export const LAB_DIR = process.env.FRACTALS_LAB_DIR ? path.resolve(process.env.FRACTALS_LAB_DIR) : path.join(SIM_WORK_DIR, "lab");
export const SERVERS_DIR = path.join(LAB_DIR, "servers");
export const VOLUMES_DIR = path.join(LAB_DIR, "volumes");
export const LOGS_DIR = path.join(LAB_DIR, "logs");
export const LB_DIR = path.join(LAB_DIR, "lb");
export const SIGNALS_DIR = path.join(LAB_DIR, "signals");
/** Where the Heat endpoint's reconciles (after a scaling signal) log, beside the signals directory. */
export const reconcileRunLog = (signalsDir: string) => path.join(path.dirname(signalsDir), "reconcile-run.log");
/** The telemetry agent's Gnocchi store, Aodh's alarm history, Heat's scaling events and the time series for plots. */
export const TELEMETRY_DIR = path.join(LAB_DIR, "telemetry");

/**
 * FRACTALS_LAB_TIME_SCALE (default 1): the lab runs the cloud's clocks this
 * many times faster. Every duration the template gives Gnocchi, Aodh and Heat
 * (granularity, Aodh's 60 s evaluation interval, Ceilometer's polling, the
 * scaling cooldown) is divided by it, and measured CPU time is multiplied by
 * it, so the template's thresholds (CPU-ns per granularity) hold unchanged.
 * Boot times are real: a server takes as long to boot as ever.
 */
export function labTimeScale(): number {
  const raw = process.env.FRACTALS_LAB_TIME_SCALE;
  if (raw === undefined || raw === "") return 1;
  const scale = Number(raw);
  if (!Number.isFinite(scale) || scale <= 0 || scale > 3600) {
    throw new Error(`FRACTALS_LAB_TIME_SCALE must be a number above 0 and at most 3600, got ${JSON.stringify(raw)}`);
  }
  return scale;
}
export const ROOTFS_CACHE = process.env.FRACTALS_LAB_CACHE || "/var/cache/fractals-lab";

/** The external bridge; the host is on it at the external network's first address (`heatApiHost()`). */
export const EXTERNAL_BRIDGE = `${LAB_PREFIX}-ext`;

/** A short stable tag for an id: interface names are limited to 15 characters. */
export function tag(id: string, length = 8): string {
  return createHash("sha1").update(id).digest("hex").slice(0, length);
}

export const bridgeName = (networkId: string) => `${LAB_PREFIX}b${tag(networkId, 10)}`;
export const routerNamespace = (routerId: string) => `${LAB_PREFIX}r${tag(routerId)}`;
export const lbNamespace = (lbId: string) => `${LAB_PREFIX}l${tag(lbId)}`;
/** A veth pair for a namespace's leg on a bridge: `<prefix><kind><8 hex><leg>`, host end `h`, inside end `n`. */
export const vethPair = (kind: string, id: string, leg: string) => ({
  host: `${LAB_PREFIX}${kind}${tag(id + leg, 8)}h`,
  inside: `${LAB_PREFIX}${kind}${tag(id + leg, 8)}n`,
});
/** The container's interface on the host side; nspawn names it vb-<machine>, truncated, so the machine name is short. */
export const machineName = (serverId: string) => `${LAB_PREFIX}s${tag(serverId, 9)}`;
