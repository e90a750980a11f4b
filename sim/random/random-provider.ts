/**
 * hashicorp/random, the part the project uses: random_password and
 * random_string, served from providers/random/random-schema.json and planned
 * from its behaviour file, the files the conformance checker reads (every
 * argument replaces the resource when it changes; the result is generated at
 * apply). Nothing lives in the simulated cloud: like the real provider, the
 * value exists only in Terraform's state.
 */
import { randomInt } from "node:crypto";
import { hashSync } from "bcryptjs";
import type { SchemaBlock } from "../../providers/schema/types";
import { ValueObject } from "../protocol/cty";
import { Diagnostic } from "../provider/diagnostics";
import { RANDOM_BEHAVIOUR, RANDOM_SCHEMA } from "../cli/paths";
import { planResourceChange } from "../provider/planner";
import { ApplyResult, SimProvider } from "../protocol/plugin-server";
import { readProviderFiles } from "../provider/provider-files";
import { validateConfig } from "../provider/validation";

const DEFAULT_SPECIAL = "!@#$%&*()-_=+[]{}<>:?";

export class RandomProvider implements SimProvider {
  private readonly files = readProviderFiles(RANDOM_SCHEMA, RANDOM_BEHAVIOUR);
  readonly schemas = this.files.schemas;

  configure(): Diagnostic[] {
    return [];
  }

  /** The behaviour file's rules, its custom AtLeastSumOf(min_upper, ...) on length included (providers/schema/behaviour.ts). */
  validateResource(typeName: string, config: ValueObject): Diagnostic[] {
    return validateConfig(this.block(typeName), this.files.behaviour.resources?.[typeName], config);
  }

  validateDataSource(): Diagnostic[] {
    return [];
  }

  planResourceChange(typeName: string, prior: ValueObject | null, proposed: ValueObject | null, config: ValueObject | null) {
    // `number` is the deprecated spelling of `numeric`: the provider's NumberNumericAttributePlanModifier
    // keeps the two in step and makes both true when neither is set (so the behaviour file has no default).
    if (proposed && config) {
      const numeric = config.numeric ?? config.number ?? true;
      proposed = { ...proposed, numeric, number: numeric };
    }
    return planResourceChange(this.block(typeName), this.files.behaviour.resources?.[typeName], prior, proposed, config);
  }

  applyResourceChange(typeName: string, prior: ValueObject | null, planned: ValueObject | null): ApplyResult {
    if (planned === null) return { newState: null, diagnostics: [] };
    if (prior !== null) return { newState: planned, diagnostics: [] };
    const result = generate(planned);
    const state: ValueObject = { ...planned, result, id: typeName === "random_password" ? "none" : result };
    if (typeName === "random_password") state.bcrypt_hash = hashSync(result, 10);
    return { newState: state, diagnostics: [] };
  }

  readResource(_typeName: string, state: ValueObject): ValueObject {
    return state;
  }

  readDataSource(typeName: string): { state: null; diagnostics: Diagnostic[] } {
    return { state: null, diagnostics: [{ severity: "ERROR", summary: `the simulated random provider has no data source ${typeName}` }] };
  }

  importResource(typeName: string): { state: null; diagnostics: Diagnostic[] } {
    return { state: null, diagnostics: [{ severity: "ERROR", summary: `importing ${typeName} is not simulated` }] };
  }

  private block(typeName: string): SchemaBlock {
    return this.schemas.resources[typeName].block;
  }
}

/** A string honouring the character classes and minimums, shuffled with a CSPRNG. */
export function generate(spec: ValueObject): string {
  const classes: { chars: string; enabled: boolean; min: number }[] = [
    { chars: "ABCDEFGHIJKLMNOPQRSTUVWXYZ", enabled: spec.upper !== false, min: Number(spec.min_upper ?? 0) },
    { chars: "abcdefghijklmnopqrstuvwxyz", enabled: spec.lower !== false, min: Number(spec.min_lower ?? 0) },
    { chars: "0123456789", enabled: spec.numeric !== false, min: Number(spec.min_numeric ?? 0) },
    {
      chars: typeof spec.override_special === "string" ? spec.override_special : DEFAULT_SPECIAL,
      enabled: spec.special !== false,
      min: Number(spec.min_special ?? 0),
    },
  ];
  const pick = (chars: string) => chars[randomInt(chars.length)];
  const chars: string[] = [];
  for (const c of classes) for (let i = 0; i < c.min && c.chars.length > 0; i++) chars.push(pick(c.chars));
  const pool = classes
    .filter((c) => c.enabled)
    .map((c) => c.chars)
    .join("");
  while (chars.length < Number(spec.length)) chars.push(pick(pool));
  for (let i = chars.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [chars[i], chars[j]] = [chars[j], chars[i]];
  }
  return chars.join("");
}
