/**
 * Checks one synthesized stack (`cdk.tf.json`) against the provider schemas:
 * its provider configurations, every resource and data source (arguments,
 * nested blocks, validations, argument relations, meta-arguments) and every
 * reference to a resource or data source in any expression of the stack.
 */
import { checkBehaviour } from "./behaviour-rules";
import { checkBody, Report, ROOT } from "./check-block";
import { checkHeatStack } from "./heat-template";
import { isExpression, Reference, referencesIn } from "./expressions";
import { Finding, RuleId } from "./findings";
import {
  checkCountAndForEach,
  checkDependsOn,
  checkLifecycle,
  checkProviderReference,
  DATA_META_ARGUMENTS,
  RESOURCE_META_ARGUMENTS,
  StackIndex,
} from "./meta-arguments";
import { ProviderSchema, SchemaIndex, TypeSchema } from "./schema-index";
import { isPlainObject } from "./value-types";
import { satisfies } from "./version-constraints";

/** The parts of Terraform's JSON configuration syntax the checker reads. */
export interface TerraformJson {
  readonly terraform?: { readonly required_providers?: Record<string, string | { readonly source?: string; readonly version?: string }> };
  readonly provider?: Record<string, unknown>;
  readonly resource?: Record<string, Record<string, unknown>>;
  readonly data?: Record<string, Record<string, unknown>>;
  readonly output?: Record<string, unknown>;
  readonly locals?: Record<string, unknown>;
}

export function checkStack(stack: string, config: TerraformJson, index: SchemaIndex): Finding[] {
  const findings: Finding[] = [];
  const reporter =
    (address: string): Report =>
    (path: string, rule: RuleId, message: string) =>
      findings.push({ stack, address, path, rule, message });

  const requiredProviders = config.terraform?.required_providers ?? {};
  const providerSchema = (localName: string): ProviderSchema | undefined => {
    const entry = requiredProviders[localName];
    const source = typeof entry === "string" ? entry : entry?.source;
    // Without a required_providers entry Terraform assumes hashicorp/<name>, except for its own built-in provider.
    if (!source && localName === "terraform") return index.forSource("terraform.io/builtin/terraform");
    return index.forSource(source ?? `hashicorp/${localName}`);
  };

  checkProviderVersions(requiredProviders, providerSchema, reporter);
  const stackIndex: StackIndex = {
    addresses: new Set([
      ...instances(config.resource).map(([type, name]) => `${type}.${name}`),
      ...instances(config.data).map(([type, name]) => `data.${type}.${name}`),
    ]),
    providerConfigs: checkProviderConfigs(config, providerSchema, reporter),
  };

  for (const mode of ["resource", "data"] as const) {
    for (const [type, name, body] of instances(mode === "resource" ? config.resource : config.data)) {
      const address = mode === "resource" ? `${type}.${name}` : `data.${type}.${name}`;
      const report = reporter(address);
      if (!isPlainObject(body)) {
        report("", "block-shape", "must be an object");
        continue;
      }
      const providerRef = typeof body.provider === "string" ? body.provider.replace(/^\$\{|\}$/g, "") : undefined;
      const localName = providerRef?.split(".")[0] ?? type.split("_")[0];
      checkProviderReference(body, stackIndex, report);
      checkCountAndForEach(body, report);
      checkDependsOn(body, stackIndex, report);

      const provider = providerSchema(localName);
      const schema: TypeSchema | undefined = provider && (mode === "resource" ? provider.resources : provider.dataSources)[type];
      checkLifecycle(body, mode, schema?.block, stackIndex, report);
      if (!provider) {
        report(
          "",
          "unknown-provider",
          `no vendored schema for provider '${localName}' (${describeSource(requiredProviders[localName])}); add it under providers/ or fix required_providers`,
        );
      } else if (!schema) {
        const selected = providerRef ? ` (selected by provider = "${providerRef}")` : "";
        report(
          "",
          "unknown-type",
          `'${type}' is not a ${mode === "resource" ? "resource" : "data source"} of ${provider.source}${selected}`,
        );
      } else {
        const metaArguments = mode === "resource" ? RESOURCE_META_ARGUMENTS : DATA_META_ARGUMENTS;
        checkBody(body, schema.block, ROOT, { behaviour: schema.behaviour, report }, metaArguments);
        checkBehaviour(body, schema.block, schema.behaviour, report, metaArguments);
        if (type === "openstack_orchestration_stack_v1" && mode === "resource") checkHeatStack(body, report);
      }
    }
  }

  checkReferences(config, stackIndex, providerSchema, reporter);
  checkSensitiveOutputs(config, providerSchema, reporter);
  return findings;
}

