/**
 * fast-check arbitraries for environment configurations. Each field is valid
 * most of the time and occasionally one of the values the schema must reject,
 * so a run mixes configurations that must synthesize with ones that must fail
 * validation, including cross-field mistakes (min > desired, no way in, ...).
 */
import fc from "fast-check";

type Json = Record<string, unknown>;

/** Mostly `valid`, sometimes `invalid` (about 1 in 25). */
const mostly = <T, U>(valid: fc.Arbitrary<T>, invalid: fc.Arbitrary<U>): fc.Arbitrary<T | U> =>
  fc.oneof({ arbitrary: valid, weight: 24 }, { arbitrary: invalid, weight: 1 });

/** `undefined` (field omitted) half of the time. */
const optional = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });

const PUBLIC_KEYS = [
  "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJN/eXtAgecTA2yZJA6raM2h3bVrNOikOIBuudIM/Qwo ops@example",
  "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC7 admin",
  "ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTY=",
];
const BAD_KEYS = [
  "",
  "ssh-ed25519",
  "AAAAC3NzaC1lZDI1NTE5",
  "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjE=\n-----END OPENSSH PRIVATE KEY-----",
];

const slug = fc.stringMatching(/^[a-z][a-z0-9-]{0,11}$/);
const badSlug = fc.constantFrom("", "Dev", "1env", "pro d", "a".repeat(25), "env_1");

/**
 * Names looked up in the cloud: anything non-blank up to 255 characters,
 * including names that differ only in case or punctuation (they once
 * collided as construct ids).
 */
const lookupName = mostly(
  fc.oneof(
    fc.string({ minLength: 1, maxLength: 40 }).filter((s) => s.trim().length > 0),
    fc.constantFrom("m1.small", "M1-Small", "m1_small", "Ubuntu 22.04", "ubuntu-22.04", "UBUNTU 22 04"),
  ),
  fc.constantFrom("", "   ", "x".repeat(256)),
);

const octet = fc.integer({ min: 0, max: 255 });
const ipv4 = fc.tuple(octet, octet, octet, octet).map((o) => o.join("."));

/** A subnet with host bits cleared, /16 to /28, in 10.0.0.0/8 so that several rarely overlap. */
const subnet = fc
  .tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 }), fc.integer({ min: 16, max: 28 }))
  .map(([b, c, prefix]) => {
    const address = ((10 << 24) | (b << 16) | (c << 8)) >>> 0;
    const mask = (0xffffffff << (32 - prefix)) >>> 0;
    const network = (address & mask) >>> 0;
    return `${[24, 16, 8, 0].map((s) => (network >>> s) & 255).join(".")}/${prefix}`;
  });
const badCidr = fc.oneof(
  fc.constantFrom("10.0.0.0/33", "banana", "10.0.0.1/24", "10.0.0.0/8", "10.0.0.0", "256.0.0.0/24", "10.0.0.0/29"),
  fc.tuple(ipv4, fc.integer({ min: 0, max: 40 })).map(([ip, p]) => `${ip}/${p}`),
);

const adminCidr = fc.oneof(
  { arbitrary: fc.constantFrom("203.0.113.0/24", "198.51.100.0/24", "192.0.2.10/32"), weight: 8 },
  { arbitrary: fc.constantFrom("0.0.0.0/0", "0.0.0.0/1", "128.0.0.0/1", "8.0.0.0/8", "100.0.0.0/15"), weight: 2 },
  { arbitrary: badCidr, weight: 1 },
);

const access = fc.record({
  publicKey: mostly(fc.constantFrom(...PUBLIC_KEYS), fc.constantFrom(...BAD_KEYS, undefined)),
  adminCidrs: optional(fc.array(adminCidr, { maxLength: 3 })),
  allowSshFromAnywhere: optional(fc.boolean()),
});

const network = fc.record({
  cidr: mostly(subnet, badCidr),
  dnsNameservers: optional(mostly(fc.array(ipv4, { minLength: 1, maxLength: 5 }), fc.constantFrom([], ["1.1.1"], ["a", "b"]))),
  externalNetwork: optional(lookupName),
});

const count = (min: number, max: number) => mostly(fc.integer({ min, max }), fc.constantFrom(min - 1, max + 1, 1.5, "2"));
const percent = mostly(fc.integer({ min: 1, max: 100 }), fc.constantFrom(0, -5, 101, 150));

/** min <= desired <= max and down < up most of the time; any order otherwise. */
const autoscaleWorkers = fc
  .record({
    bounds: mostly(
      fc
        .tuple(fc.integer({ min: 0, max: 12 }), fc.integer({ min: 0, max: 12 }), fc.integer({ min: 1, max: 12 }))
        .map((t) => [...t].sort((a, b) => a - b))
        .filter(([, , max]) => max >= 1),
      fc.tuple(fc.integer({ min: -1, max: 1001 }), fc.integer({ min: -1, max: 1001 }), fc.integer({ min: -1, max: 1001 })),
    ),
    thresholds: mostly(
      fc
        .tuple(fc.integer({ min: 1, max: 99 }), fc.integer({ min: 1, max: 99 }))
        .filter(([a, b]) => a !== b)
        .map(([a, b]) => [Math.max(a, b), Math.min(a, b)]),
      fc.tuple(percent, percent),
    ),
    flavor: lookupName,
    image: optional(lookupName),
    granularitySeconds: optional(mostly(fc.constantFrom(300, 60, 3600), fc.constantFrom(0, 59, 86401))),
    archivePolicy: optional(fc.constantFrom("high", "ceilometer-high-rate")),
    evaluationPeriods: optional(mostly(fc.integer({ min: 2, max: 20 }), fc.constantFrom(0, 1, 21))),
    cooldownSeconds: optional(mostly(fc.integer({ min: 600, max: 86400 }), fc.constantFrom(-1, 0, 300, 86401))),
  })
  .map(({ bounds: [min, desired, max], thresholds: [up, down], ...rest }) => ({
    mode: "autoscale",
    min,
    desired,
    max,
    scaleUpCpuPercent: up,
    scaleDownCpuPercent: down,
    ...rest,
  }));

