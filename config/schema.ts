/**
 * The shape of an environment, checked with zod before any construct runs.
 *
 * Every field that differs between dev, staging and prod lives here, so the
 * constructs never branch on the environment's name. This file holds the
 * shape only: types, names, unknown keys, and the rules about how the parts
 * of an environment fit together. Defaults and the limits of each value
 * belong to the construct that uses it (constructs/*.ts, `@default` on its
 * props); `load.ts` asks the constructs, so a mistake gets the same message
 * here as in a stack of your own. Messages name the field and what is
 * allowed; `loadEnvironments` adds the environment's name.
 */
import { z } from "zod";
import { LB_ALGORITHMS } from "../constructs/lbaas-pool";
import { isIpv4Cidr, prefixOf } from "../constructs/peer";
import { ipv4Netmask, ipv4ToInt } from "../providers/schema/value-formats";

export { isIpv4Cidr, prefixOf };

/** OpenStack accepts up to 255 characters; we keep names to a portable subset. */
const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
/** Stack ids become directory names and name prefixes: lowercase DNS-label style. */
const SLUG = /^[a-z][a-z0-9-]*$/;

export const name = (what: string) =>
  z
    .string({ required_error: `${what} is required` })
    .min(1, `${what} must not be empty`)
    .max(255, `${what} must be at most 255 characters (OpenStack's limit)`)
    .regex(NAME, `${what} may contain only letters, digits, '.', '_' and '-', and must start with a letter or digit`);

/** Images and flavors are looked up by name; any non-blank name is legal there. */
const lookupName = (what: string) =>
  z
    .string({ required_error: `${what} is required` })
    .trim()
    .min(1, `${what} must not be empty`)
    .max(255, `${what} must be at most 255 characters (OpenStack's limit)`);

export const accessSchema = z
  .object({
    /** The public half of the operators' SSH key pair (KeyPair checks it); the private half never enters this project. */
    publicKey: z.string({ required_error: "publicKey is required (an OpenSSH public key, e.g. 'ssh-ed25519 AAAA... you@host')" }),
    /**
     * IPv4 CIDRs allowed to SSH (22/tcp) to the bastion, the one server they reach; every other server admits
     * SSH from the bastion only. None when unset: no bastion and no SSH at all.
     */
    adminCidrs: z.array(z.string()).optional(),
    /** The image's login user (cloud-init's default user), for the `ssh_example` output (Bastion's `loginUser`). */
    loginUser: z.string().optional(),
    /** Opt-in required before the admin CIDRs together may cover more than SSH_PUBLIC_ADDRESS_LIMIT public addresses. */
    allowSshFromAnywhere: z.boolean().default(false),
  })
  .strict();

/** AppNetwork's props. */
export const networkSchema = z
  .object({
    /** The application subnet. Must not overlap another environment's. */
    cidr: z.string({ required_error: "cidr is required (an IPv4 CIDR such as 10.0.0.0/24)" }),
    /** Resolvers handed out by DHCP on the subnet. */
    dnsNameservers: z.array(z.string()).optional(),
    /** Name of the provider network that gives the router its gateway and the floating IPs. */
    externalNetwork: lookupName("externalNetwork").optional(),
  })
  .strict();

export const serverSchema = z
  .object({
    flavor: lookupName("flavor"),
    /** Image name or UUID; defaults to the environment's `image`. */
    image: lookupName("image").optional(),
  })
  .strict();

/** Scaling.autoscale's options, for the workers and the API tier alike (constructs/worker-scaling.ts documents each and its default). */
const AUTOSCALE_OPTIONS = {
  mode: z.literal("autoscale"),
  min: z.number(),
  desired: z.number().optional(),
  max: z.number(),
  scaleUpCpuPercent: z.number().optional(),
  scaleDownCpuPercent: z.number().optional(),
  granularitySeconds: z.number().optional(),
  archivePolicy: name("archivePolicy").optional(),
  evaluationPeriods: z.number().optional(),
  cooldownSeconds: z.number().optional(),
};

