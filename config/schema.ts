/**
 * The shape of an environment, validated with zod before any construct runs.
 *
 * Every field that differs between dev, staging and prod lives here, so the
 * constructs never branch on the environment's name. Messages name the field
 * and what is allowed; `loadEnvironments` adds the environment's name.
 */
import { z } from "zod";
import { HEALTH_PATH } from "../constructs/fractals-guest";
import { ipv4Netmask, ipv4ToInt, isIpv4Address } from "../providers/schema/value-formats";

/** OpenStack accepts up to 255 characters; we keep names to a portable subset. */
const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
/** Stack ids become directory names and name prefixes: lowercase DNS-label style. */
const SLUG = /^[a-z][a-z0-9-]*$/;

export const name = (what: string) =>
  z.string({ required_error: `${what} is required` })
    .min(1, `${what} must not be empty`)
    .max(255, `${what} must be at most 255 characters (OpenStack's limit)`)
    .regex(NAME, `${what} may contain only letters, digits, '.', '_' and '-', and must start with a letter or digit`);

/** Images and flavors are looked up by name; any non-blank name is legal there. */
const lookupName = (what: string) =>
  z.string({ required_error: `${what} is required` })
    .trim()
    .min(1, `${what} must not be empty`)
    .max(255, `${what} must be at most 255 characters (OpenStack's limit)`);

export const ipv4 = z.string().refine(isIpv4Address, { message: "must be an IPv4 address such as 192.0.2.10" });

export const cidr = z.string().refine(isIpv4Cidr, {
  message: "must be an IPv4 CIDR with its host bits zero, such as 10.0.0.0/24",
});

/**
 * Ports the API must not take: SSH, MariaDB and RabbitMQ run on the same servers, and
 * RabbitMQ's Erlang distribution (25672), epmd (4369) and management UI (15672) must
 * never be public, which the API's rule (open to the world without a load balancer) would make them.
 */
export const RESERVED_PORTS = [22, 3306, 4369, 5672, 15672, 25672];

const port = z.number().int("must be an integer").min(1, "must be between 1 and 65535").max(65535, "must be between 1 and 65535");

const percent = z.number().gt(0, "must be greater than 0 and at most 100").max(100, "must be greater than 0 and at most 100");

const PUBLIC_KEY = /^(ssh-ed25519|ssh-rsa|ecdsa-sha2-nistp(256|384|521)) [A-Za-z0-9+/]+={0,3}( .*)?$/;

export const accessSchema = z.object({
  /** The public half of the operators' SSH key pair; the private half never enters this project. */
  publicKey: z.string({ required_error: "publicKey is required (an OpenSSH public key, e.g. 'ssh-ed25519 AAAA... you@host')" })
    .trim()
    .regex(PUBLIC_KEY, "must be an OpenSSH public key ('ssh-ed25519 AAAA...', 'ssh-rsa AAAA...' or 'ecdsa-sha2-nistp256 AAAA...')")
    .refine((k) => !k.includes("PRIVATE KEY"), "must be a public key, never a private key"),
  /** CIDRs allowed to reach SSH (22/tcp) on every server. None by default: no SSH at all. */
  adminCidrs: z.array(cidr).default([]),
  /** Opt-in required before the admin CIDRs together may cover more than SSH_PUBLIC_ADDRESS_LIMIT public addresses. */
  allowSshFromAnywhere: z.boolean().default(false),
}).strict();

export const networkSchema = z.object({
  /** The application subnet. Must not overlap another environment's. */
  cidr: cidr.refine((c) => prefixOf(c) >= 16 && prefixOf(c) <= 28, "must have a prefix length between /16 and /28"),
  /** Resolvers handed out by DHCP on the subnet. */
  dnsNameservers: z.array(ipv4).min(1, "needs at least one nameserver").max(5, "at most 5 nameservers").default(["1.1.1.1", "9.9.9.9"]),
  /** Name of the provider network that gives the router its gateway and the floating IPs. */
  externalNetwork: lookupName("externalNetwork").default("public"),
}).strict();

