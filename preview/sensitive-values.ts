import { AttributePath, PlanJson, ValuesModule } from "./plan-json";

/** What the comment shows in place of a secret. */
export const SENSITIVE = "(sensitive value)";

/**
 * Attribute names that hold secrets whatever the provider's schema or the
 * plan's markers say: a defence for providers that forget to mark them and
 * for the synthesized JSON, which has no markers at all.
 */
export const SECRET_NAME = /pass(word|wd|phrase)?($|_)|secret|token|private_?key|api_?key|credential/i;

/**
 * Values that carry their own credential, such as Heat's pre-signed signal
 * URLs (anyone holding one can scale the group) or S3 pre-signed URLs.
 */
export const SECRET_VALUE = /[?&](Signature|X-Amz-Signature|X-Amz-Credential|AWSAccessKeyId|temp_url_sig)=/i;

/**
 * User information in a URL (`https://user:password@host`, `git+ssh://token@host`):
 * everything between `scheme://` and the last `@` of the authority, and also
 * `user:…@` when the password holds a `/` (a malformed URL still leaks it).
 * Matching more than the credentials (a path holding an `@` after a port)
 * only masks more.
 */
const URL_CREDENTIALS = /([a-z][a-z0-9+.-]*:\/\/)(?:[^\s/?#]*@|[^\s/?#@:]*:[^\s@]*@)/gi;

/** `text` with the credentials of every URL in it masked: `https://(sensitive value)@host`. */
export function maskUrlCredentials(text: string): string {
  return text.replace(URL_CREDENTIALS, `$1${SENSITIVE}@`);
}

/**
 * Known secrets shorter than this are not searched for inside other values:
 * masking every "1" or "yes" would hide the whole plan and protect nothing.
 */
const MIN_SECRET_LENGTH = 4;

/**
 * A sensitivity marker (`before_sensitive`, `after_sensitive`,
 * `sensitive_values`) mirrors the value's structure; `true` at any level
 * marks everything below it.
 */
/**
 * The marker for a value that is sensitive wherever either marker says so:
 * a value unmarked before a change and sensitive after it (or the reverse)
 * is the same secret on both sides.
 */
export function unionMarker(a: unknown, b: unknown): unknown {
  if (a === true || b === true) return true;
  const container = (m: unknown): m is object => m !== null && typeof m === "object";
  if (!container(a)) return container(b) ? b : a;
  if (!container(b)) return a;
  if (Array.isArray(a) && Array.isArray(b)) return Array.from({ length: Math.max(a.length, b.length) }, (_, i) => unionMarker(a[i], b[i]));
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return Object.fromEntries([...keys].map((key) => [key, unionMarker(childMarker(a, key), childMarker(b, key))]));
}

export function childMarker(marker: unknown, key: string | number): unknown {
  if (marker === true) return true;
  if (marker !== null && typeof marker === "object") return (marker as Record<string | number, unknown>)[key];
  return undefined;
}

/**
 * Renders attribute values for the comment with every secret masked: values
 * under a sensitivity marker, values of secret-looking attributes, and any
 * string containing a value the plan marks sensitive anywhere else (Terraform
 * loses markers in places, e.g. a value copied into a computed attribute).
 */
export class Redactor {
  /** A redactor that knows every value `plan` marks sensitive. */
  static forPlan(plan: PlanJson): Redactor {
    return new Redactor(collectSensitiveStrings(plan));
  }

  private readonly secrets: readonly string[];

  constructor(knownSecrets: Iterable<string> = []) {
    this.secrets = [...new Set(knownSecrets)].filter((s) => s.length >= MIN_SECRET_LENGTH);
  }

  /** True when a value at `path` must not be shown, whatever it is. */
  isSecretPath(path: AttributePath): boolean {
    return path.some((segment) => typeof segment === "string" && SECRET_NAME.test(segment));
  }

  /** `value` (at `path`, with sensitivity `marker`) as one line of JSON, secrets masked. */
  render(value: unknown, marker: unknown, path: AttributePath): string {
    if (marker === true || this.isSecretPath(path)) return SENSITIVE;
    const masked = this.mask(value, marker);
    if (masked === SENSITIVE) return SENSITIVE;
    return JSON.stringify(masked) ?? "null";
  }

  /** Free text (Terraform's diagnostics) with every known secret and pre-signed URL masked. */
  maskText(text: string): string {
    let masked = maskUrlCredentials(text).replace(
      /\S*[?&](Signature|X-Amz-Signature|X-Amz-Credential|AWSAccessKeyId|temp_url_sig)=\S*/gi,
      SENSITIVE,
    );
    // Longest first, so a secret containing another is masked whole.
    for (const secret of [...this.secrets].sort((a, b) => b.length - a.length)) masked = masked.split(secret).join(SENSITIVE);
    return masked;
  }

  private mask(value: unknown, marker: unknown): unknown {
    if (marker === true) return SENSITIVE;
    if (typeof value === "string")
      return SECRET_VALUE.test(value) || this.secrets.some((s) => value.includes(s)) ? SENSITIVE : maskUrlCredentials(value);
    if (Array.isArray(value)) return value.map((item, i) => this.mask(item, childMarker(marker, i)));
    if (value !== null && typeof value === "object") {
      return Object.fromEntries(
        Object.entries(value).map(([key, item]) => [key, SECRET_NAME.test(key) ? SENSITIVE : this.mask(item, childMarker(marker, key))]),
      );
    }
    return value;
  }
}

/** Every string the plan marks sensitive: in changes, states, outputs and variables. */
export function collectSensitiveStrings(plan: PlanJson): Set<string> {
  const found = new Set<string>();
  const collect = (value: unknown, marker: unknown): void => {
    if (marker === true) {
      collectAllStrings(value, found);
      return;
    }
    if (marker === null || typeof marker !== "object" || value === null || typeof value !== "object") return;
    for (const [key, item] of Object.entries(value)) collect(item, childMarker(marker, key));
  };
  const collectModule = (module: ValuesModule | undefined): void => {
    for (const resource of module?.resources ?? []) collect(resource.values, resource.sensitive_values);
    for (const child of module?.child_modules ?? []) collectModule(child);
  };

  for (const change of [...(plan.resource_changes ?? []).map((rc) => rc.change), ...Object.values(plan.output_changes ?? {})]) {
    // Sensitive on either side: the other side's value is the same secret, or its predecessor.
    const either = unionMarker(change.before_sensitive, change.after_sensitive);
    collect(change.before, either);
    collect(change.after, either);
  }
  collectModule(plan.prior_state?.values?.root_module);
  collectModule(plan.planned_values.root_module);
  for (const values of [plan.prior_state?.values, plan.planned_values]) {
    for (const output of Object.values(outputsOf(values))) if (output.sensitive === true) collectAllStrings(output.value, found);
  }
  for (const name of sensitiveVariableNames(plan.configuration)) collectAllStrings(plan.variables?.[name]?.value, found);
  return found;
}

function collectAllStrings(value: unknown, into: Set<string>): void {
  if (typeof value === "string") into.add(value);
  else if (typeof value === "number") into.add(String(value));
  else if (value !== null && typeof value === "object") for (const item of Object.values(value)) collectAllStrings(item, into);
}

function outputsOf(values: unknown): Record<string, { sensitive?: unknown; value?: unknown }> {
  const outputs = (values as { outputs?: unknown } | undefined)?.outputs;
  return outputs !== null && typeof outputs === "object" ? (outputs as Record<string, { sensitive?: unknown; value?: unknown }>) : {};
}

/** Root-module variables declared `sensitive = true` (their values are in the plan's `variables`). */
function sensitiveVariableNames(configuration: unknown): string[] {
  const variables = (configuration as { root_module?: { variables?: Record<string, { sensitive?: unknown }> } } | undefined)?.root_module
    ?.variables;
  if (variables === null || typeof variables !== "object") return [];
  return Object.entries(variables)
    .filter(([, declaration]) => declaration?.sensitive === true)
    .map(([name]) => name);
}
