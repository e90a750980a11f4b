/**
 * Validates every environment, alone and against the others, before any construct runs.
 *
 * The shape comes from `schema.ts`; each value is checked by the construct that
 * takes it (the functions its file exports), so a mistake gets the construct's
 * own message, against the config field. The constructs' defaults are then
 * filled in, so that readers of the config (diagrams, preflight) see what the
 * stack builds.
 */
import { z } from "zod";
import { apiGroupIssues } from "../constructs/api-group";
import { appNetworkIssues, DEFAULT_DNS_NAMESERVERS, DEFAULT_EXTERNAL_NETWORK } from "../constructs/app-network";
import { bastionIssues, DEFAULT_LOGIN_USER } from "../constructs/bastion";
import { controllerIssues, DEFAULT_API_INSTANCES, DEFAULT_API_PORT } from "../constructs/controller";
import { HEALTH_PATH } from "../constructs/fractals-guest";
import { keyPairIssues } from "../constructs/key-pair";
import { DEFAULT_ALGORITHM, DEFAULT_HEALTH_CHECK, lbaasPoolIssues } from "../constructs/lbaas-pool";
import { isIpv4Cidr, prefixOf } from "../constructs/peer";
import { DEFAULT_MAX_CONNECTIONS, servicesNodeIssues } from "../constructs/services-node";
import { PropIssue } from "../constructs/validation";
import { WorkerScaling } from "../constructs/worker-scaling";
import { cidrsOverlap, ENVIRONMENT_KEYS, environmentSchema, ParsedEnvironment } from "./schema";

/** A valid environment, every construct default filled in. */
export type EnvironmentConfig = ReturnType<typeof withConstructDefaults>;
export type WorkersConfig = EnvironmentConfig["workers"];
export type AutoscaleWorkersConfig = Extract<WorkersConfig, { mode: "autoscale" }>;
export type LoadBalancerConfig = NonNullable<EnvironmentConfig["loadBalancer"]>;