export const serverSchema = z.object({
  flavor: lookupName("flavor"),
  /** Image name or UUID; defaults to the environment's `image`. */
  image: lookupName("image").optional(),
}).strict();

export const apiSchema = serverSchema.extend({
  /** Number of API instances. More than one needs a load balancer. */
  count: z.number().int("must be an integer").min(1, "must be at least 1").max(50, "must be at most 50").default(1),
  /** Spread API instances over hypervisors with a (hard) anti-affinity server group. */
  antiAffinity: z.boolean().default(false),
  /** A floating IP on each API instance (the small topology has no load balancer). */
  floatingIp: z.boolean().default(false),
}).strict();

export const servicesSchema = serverSchema.extend({
  /** Size of the Cinder volume that holds /var/lib/mysql. */
  volumeSizeGb: z.number().int("must be an integer").min(1, "must be at least 1 GiB").max(16384, "must be at most 16384 GiB"),
  /** Cinder volume type; the cloud's default when unset. */
  volumeType: lookupName("volumeType").optional(),
  /** Refuse `terraform destroy` of the database volume. */
  preventDestroy: z.boolean().default(false),
  /** MariaDB `max_connections`; changing it replaces only the services server (its user data). */
  mysqlMaxConnections: z.number().int("must be an integer").min(10, "must be between 10 and 100000").max(100000, "must be between 10 and 100000").default(151),
}).strict();

/** The granularity of the `cpu` metric in Ceilometer's default archive policy. */
const DEFAULT_GRANULARITY_SECONDS = 300;

const fixedWorkersSchema = serverSchema.extend({
  mode: z.literal("fixed"),
  /** Number of workers, spread with a soft-anti-affinity server group. */
  count: z.number().int("must be an integer").min(0, "must be at least 0").max(1000, "must be at most 1000"),
}).strict();

const autoscaleWorkersSchema = serverSchema.extend({
  mode: z.literal("autoscale"),
  min: z.number().int("must be an integer").min(0, "must be at least 0").max(1000, "must be at most 1000"),
  desired: z.number().int("must be an integer").min(0, "must be at least 0").max(1000, "must be at most 1000"),
  max: z.number().int("must be an integer").min(1, "must be at least 1").max(1000, "must be at most 1000"),
  /** Mean CPU above which one worker is added. */
  scaleUpCpuPercent: percent.default(80),
  /** Mean CPU below which one worker is removed. */
  scaleDownCpuPercent: percent.default(20),
  /**
   * Gnocchi granularity the alarms evaluate, in seconds. Ceilometer's default archive
   * policy keeps the `cpu` metric at 300 s only: another value needs `archivePolicy`.
   */
  granularitySeconds: z.number().int("must be an integer").min(60, "must be between 60 and 86400").max(86400, "must be between 60 and 86400").default(DEFAULT_GRANULARITY_SECONDS),
  /** The Gnocchi archive policy the cloud keeps `cpu` under, when it has points at `granularitySeconds`. */
  archivePolicy: name("archivePolicy").optional(),
  /**
   * Periods an alarm's condition must hold before it acts. At least 2: when a worker joins,
   * `rate:mean` of the cumulative `cpu` counter gives one large negative sample, and a
   * single period would scale straight back in.
   */
  evaluationPeriods: z.number().int("must be an integer").min(2, "must be between 2 and 20 (one period flaps when a worker joins)").max(20, "must be between 2 and 20 (one period flaps when a worker joins)").default(2),
  /** Seconds between two scaling actions; at least twice the granularity, so an action is measured before the next. */
  cooldownSeconds: z.number().int("must be an integer").min(0, "must be between 0 and 86400").max(86400, "must be between 0 and 86400").default(2 * DEFAULT_GRANULARITY_SECONDS),
}).strict();

