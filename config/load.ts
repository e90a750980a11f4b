/**
 * Validates every environment, alone and against the others, before any construct runs.
 */
import { z } from "zod";
import { cidrsOverlap, environmentSchema, EnvironmentConfig } from "./schema";

/** Thrown for bad configuration; `main.ts` prints `issues` and exits non-zero, with no stack trace. */
export class ConfigError extends Error {
  constructor(readonly issues: string[]) {
    super(`invalid configuration:\n${issues.map((i) => `  - ${i}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

/** Validates one environment; `label` names it in messages when `env` itself is unreadable. */
export function parseEnvironment(input: unknown, label?: string): EnvironmentConfig {
  const expressions = terraformExpressions(input);
  if (expressions.length > 0) throw new ConfigError(expressions.map((i) => `${envLabel(input, label)}: ${i}`));
  const result = environmentSchema.safeParse(input);
  if (!result.success) throw new ConfigError(formatIssues(result.error, envLabel(input, label)));
  return result.data;
}

/**
 * Config strings reach the synthesized JSON as they are, where Terraform would
 * evaluate `${...}` and `%{...}` (a name such as `x${file("/etc/passwd")}` would
 * read the planning machine's files): refused wherever they appear.
 */
function terraformExpressions(value: unknown, path: string[] = []): string[] {
  if (typeof value === "string") {
    return /\$\{|%\{/.test(value)
      ? [`${path.join(".") || "(root)"}: must not contain '\${' or '%{' (Terraform would evaluate it as an expression), got ${JSON.stringify(value)}`]
      : [];
  }
  if (Array.isArray(value)) return value.flatMap((v, i) => terraformExpressions(v, [...path, String(i)]));
  if (value && typeof value === "object") return Object.entries(value).flatMap(([k, v]) => terraformExpressions(v, [...path, k]));
  return [];
}

/**
 * Validates a set of environments that share one OpenStack project: each must
 * be valid, their ids and name prefixes unique, and their subnets must not overlap.
 */
export function loadEnvironments(inputs: readonly unknown[]): EnvironmentConfig[] {
  const issues: string[] = [];
  const parsed: EnvironmentConfig[] = [];
  inputs.forEach((input, i) => {
    try {
      parsed.push(parseEnvironment(input, `environment #${i + 1}`));
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      issues.push(...err.issues);
    }
  });
  for (let i = 0; i < parsed.length; i++) {
    for (let j = i + 1; j < parsed.length; j++) {
      const [a, b] = [parsed[i], parsed[j]];
      if (a.env === b.env) issues.push(`${b.env}: env: must be unique, '${a.env}' is defined twice`);
      else if (`${a.app}-${a.env}` === `${b.app}-${b.env}`) {
        issues.push(`${b.env}: app: '${b.app}-${b.env}' is also ${a.env}'s name prefix, so their OpenStack names would collide; change app or env`);
      }
      if (cidrsOverlap(a.network.cidr, b.network.cidr)) {
        issues.push(`${b.env}: network.cidr: ${b.network.cidr} overlaps ${a.env}'s ${a.network.cidr}; environments share one project and need disjoint subnets`);
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