/** How many API servers: a fixed count (Controller), or a Heat group (ApiGroup) with Scaling.autoscale's options; the flavor is `api.flavor`. */
const apiScalingSchema = z.discriminatedUnion(
  "mode",
  [z.object({ mode: z.literal("fixed"), count: z.number() }).strict(), z.object(AUTOSCALE_OPTIONS).strict()],
  {
    errorMap: (issue, ctx) =>
      issue.code === "invalid_union_discriminator" ? { message: "mode must be 'fixed' or 'autoscale'" } : { message: ctx.defaultError },
  },
);

/** Controller's props, or ApiGroup's with `scaling.mode: autoscale`. */
export const apiSchema = serverSchema
  .extend({
    /** Number of API instances (the same as `scaling: { mode: "fixed", count }`). More than one needs a load balancer. */
    count: z.number().optional(),
    /** Fixed API servers, or a Heat autoscaling group whose members join the load balancer's pool; not with `count`. */
    scaling: apiScalingSchema.optional(),
    /** Spread API instances over hypervisors with a (hard) anti-affinity server group. */
    antiAffinity: z.boolean().optional(),
    /** A floating IP on each API instance (the small topology has no load balancer). */
    floatingIp: z.boolean().optional(),
  })
  .strict();

/** ServicesNode's props. */
export const servicesSchema = serverSchema
  .extend({
    /** Size of the Cinder volume that holds the database, in GiB. */
    volumeSizeGb: z.number(),
    /** Cinder volume type; the cloud's default when unset. */
    volumeType: lookupName("volumeType").optional(),
    /** Refuse `terraform destroy` of the database volume. */
    preventDestroy: z.boolean().optional(),
    /** MariaDB `max_connections`; changing it replaces only the services server (its user data). */
    mysqlMaxConnections: z.number().optional(),
  })
  .strict();

/** WorkerScaling.fixed's options. */
const fixedWorkersSchema = serverSchema
  .extend({
    mode: z.literal("fixed"),
    count: z.number(),
  })
  .strict();

/** The workers' autoscaled group: a server's settings and AUTOSCALE_OPTIONS. */
const autoscaleWorkersSchema = serverSchema.extend(AUTOSCALE_OPTIONS).strict();

export const workersSchema = z.discriminatedUnion("mode", [fixedWorkersSchema, autoscaleWorkersSchema], {
  errorMap: (issue, ctx) =>
    issue.code === "invalid_union_discriminator" ? { message: "mode must be 'fixed' or 'autoscale'" } : { message: ctx.defaultError },
});