export const workersSchema = z.discriminatedUnion("mode", [fixedWorkersSchema, autoscaleWorkersSchema], {
  errorMap: (issue, ctx) => issue.code === "invalid_union_discriminator"
    ? { message: "mode must be 'fixed' or 'autoscale'" }
    : { message: ctx.defaultError },
});

export const loadBalancerSchema = z.object({
  algorithm: z.enum(["ROUND_ROBIN", "LEAST_CONNECTIONS", "SOURCE_IP"], {
    errorMap: () => ({ message: "must be one of ROUND_ROBIN, LEAST_CONNECTIONS, SOURCE_IP" }),
  }).default("ROUND_ROBIN"),
  healthCheck: z.object({
    path: z.string().regex(/^\/\S*$/, "must be an absolute URL path such as /").default(HEALTH_PATH),
    delaySeconds: z.number().int("must be an integer").min(1, "must be between 1 and 3600").max(3600, "must be between 1 and 3600").default(5),
    timeoutSeconds: z.number().int("must be an integer").min(1, "must be between 1 and 3600").max(3600, "must be between 1 and 3600").default(5),
    maxRetries: z.number().int("must be an integer").min(1, "must be between 1 and 10").max(10, "must be between 1 and 10").default(3),
  }).strict().default({}),
}).strict();

export const backendSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("local") }).strict(),
  z.object({
    /** An S3-compatible object store: Swift's S3 API or Ceph RGW. Credentials come from AWS_* at plan time. */
    type: z.literal("s3"),
    bucket: z.string().min(3, "must be 3 to 63 characters").max(63, "must be 3 to 63 characters").regex(/^[a-z0-9][a-z0-9.-]*[a-z0-9]$/, "must be a valid bucket name (lowercase letters, digits, '.', '-')"),
    endpoint: z.string().url("must be a URL such as https://object-store.example.com"),
    region: z.string().min(1, "must not be empty (S3-compatible stores usually accept any name, e.g. us-east-1)").default("us-east-1"),
  }).strict(),
], {
  errorMap: (issue, ctx) => issue.code === "invalid_union_discriminator"
    ? { message: "type must be 'local' or 's3'" }
    : { message: ctx.defaultError },
});

export const environmentSchema = z.object({
  /** Application name: the first part of every OpenStack name, `<app>-<env>-...`. */
  app: z.string().regex(SLUG, "must start with a lowercase letter and contain only lowercase letters, digits and '-'").max(24, "must be at most 24 characters"),
  /** Environment (and stack) id. */
  env: z.string().regex(SLUG, "must start with a lowercase letter and contain only lowercase letters, digits and '-'").max(24, "must be at most 24 characters"),
  /** The clouds.yaml entry to use; when unset the provider reads OS_CLOUD / OS_* at plan time. */
  cloud: name("cloud").optional(),
  region: name("region").optional(),
  /**
   * Default image for every server: a UUID pins it (nothing uploaded later changes it; prefer
   * it in production), a name is looked up at plan time and must match exactly one image.
   * Either way an image change replaces the servers, planned and visible.
   */
  image: lookupName("image"),
  network: networkSchema,
  access: accessSchema,
  fractals: z.object({
    /**
     * Port the API listens on. Not 22, 3306 or 5672: SSH, MySQL and RabbitMQ own
     * those on the same servers, and the API's rule (open to the world without a
     * load balancer) would otherwise open SSH to the internet.
     */
    apiPort: port.refine((p) => !RESERVED_PORTS.includes(p), `must not be one of ${RESERVED_PORTS.join(", ")} (SSH, MariaDB and RabbitMQ's ports, which must never be public)`).default(80),
  }).strict().default({}),
  /**
   * `all-in-one`: the controller runs the API, the database and the queue (the tutorial's controller).
   * `tiered`: a services node runs the database and the queue; API instances point at it.
   */
  topology: z.enum(["all-in-one", "tiered"], { errorMap: () => ({ message: "must be 'all-in-one' or 'tiered'" }) }),
  api: apiSchema,
  services: servicesSchema.optional(),
  workers: workersSchema,
  loadBalancer: loadBalancerSchema.optional(),
  backend: backendSchema.default({ type: "local" }),
}).strict().superRefine(checkCrossFields);