const fixedWorkers = fc
  .record({ flavor: lookupName, image: optional(lookupName), count: count(0, 5) })
  .map((w) => ({ mode: "fixed", ...w }));

const workers = mostly(fc.oneof(fixedWorkers, autoscaleWorkers), fc.constantFrom({ mode: "elastic", flavor: "m1.small" }, {}));

const loadBalancer = fc.record({
  algorithm: optional(mostly(fc.constantFrom("ROUND_ROBIN", "LEAST_CONNECTIONS", "SOURCE_IP"), fc.constantFrom("RANDOM", "round_robin"))),
  healthCheck: optional(
    fc.record({
      path: optional(mostly(fc.constantFrom("/", "/healthz", "/v1/fractal"), fc.constantFrom("health", "", "/a b"))),
      delaySeconds: optional(count(1, 3600)),
      timeoutSeconds: optional(count(1, 3600)),
      maxRetries: optional(count(1, 10)),
    }),
  ),
});

const services = fc.record({
  flavor: lookupName,
  image: optional(lookupName),
  volumeSizeGb: count(1, 16384),
  volumeType: optional(lookupName),
  preventDestroy: optional(fc.boolean()),
  mysqlMaxConnections: optional(count(10, 100000)),
});

const backend = mostly(
  fc.oneof(
    fc.constant({ type: "local" }),
    fc.record({
      type: fc.constant("s3"),
      bucket: fc.stringMatching(/^[a-z0-9][a-z0-9-]{1,20}[a-z0-9]$/),
      endpoint: fc.constant("https://swift.example.com"),
      region: optional(mostly(fc.constant("RegionOne"), fc.constant(""))),
    }),
  ),
  fc.constantFrom(
    { type: "gcs" },
    { type: "s3", bucket: "UP", endpoint: "https://x.example" },
    { type: "s3", bucket: "ok-bucket", endpoint: "nope" },
  ),
);

/**
 * One environment. The shape (all-in-one with a floating IP, or tiered behind
 * a load balancer) is coherent most of the time and deliberately mixed up
 * otherwise.
 */
export const environmentArbitrary: fc.Arbitrary<Json> = fc
  .record({
    app: mostly(slug, badSlug),
    env: mostly(slug, badSlug),
    image: lookupName,
    cloud: optional(mostly(fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,20}$/), fc.constantFrom("my cloud", "-x", "c".repeat(256)))),
    network,
    access,
    fractals: optional(
      fc.record({
        apiPort: optional(mostly(fc.constantFrom(80, 8080, 8000, 443), fc.constantFrom(0, 22, 3306, 5672, 65536))),
      }),
    ),
    tiered: fc.boolean(),
    apiCount: fc.integer({ min: 1, max: 5 }),
    antiAffinity: fc.boolean(),
    apiFlavor: lookupName,
    services,
    loadBalancer,
    workers,
    backend: optional(backend),
    shapeMistake: mostly(
      fc.constant(undefined),
      fc.constantFrom("no-services", "services-in-all-in-one", "no-way-in", "unknown-key", "lb-missing"),
    ),
  })
  .map((g) => {
    const { tiered, apiCount, antiAffinity, apiFlavor, services: svc, loadBalancer: lb, shapeMistake, ...rest } = g;
    const env: Json = {
      ...rest,
      topology: tiered ? "tiered" : "all-in-one",
      api: tiered
        ? { flavor: apiFlavor, count: apiCount, antiAffinity: apiCount > 1 && antiAffinity }
        : { flavor: apiFlavor, count: 1, floatingIp: true },
      ...(tiered ? { services: svc, loadBalancer: lb } : {}),
    };
    switch (shapeMistake) {
      case "no-services":
        delete env.services;
        env.topology = "tiered";
        break;
      case "services-in-all-in-one":
        env.services = svc;
        env.topology = "all-in-one";
        break;
      case "no-way-in":
        delete env.loadBalancer;
        env.api = { flavor: apiFlavor, count: 1, floatingIp: false };
        break;
      case "unknown-key":
        env.wokers = env.workers;
        break;
      case "lb-missing":
        delete env.loadBalancer;
        env.api = { flavor: apiFlavor, count: apiCount + 1 };
        break;
    }
    // Omitted optional fields are absent, as in a hand-written file.
    return JSON.parse(JSON.stringify(env)) as Json;
  });

/**
 * One to three environments sharing a project: ids, name prefixes
 * ("fractals" + "dev-qa" vs "fractals-dev" + "qa") and subnets collide now and then.
 */
export const environmentsArbitrary: fc.Arbitrary<Json[]> = fc
  .array(
    fc.tuple(
      environmentArbitrary,
      fc.constantFrom("fractals", "fractals-dev"),
      fc.constantFrom("dev", "staging", "prod", "qa", "dev-qa"),
      fc.constantFrom("10.10.0.0/24", "10.10.0.0/16", "10.20.0.0/24", "10.30.0.128/25", "10.40.0.0/24"),
    ),
    { minLength: 1, maxLength: 3 },
  )
  .map((items) =>
    items.map(([env, app, id, cidr], i) => (i === 0 ? env : { ...env, app, env: id, network: { ...(env.network as Json), cidr } })),
  );