/** Each provider with a vendored schema must be pinned to a version range that includes the vendored release. */
function checkProviderVersions(
  requiredProviders: NonNullable<NonNullable<TerraformJson["terraform"]>["required_providers"]>,
  providerSchema: (localName: string) => ProviderSchema | undefined,
  reporter: (address: string) => Report,
): void {
  for (const [localName, entry] of Object.entries(requiredProviders)) {
    const schema = providerSchema(localName);
    if (!schema?.version) continue;
    const constraint = typeof entry === "string" ? undefined : entry.version;
    const report = reporter(`terraform.required_providers.${localName}`);
    if (constraint === undefined) {
      report(
        "version",
        "provider-version",
        `is not set, so Terraform installs the newest release; pin it to the vendored schema's ${schema.version}`,
      );
    } else if (!satisfies(schema.version, constraint)) {
      report(
        "version",
        "provider-version",
        `'${constraint}' excludes ${schema.version}, the release whose schema is vendored under providers/`,
      );
    }
  }
}

/** Provider blocks: schema conformance, one default configuration, unique aliases. Returns the configurations. */
function checkProviderConfigs(
  config: TerraformJson,
  providerSchema: (localName: string) => ProviderSchema | undefined,
  reporter: (address: string) => Report,
): Map<string, Set<string>> {
  const configs = new Map<string, Set<string>>();
  for (const [localName, value] of Object.entries(config.provider ?? {})) {
    const aliases = new Set<string>();
    configs.set(localName, aliases);
    for (const body of Array.isArray(value) ? value : [value]) {
      const alias = isPlainObject(body) && typeof body.alias === "string" ? body.alias : "";
      const address = alias ? `provider.${localName}.${alias}` : `provider.${localName}`;
      const report = reporter(address);
      if (!isPlainObject(body)) {
        report("", "provider-config", "must be an object");
        continue;
      }
      if (aliases.has(alias)) {
        report(
          alias ? "alias" : "",
          "provider-config",
          alias ? `alias '${alias}' is configured twice` : "more than one default (unaliased) configuration",
        );
      }
      aliases.add(alias);
      const schema = providerSchema(localName);
      if (!schema) {
        report("", "unknown-provider", `no vendored schema for provider '${localName}'`);
        continue;
      }
      const providerMeta = new Set(["alias", "version"]);
      checkBody(body, schema.provider.block, ROOT, { behaviour: schema.provider.behaviour, report }, providerMeta);
      checkBehaviour(body, schema.provider.block, schema.provider.behaviour, report, providerMeta);
    }
  }
  return configs;
}

/**
 * Every `${type.name.attr}` in resources, data sources, outputs and locals must
 * name something declared in the stack, and `attr` must exist on its type.
 */
function checkReferences(
  config: TerraformJson,
  stack: StackIndex,
  providerSchema: (localName: string) => ProviderSchema | undefined,
  reporter: (address: string) => Report,
): void {
  const counted = new Set(
    [
      ...instances(config.resource).map(([t, n, b]) => [`${t}.${n}`, b] as const),
      ...instances(config.data).map(([t, n, b]) => [`data.${t}.${n}`, b] as const),
    ]
      .filter(([, b]) => isPlainObject(b) && (b.count !== undefined || b.for_each !== undefined))
      .map(([address]) => address),
  );
  const check = (address: string, body: unknown) => {
    const report = reporter(address);
    const iterators = dynamicIterators(body);
    for (const [path, expression] of expressionsIn(body, "")) {
      for (const ref of referencesIn(expression)) {
        if (ref.mode === "resource" && iterators.has(ref.type)) continue;
        const problem = referenceProblem(ref, stack, counted, providerSchema);
        if (problem) report(path, "reference", problem);
      }
    }
  };
  for (const [type, name, body] of instances(config.resource)) check(`${type}.${name}`, body);
  for (const [type, name, body] of instances(config.data)) check(`data.${type}.${name}`, body);
  for (const [name, body] of Object.entries(config.output ?? {})) check(`output.${name}`, body);
  for (const [name, body] of Object.entries(config.locals ?? {})) check(`local.${name}`, body);
}