export type EnvironmentInput = z.input<typeof environmentSchema>;
export type EnvironmentConfig = z.output<typeof environmentSchema>;
export type WorkersConfig = z.output<typeof workersSchema>;
export type AutoscaleWorkersConfig = Extract<WorkersConfig, { mode: "autoscale" }>;
export type LoadBalancerConfig = z.output<typeof loadBalancerSchema>;
export type BackendConfig = z.output<typeof backendSchema>;

function checkCrossFields(e: z.output<z.ZodObject<any>>, ctx: z.RefinementCtx): void {
  const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: z.ZodIssueCode.custom, path, message });
  const w = e.workers as WorkersConfig;
  if (w.mode === "autoscale") {
    if (w.min > w.desired) issue(["workers", "desired"], `must be >= min (${w.min}), got ${w.desired}`);
    if (w.desired > w.max) issue(["workers", "max"], `must be >= desired (${w.desired}), got ${w.max}`);
    if (w.cooldownSeconds < 2 * w.granularitySeconds) {
      issue(["workers", "cooldownSeconds"], `must be at least twice granularitySeconds (${2 * w.granularitySeconds}), got ${w.cooldownSeconds}; a shorter cooldown acts again before the last action shows in the metric`);
    }
    if (w.granularitySeconds !== DEFAULT_GRANULARITY_SECONDS && !w.archivePolicy) {
      issue(["workers", "granularitySeconds"], `must be ${DEFAULT_GRANULARITY_SECONDS} (the granularity of Ceilometer's default archive policy for cpu), got ${w.granularitySeconds}; set workers.archivePolicy to the policy your cloud keeps cpu at that granularity under`);
    }
    if (w.scaleDownCpuPercent >= w.scaleUpCpuPercent) {
      issue(["workers", "scaleDownCpuPercent"], `must be lower than scaleUpCpuPercent (${w.scaleUpCpuPercent}), got ${w.scaleDownCpuPercent}`);
    }
  }
  if (e.topology === "tiered" && !e.services) issue(["services"], "is required when topology is 'tiered'");
  if (e.topology === "all-in-one" && e.services) issue(["services"], "must be omitted when topology is 'all-in-one' (the controller runs the database)");
  if (e.topology === "all-in-one" && e.api.count !== 1) issue(["api", "count"], "must be 1 when topology is 'all-in-one' (one controller holds the database)");
  if (e.api.count > 1 && !e.loadBalancer) issue(["loadBalancer"], `is required when api.count is more than 1 (got ${e.api.count})`);
  const check = (e.loadBalancer as LoadBalancerConfig | undefined)?.healthCheck;
  if (check && check.timeoutSeconds > check.delaySeconds) {
    // Octavia rejects a health monitor whose timeout exceeds its delay.
    issue(["loadBalancer", "healthCheck", "timeoutSeconds"], `must be at most delaySeconds (${check.delaySeconds}), got ${check.timeoutSeconds}`);
  }
  if (e.api.antiAffinity && e.api.count < 2) issue(["api", "antiAffinity"], "needs api.count of at least 2");
  const exposed = publicAddressCount(e.access.adminCidrs as string[]);
  if (exposed > SSH_PUBLIC_ADDRESS_LIMIT && !e.access.allowSshFromAnywhere) {
    issue(["access", "adminCidrs"], `together open SSH to ${exposed.toLocaleString("en-US")} public addresses, more than a /16 ` +
      `(${SSH_PUBLIC_ADDRESS_LIMIT.toLocaleString("en-US")}); name your admin networks, or set access.allowSshFromAnywhere: true to confirm`);
  }
  if (!e.loadBalancer && !e.api.floatingIp) issue(["api", "floatingIp"], "must be true when there is no loadBalancer, or the app is unreachable");
  // Every server, Octavia's VIP and amphora ports and the DHCP port take an address from the
  // subnet's pool, which excludes the network, broadcast and gateway addresses.
  const ports = e.api.count + (e.services ? 1 : 0) + (w.mode === "fixed" ? w.count : w.max) + (e.loadBalancer ? 2 : 0) + 1;
  const room = 2 ** (32 - prefixOf(e.network.cidr)) - 3;
  if (ports > room) {
    const prefix = 32 - Math.ceil(Math.log2(ports + 3));
    issue(["network", "cidr"], `has room for ${room} ports, but the servers, load balancer and DHCP need up to ${ports}; use a /${prefix} or shorter prefix`);
  }
}

