/**
 * hashicorp/random, the part the project uses: random_password and
 * random_string, schema as documented for v3.7.2 (every argument replaces
 * the resource when it changes; the result is generated at apply).
 * Nothing lives in the simulated cloud: like the real provider, the value
 * exists only in Terraform's state.
 */
import { randomInt } from "node:crypto";
import { hashSync } from "bcryptjs";
import type { ResourceBehaviour, Schema, SchemaAttribute } from "../../providers/schema/types";
import { ValueObject } from "../cty";
import { Diagnostic } from "../diagnostics";
import { planResourceChange } from "../planner";
import { ApplyResult, SimProvider } from "../plugin-server";
import { validateConfig } from "../validation";

const DEFAULT_SPECIAL = "!@#$%&*()-_=+[]{}<>:?";

const argument = (type: "number" | "bool" | "string", extra: Partial<SchemaAttribute> = {}): SchemaAttribute =>
  ({ type, optional: true, computed: true, description_kind: "plain", ...extra });

const stringAttributes: Record<string, SchemaAttribute> = {
  id: { type: "string", computed: true, description_kind: "plain" },
  keepers: { type: ["map", "string"], optional: true, description_kind: "plain" },
  length: { type: "number", required: true, description_kind: "plain" },
  lower: argument("bool"),
  min_lower: argument("number"),
  min_numeric: argument("number"),
  min_special: argument("number"),
  min_upper: argument("number"),
  number: argument("bool", { deprecated: true }),
  numeric: argument("bool"),
  override_special: { type: "string", optional: true, description_kind: "plain" },
  result: { type: "string", computed: true, description_kind: "plain" },
  special: argument("bool"),
  upper: argument("bool"),
};

const RESOURCES: Record<string, Schema> = {
  random_password: {
    version: 3,
    block: {
      attributes: {
        ...stringAttributes,
        bcrypt_hash: { type: "string", computed: true, sensitive: true, description_kind: "plain" },
        result: { type: "string", computed: true, sensitive: true, description_kind: "plain" },
      },
    },
  },
  random_string: { version: 2, block: { attributes: stringAttributes } },
};

const BEHAVIOUR: ResourceBehaviour = {
  attributes: {
    keepers: { force_new: true },
    length: { force_new: true, validation: { int_at_least: 1 } },
    lower: { force_new: true, default: true },
    min_lower: { force_new: true, default: 0, validation: { int_at_least: 0 } },
    min_numeric: { force_new: true, default: 0, validation: { int_at_least: 0 } },
    min_special: { force_new: true, default: 0, validation: { int_at_least: 0 } },
    min_upper: { force_new: true, default: 0, validation: { int_at_least: 0 } },
    number: { force_new: true, default: true },
    numeric: { force_new: true, default: true },
    override_special: { force_new: true },
    special: { force_new: true, default: true },
    upper: { force_new: true, default: true },
  },
};

export class RandomProvider implements SimProvider {
  readonly schemas = { provider: { version: 0, block: {} }, resources: RESOURCES, dataSources: {} };

  configure(): Diagnostic[] {
    return [];
  }

  validateResource(typeName: string, config: ValueObject): Diagnostic[] {
    const diagnostics = validateConfig(RESOURCES[typeName].block, BEHAVIOUR, config);
    const mins = ["min_upper", "min_lower", "min_numeric", "min_special"].map((k) => config[k]);
    const length = config.length;
    if (typeof length === "number" && mins.every((m) => typeof m === "number" || m === null)) {
      const sum = mins.reduce<number>((total, m) => total + (typeof m === "number" ? m : 0), 0);
      if (length < sum) {
        diagnostics.push({
          severity: "ERROR", summary: "Invalid Attribute Value", attribute: ["length"],
          detail: `Attribute length value must be at least sum of min_upper + min_lower + min_numeric + min_special, got: ${length}`,
        });
      }
    }
    return diagnostics;
  }

  validateDataSource(): Diagnostic[] {
    return [];
  }

  planResourceChange(typeName: string, prior: ValueObject | null, proposed: ValueObject | null, config: ValueObject | null) {
    // `number` is the deprecated spelling of `numeric`; the provider keeps the two in step.
    if (proposed && config) {
      const numeric = config.numeric ?? config.number ?? null;
      proposed = { ...proposed, numeric, number: numeric };
    }
    return planResourceChange(RESOURCES[typeName].block, BEHAVIOUR, prior, proposed, config);
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
}

/** A string honouring the character classes and minimums, shuffled with a CSPRNG. */
export function generate(spec: ValueObject): string {
  const classes: { chars: string; enabled: boolean; min: number }[] = [
    { chars: "ABCDEFGHIJKLMNOPQRSTUVWXYZ", enabled: spec.upper !== false, min: Number(spec.min_upper ?? 0) },
    { chars: "abcdefghijklmnopqrstuvwxyz", enabled: spec.lower !== false, min: Number(spec.min_lower ?? 0) },
    { chars: "0123456789", enabled: spec.numeric !== false, min: Number(spec.min_numeric ?? 0) },
    {
      chars: typeof spec.override_special === "string" ? spec.override_special : DEFAULT_SPECIAL,
      enabled: spec.special !== false, min: Number(spec.min_special ?? 0),
    },
  ];
  const pick = (chars: string) => chars[randomInt(chars.length)];
  const chars: string[] = [];
  for (const c of classes) for (let i = 0; i < c.min && c.chars.length > 0; i++) chars.push(pick(c.chars));
  const pool = classes.filter((c) => c.enabled).map((c) => c.chars).join("");
  while (chars.length < Number(spec.length)) chars.push(pick(pool));
  for (let i = chars.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [chars[i], chars[j]] = [chars[j], chars[i]];
  }
  return chars.join("");
}