function referenceProblem(
  ref: Reference,
  stack: StackIndex,
  counted: ReadonlySet<string>,
  providerSchema: (localName: string) => ProviderSchema | undefined,
): string | undefined {
  if (!stack.addresses.has(ref.address)) {
    return `refers to '${ref.address}', which is not declared in this stack`;
  }
  if (counted.has(ref.address) && !ref.indexed && ref.attribute) {
    return `'${ref.address}' has count or for_each: select an instance ('${ref.address}[0].${ref.attribute}') or use a splat`;
  }
  const provider = providerSchema(ref.type.split("_")[0]);
  const schema = provider && (ref.mode === "resource" ? provider.resources : provider.dataSources)[ref.type];
  if (!schema || !ref.attribute) return undefined;
  const block = schema.block;
  if (!(ref.attribute in (block.attributes ?? {})) && !(ref.attribute in (block.block_types ?? {}))) {
    return `'${ref.type}' has no attribute '${ref.attribute}' (in '${ref.address}.${ref.attribute}')`;
  }
  return undefined;
}

/** Terraform refuses an output that reads a sensitive attribute unless the output is marked sensitive too. */
function checkSensitiveOutputs(
  config: TerraformJson,
  providerSchema: (localName: string) => ProviderSchema | undefined,
  reporter: (address: string) => Report,
): void {
  for (const [name, output] of Object.entries(config.output ?? {})) {
    if (!isPlainObject(output) || output.sensitive === true) continue;
    for (const [path, expression] of expressionsIn(output.value, "value")) {
      for (const ref of referencesIn(expression)) {
        const provider = providerSchema(ref.type.split("_")[0]);
        const schema = provider && (ref.mode === "resource" ? provider.resources : provider.dataSources)[ref.type];
        if (ref.attribute && schema?.block.attributes?.[ref.attribute]?.sensitive) {
          reporter(`output.${name}`)(
            path,
            "sensitive-output",
            `shows sensitive '${ref.address}.${ref.attribute}'; set sensitive = true on the output`,
          );
        }
      }
    }
  }
}

/**
 * [path, expression] for every expression string in a value, skipping cdktf's
 * `//` metadata and `replace_triggered_by`, whose targets the lifecycle rule checks.
 */
function expressionsIn(value: unknown, path: string): [string, string][] {
  if (isExpression(value)) return [[path, value]];
  if (Array.isArray(value)) return value.flatMap((v, i) => expressionsIn(v, `${path}[${i}]`));
  if (isPlainObject(value)) {
    return Object.entries(value)
      .filter(([k]) => k !== "//" && !(path === "lifecycle" && k === "replace_triggered_by"))
      .flatMap(([k, v]) => expressionsIn(v, path ? `${path}.${k}` : k));
  }
  return [];
}

/** Names a dynamic block's content may use for its element (`fixed_ip.value`): the block name or its `iterator`. */
function dynamicIterators(value: unknown): Set<string> {
  const names = new Set<string>();
  const visit = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(visit);
    if (!isPlainObject(v)) return;
    if (isPlainObject(v.dynamic)) {
      for (const [block, spec] of Object.entries(v.dynamic)) {
        names.add(block);
        if (isPlainObject(spec) && typeof spec.iterator === "string") names.add(spec.iterator);
      }
    }
    Object.values(v).forEach(visit);
  };
  visit(value);
  return names;
}

function instances(blocks: Record<string, Record<string, unknown>> | undefined): [string, string, unknown][] {
  return Object.entries(blocks ?? {}).flatMap(([type, byName]) =>
    Object.entries(byName ?? {}).map(([name, body]) => [type, name, body] as [string, string, unknown]),
  );
}

function describeSource(entry: string | { readonly source?: string } | undefined): string {
  const source = typeof entry === "string" ? entry : entry?.source;
  return source ? `source ${source}` : "not in required_providers, so Terraform assumes hashicorp/<name>";
}