/**
 * How many public addresses SSH may be opened to without `allowSshFromAnywhere`:
 * a /16, more than any admin network needs. The CIDRs are judged together, so
 * 0.0.0.0/1 + 128.0.0.0/1 counts as the whole internet it is.
 */
export const SSH_PUBLIC_ADDRESS_LIMIT = 2 ** 16;

/** RFC 5737's documentation ranges: addresses in examples, nobody's network. */
export const DOCUMENTATION_CIDRS = ["192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24"];

/** Special-purpose IPv4 ranges (RFC 6890): private, shared, loopback, link-local, documentation, multicast, reserved. */
const NON_PUBLIC = ["0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12", "192.0.0.0/24",
  "192.168.0.0/16", "198.18.0.0/15", ...DOCUMENTATION_CIDRS, "224.0.0.0/4", "240.0.0.0/4"];

/** Addresses of the public internet that the CIDRs cover together (overlaps counted once). */
export function publicAddressCount(cidrs: readonly string[]): number {
  const merge = (ranges: [number, number][]) => {
    const merged: [number, number][] = [];
    for (const [lo, hi] of [...ranges].sort((a, b) => a[0] - b[0])) {
      const last = merged[merged.length - 1];
      if (last && lo <= last[1] + 1) last[1] = Math.max(last[1], hi);
      else merged.push([lo, hi]);
    }
    return merged;
  };
  const range = (c: string): [number, number] => {
    const start = ipv4ToInt(c.split("/")[0]) >>> 0;
    return [start, start + 2 ** (32 - prefixOf(c)) - 1];
  };
  const covered = merge(cidrs.filter(isIpv4Cidr).map(range));
  const reserved = merge(NON_PUBLIC.map(range));
  let count = 0;
  for (const [lo, hi] of covered) {
    count += hi - lo + 1;
    for (const [rlo, rhi] of reserved) count -= Math.max(0, Math.min(hi, rhi) - Math.max(lo, rlo) + 1);
  }
  return count;
}

export function isIpv4Cidr(s: string): boolean {
  const m = /^([^/]+)\/(\d{1,2})$/.exec(s);
  if (!m || !isIpv4Address(m[1]) || Number(m[2]) > 32) return false;
  const bits = Number(m[2]);
  const host = bits === 32 ? 0 : ipv4ToInt(m[1]) & (0xffffffff >>> bits);
  return host === 0;
}

export function prefixOf(c: string): number {
  return Number(c.split("/")[1]);
}

/** True when the two IPv4 CIDRs share at least one address. */
export function cidrsOverlap(a: string, b: string): boolean {
  const [na, pa] = [ipv4ToInt(a.split("/")[0]), prefixOf(a)];
  const [nb, pb] = [ipv4ToInt(b.split("/")[0]), prefixOf(b)];
  const mask = ipv4Netmask(Math.min(pa, pb));
  return ((na & mask) >>> 0) === ((nb & mask) >>> 0);
}