/** Thrown for bad configuration; `main.ts` prints `issues` and exits non-zero, with no stack trace. */
export class ConfigError extends Error {
  constructor(readonly issues: string[]) {
    super(`invalid configuration:\n${issues.map((i) => `  - ${i}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

/** Validates one environment; `label` names it in messages when `env` itself is unreadable. */
export function parseEnvironment(input: unknown, label?: string): EnvironmentConfig {
  const checked = checkEnvironment(input, label);
  if (!checked.config) throw new ConfigError(checked.issues);
  return checked.config;
}

interface CheckedEnvironment {
  /** Set when the shape is right, whatever the constructs say of the values. */
  readonly shaped?: ParsedEnvironment;
  /** Set when nothing is wrong. */
  readonly config?: EnvironmentConfig;
  readonly issues: string[];
}

function checkEnvironment(input: unknown, label?: string): CheckedEnvironment {
  const result = environmentSchema.safeParse(input);
  const env = envLabel(input, label);
  // Expressions are refused in every field of the config's own, whatever else is wrong there; a top-level key
  // the schema does not know is reported as unknown (a misspelt 'wokers'), not by the path of what it holds.
  const expressions = terraformExpressions(knownKeys(input)).map((i) => `${env}: ${i}`);
  if (!result.success) return { issues: [...expressions, ...formatIssues(result.error, env)] };
  if (expressions.length > 0) return { issues: expressions };
  const shaped = result.data;
  const issues = constructIssues(shaped);
  if (issues.length > 0) return { shaped, issues: issues.map((i) => `${shaped.env}: ${i.prop}: ${i.message}`) };
  const config = withConstructDefaults(shaped);
  const room = subnetRoomIssue(config);
  if (room) return { shaped, issues: [`${shaped.env}: network.cidr: ${room}`] };
  return { shaped, config, issues: [] };
}

/** The WorkerScaling a `workers` section stands for (its fields are the options' names). */
function workerScaling(workers: ParsedEnvironment["workers"]) {
  return workers.mode === "fixed" ? WorkerScaling.fixed(workers) : WorkerScaling.autoscale(workers);
}

/**
 * What the constructs would refuse, each issue's prop moved to the config field it comes from.
 * The same messages as the constructs' own: they come from the same functions.
 */
function constructIssues(e: ParsedEnvironment): PropIssue[] {
  const at = (issues: PropIssue[], field: (prop: string) => string) =>
    issues.map((i) => {
      const [first, ...rest] = i.prop.split(".");
      return { prop: [field(first), ...rest].join("."), message: i.message };
    });
  // No admin CIDRs, no bastion: only its login user is left to check.
  const bastion = bastionIssues(e.access).filter((i) => (e.access.adminCidrs ?? []).length > 0 || i.prop === "loginUser");
  const controllerFields: Record<string, string> = {
    apiPort: "fractals.apiPort",
    ...(e.api.scaling ? { count: "api.scaling.count" } : {}),
  };
  const apiScaling = e.api.scaling;
  const apiIssues =
    apiScaling?.mode === "autoscale"
      ? apiGroupIssues({ scaling: apiAutoscaling(e.api), apiPort: e.fractals?.apiPort })
      : controllerIssues({
          ...e.api,
          count: apiScaling?.count ?? e.api.count,
          apiPort: e.fractals?.apiPort,
          hasServices: e.services !== undefined,
        });
  const issues = [
    ...at(appNetworkIssues(e.network), (p) => `network.${p}`),
    ...at(keyPairIssues(e.access), (p) => `access.${p}`),
    ...at(bastion, (p) => `access.${p}`),
    ...at(apiIssues, (p) => controllerFields[p] ?? `api.${p}`),
    ...(e.services
      ? at(servicesNodeIssues({ ...e.services, maxConnections: e.services.mysqlMaxConnections }), (p) =>
          p === "maxConnections" ? "services.mysqlMaxConnections" : `services.${p}`,
        )
      : []),
    ...at(workerScaling(e.workers).issues(), (p) => `workers.${p}`),
    ...(e.loadBalancer ? at(lbaasPoolIssues(e.loadBalancer), (p) => `loadBalancer.${p}`) : []),
  ];
  return issues;
}

/** The Scaling an `api.scaling` autoscale section stands for, with the API's flavor. */
function apiAutoscaling(api: ParsedEnvironment["api"]) {
  const scaling = api.scaling as Extract<NonNullable<ParsedEnvironment["api"]["scaling"]>, { mode: "autoscale" }>;
  return WorkerScaling.autoscale({ ...scaling, flavor: api.flavor });
}

/** `api.scaling` always, fixed (from `count`) or autoscale, with the constructs' defaults. */
function apiScalingWithDefaults(api: ParsedEnvironment["api"]) {
  if (api.scaling?.mode !== "autoscale") return { mode: "fixed" as const, count: api.scaling?.count ?? api.count ?? DEFAULT_API_INSTANCES };
  const s = apiAutoscaling(api);
  return {
    ...api.scaling,
    desired: s.desired,
    scaleUpCpuPercent: s.scaleUpCpuPercent,
    scaleDownCpuPercent: s.scaleDownCpuPercent,
    granularitySeconds: s.granularitySeconds,
    evaluationPeriods: s.evaluationPeriods,
    cooldownSeconds: s.cooldownSeconds,
  };
}

/** The environment with the constructs' defaults in place of what it leaves out. */
function withConstructDefaults(e: ParsedEnvironment) {
  const w = e.workers;
  const apiScaling = apiScalingWithDefaults(e.api);
  const workers = w.mode === "fixed" ? w : autoscaleWithDefaults(w);
  return {
    ...e,
    network: {
      ...e.network,
      dnsNameservers: e.network.dnsNameservers ?? [...DEFAULT_DNS_NAMESERVERS],
      externalNetwork: e.network.externalNetwork ?? DEFAULT_EXTERNAL_NETWORK,
    },
    access: { ...e.access, adminCidrs: e.access.adminCidrs ?? [], loginUser: e.access.loginUser ?? DEFAULT_LOGIN_USER },
    fractals: { apiPort: e.fractals?.apiPort ?? DEFAULT_API_PORT },
    api: {
      ...e.api,
      // The fixed API servers: none where Heat's group runs the API.
      count: apiScaling.mode === "fixed" ? apiScaling.count : 0,
      scaling: apiScaling,
      antiAffinity: e.api.antiAffinity ?? false,
      floatingIp: e.api.floatingIp ?? false,
    },
    services: e.services && {
      ...e.services,
      preventDestroy: e.services.preventDestroy ?? false,
      mysqlMaxConnections: e.services.mysqlMaxConnections ?? DEFAULT_MAX_CONNECTIONS,
    },
    workers,
    loadBalancer: e.loadBalancer && {
      algorithm: e.loadBalancer.algorithm ?? DEFAULT_ALGORITHM,
      // The controller's health endpoint, which the pool monitors when the config names no path.
      healthCheck: { path: HEALTH_PATH, ...DEFAULT_HEALTH_CHECK, ...e.loadBalancer.healthCheck },
    },
  };
}

function autoscaleWithDefaults(w: Extract<ParsedEnvironment["workers"], { mode: "autoscale" }>) {
  const s = WorkerScaling.autoscale(w);
  return {
    ...w,
    desired: s.desired,
    scaleUpCpuPercent: s.scaleUpCpuPercent,
    scaleDownCpuPercent: s.scaleDownCpuPercent,
    granularitySeconds: s.granularitySeconds,
    evaluationPeriods: s.evaluationPeriods,
    cooldownSeconds: s.cooldownSeconds,
  };
}

/**
 * Every server, Octavia's VIP and amphora ports and the DHCP port take an address from the
 * subnet's pool, which excludes the network, broadcast and gateway addresses.
 */
function subnetRoomIssue(e: EnvironmentConfig): string | undefined {
  const w = e.workers;
  const bastion = e.access.adminCidrs.length > 0 ? 1 : 0;
  const apiServers = e.api.scaling.mode === "fixed" ? e.api.scaling.count : e.api.scaling.max;
  const ports = apiServers + (e.services ? 1 : 0) + (w.mode === "fixed" ? w.count : w.max) + (e.loadBalancer ? 2 : 0) + bastion + 1;
  const room = 2 ** (32 - prefixOf(e.network.cidr)) - 3;
  if (ports <= room) return undefined;
  const prefix = 32 - Math.ceil(Math.log2(ports + 3));
  return `has room for ${room} ports, but the servers, load balancer and DHCP need up to ${ports}; use a /${prefix} or shorter prefix`;
}

/**
 * Config strings reach the synthesized JSON as they are, where Terraform would
 * evaluate `${...}` and `%{...}` (a name such as `x${file("/etc/passwd")}` would
 * read the planning machine's files): refused wherever they appear.
 */
function terraformExpressions(value: unknown, path: string[] = []): string[] {
  if (typeof value === "string") {
    return /\$\{|%\{/.test(value)
      ? [
          `${path.join(".") || "(root)"}: must not contain '\${' or '%{' (Terraform would evaluate it as an expression), got ${JSON.stringify(value)}`,
        ]
      : [];
  }
  if (Array.isArray(value)) return value.flatMap((v, i) => terraformExpressions(v, [...path, String(i)]));
  if (value && typeof value === "object") return Object.entries(value).flatMap(([k, v]) => terraformExpressions(v, [...path, k]));
  return [];
}

/** An environment's top-level fields the schema knows (the rest are refused as unknown keys). */
function knownKeys(input: unknown): unknown {
  if (!input || typeof input !== "object" || Array.isArray(input)) return input;
  return Object.fromEntries(Object.entries(input).filter(([key]) => ENVIRONMENT_KEYS.includes(key)));
}

/**
 * Validates a set of environments that share one OpenStack project: each must
 * be valid, their ids and name prefixes unique, and their subnets must not overlap.
 */
export function loadEnvironments(inputs: readonly unknown[]): EnvironmentConfig[] {
  const issues: string[] = [];
  const parsed: EnvironmentConfig[] = [];
  // Environments whose shape is right take part in the rules between environments, even when a value is wrong.
  const shaped: ParsedEnvironment[] = [];
  inputs.forEach((input, i) => {
    const checked = checkEnvironment(input, `environment #${i + 1}`);
    issues.push(...checked.issues);
    if (checked.shaped) shaped.push(checked.shaped);
    if (checked.config) parsed.push(checked.config);
  });
  for (let i = 0; i < shaped.length; i++) {
    for (let j = i + 1; j < shaped.length; j++) {
      const [a, b] = [shaped[i], shaped[j]];
      if (a.env === b.env) issues.push(`${b.env}: env: must be unique, '${a.env}' is defined twice`);
      else if (`${a.app}-${a.env}` === `${b.app}-${b.env}`) {
        issues.push(
          `${b.env}: app: '${b.app}-${b.env}' is also ${a.env}'s name prefix, so their OpenStack names would collide; change app or env`,
        );
      }
      if (isIpv4Cidr(a.network.cidr) && isIpv4Cidr(b.network.cidr) && cidrsOverlap(a.network.cidr, b.network.cidr)) {
        issues.push(
          `${b.env}: network.cidr: ${b.network.cidr} overlaps ${a.env}'s ${a.network.cidr}; environments share one project and need disjoint subnets`,
        );
      }
    }
  }
  if (issues.length > 0) throw new ConfigError(issues);
  return parsed;
}

function envLabel(input: unknown, fallback = "environment"): string {
  const env = (input as { env?: unknown } | null)?.env;
  return typeof env === "string" && env.length > 0 ? env : fallback;
}

function formatIssues(error: z.ZodError, env: string): string[] {
  return error.issues.map((issue) => {
    const path = issue.path.length > 0 ? issue.path.join(".") : "(root)";
    let message = issue.message;
    if (issue.code === z.ZodIssueCode.unrecognized_keys) {
      message = `unknown key(s) ${issue.keys.map((k) => `'${k}'`).join(", ")}; check the spelling against config/schema.ts`;
    } else if (issue.code === z.ZodIssueCode.invalid_type && issue.received === "undefined") {
      // Keep a field's own required_error: it says what to put there.
      message = issue.message === "Required" ? `is required (${issue.expected})` : issue.message;
    } else if (issue.code === z.ZodIssueCode.invalid_type && issue.message.startsWith("Expected ")) {
      message = `must be ${issue.expected}, got ${issue.received}`;
    }
    return `${env}: ${path}: ${message}`;
  });
}