/** LbaasPool's props. */
export const loadBalancerSchema = z
  .object({
    algorithm: z
      .enum(LB_ALGORITHMS, {
        errorMap: () => ({ message: `must be one of ${LB_ALGORITHMS.join(", ")}` }),
      })
      .optional(),
    healthCheck: z
      .object({
        path: z.string().optional(),
        delaySeconds: z.number().optional(),
        timeoutSeconds: z.number().optional(),
        maxRetries: z.number().optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

export const backendSchema = z.discriminatedUnion(
  "type",
  [
    z.object({ type: z.literal("local") }).strict(),
    z
      .object({
        /** An S3-compatible object store: Swift's S3 API or Ceph RGW. Credentials come from AWS_* at plan time. */
        type: z.literal("s3"),
        bucket: z
          .string()
          .min(3, "must be 3 to 63 characters")
          .max(63, "must be 3 to 63 characters")
          .regex(/^[a-z0-9][a-z0-9.-]*[a-z0-9]$/, "must be a valid bucket name (lowercase letters, digits, '.', '-')"),
        endpoint: z.string().url("must be a URL such as https://object-store.example.com"),
        region: z.string().min(1, "must not be empty (S3-compatible stores usually accept any name, e.g. us-east-1)").default("us-east-1"),
      })
      .strict(),
  ],
  {
    errorMap: (issue, ctx) =>
      issue.code === "invalid_union_discriminator" ? { message: "type must be 'local' or 's3'" } : { message: ctx.defaultError },
  },
);

const environmentObject = z
  .object({
    /** Application name: the first part of every OpenStack name, `<app>-<env>-...`. */
    app: z
      .string()
      .regex(SLUG, "must start with a lowercase letter and contain only lowercase letters, digits and '-'")
      .max(24, "must be at most 24 characters"),
    /** Environment (and stack) id. */
    env: z
      .string()
      .regex(SLUG, "must start with a lowercase letter and contain only lowercase letters, digits and '-'")
      .max(24, "must be at most 24 characters"),
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
    fractals: z
      .object({
        /** Port the API listens on (Controller's `apiPort`). */
        apiPort: z.number().optional(),
      })
      .strict()
      .optional(),
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
  })
  .strict();

export const environmentSchema = environmentObject.superRefine(checkCrossFields);

/** The keys an environment may have at its top (any other is refused as unknown). */
export const ENVIRONMENT_KEYS: readonly string[] = Object.keys(environmentObject.shape);

export type EnvironmentInput = z.input<typeof environmentSchema>;
/** An environment as its files say it, before the constructs' defaults are filled in (see `load.ts`). */
export type ParsedEnvironment = z.output<typeof environmentSchema>;
export type BackendConfig = z.output<typeof backendSchema>;

/** How the parts of one environment fit together; the values themselves are the constructs' to check. */
function checkCrossFields(e: z.output<z.ZodObject<any>>, ctx: z.RefinementCtx): void {
  const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: z.ZodIssueCode.custom, path, message });
  if (e.topology === "tiered" && !e.services) issue(["services"], "is required when topology is 'tiered'");
  if (e.topology === "all-in-one" && e.services)
    issue(["services"], "must be omitted when topology is 'all-in-one' (the controller runs the database)");
  const api = e.api as z.output<typeof apiSchema>;
  const count = api.scaling?.mode === "fixed" ? api.scaling.count : api.count;
  if (api.scaling && api.count !== undefined)
    issue(["api", "count"], "must be omitted with api.scaling (say the count there: { mode: 'fixed', count })");
  if (count !== undefined && count > 1 && !e.loadBalancer)
    issue(["loadBalancer"], `is required when api.count is more than 1 (got ${count})`);
  if (api.scaling?.mode === "autoscale") {
    if (!e.loadBalancer) issue(["loadBalancer"], "is required with api.scaling.mode 'autoscale' (the group's members join its pool)");
    if (e.topology !== "tiered")
      issue(["api", "scaling", "mode"], "may be 'autoscale' only when topology is 'tiered' (the API servers share the services node)");
    if (api.antiAffinity) issue(["api", "antiAffinity"], "applies to fixed API servers only; omit it with api.scaling.mode 'autoscale'");
    if (api.floatingIp) issue(["api", "floatingIp"], "applies to fixed API servers only; omit it with api.scaling.mode 'autoscale'");
  }
  const exposed = publicAddressCount((e.access.adminCidrs ?? []) as string[]);
  if (exposed > SSH_PUBLIC_ADDRESS_LIMIT && !e.access.allowSshFromAnywhere) {
    issue(
      ["access", "adminCidrs"],
      `together open SSH to ${exposed.toLocaleString("en-US")} public addresses, more than a /16 ` +
        `(${SSH_PUBLIC_ADDRESS_LIMIT.toLocaleString("en-US")}); name your admin networks, or set access.allowSshFromAnywhere: true to confirm`,
    );
  }
  if (!e.loadBalancer && !e.api.floatingIp)
    issue(["api", "floatingIp"], "must be true when there is no loadBalancer, or the app is unreachable");
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
const NON_PUBLIC = [
  "0.0.0.0/8",
  "10.0.0.0/8",
  "100.64.0.0/10",
  "127.0.0.0/8",
  "169.254.0.0/16",
  "172.16.0.0/12",
  "192.0.0.0/24",
  "192.168.0.0/16",
  "198.18.0.0/15",
  ...DOCUMENTATION_CIDRS,
  "224.0.0.0/4",
  "240.0.0.0/4",
];

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

/** True when the two IPv4 CIDRs share at least one address. */
export function cidrsOverlap(a: string, b: string): boolean {
  const [na, pa] = [ipv4ToInt(a.split("/")[0]), prefixOf(a)];
  const [nb, pb] = [ipv4ToInt(b.split("/")[0]), prefixOf(b)];
  const mask = ipv4Netmask(Math.min(pa, pb));
  return (na & mask) >>> 0 === (nb & mask) >>> 0;
}
