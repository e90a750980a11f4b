/**
 * The provider schemas the conformance checker knows, indexed by provider
 * source address: the vendored OpenStack schema and behaviour file, and a small
 * hand-written schema for hashicorp/random.
 */
import * as fs from "fs";
import * as path from "path";

/** A Terraform type constraint as printed by `terraform providers schema -json`. */
export type CtyType =
  | "string" | "number" | "bool" | "dynamic"
  | ["list" | "set" | "map", CtyType]
  | ["object", Record<string, CtyType>]
  | ["tuple", CtyType[]];

export interface SchemaAttribute {
  readonly type: CtyType;
  readonly required?: boolean;
  readonly optional?: boolean;
  readonly computed?: boolean;
  readonly sensitive?: boolean;
  readonly deprecated?: boolean;
}

export interface SchemaBlockType {
  readonly nesting_mode: "single" | "group" | "list" | "set" | "map";
  readonly block: SchemaBlock;
  readonly min_items?: number;
  readonly max_items?: number;
}

export interface SchemaBlock {
  readonly attributes?: Record<string, SchemaAttribute>;
  readonly block_types?: Record<string, SchemaBlockType>;
}

/** A value validation recorded in a behaviour file (see provider-schemas/README.md). */
export interface Validation {
  readonly one_of?: readonly (string | number)[];
  readonly ignore_case?: boolean;
  readonly int_between?: readonly [number, number];
  readonly int_at_least?: number;
  readonly int_at_most?: number;
  readonly string_len_between?: readonly [number, number];
  readonly cidr?: boolean;
  readonly ip?: boolean;
  readonly json?: boolean;
  readonly uuid?: boolean;
  readonly regexp?: boolean;
  readonly rfc3339_time?: boolean;
  readonly not_empty?: boolean;
  readonly no_zero_values?: boolean;
  readonly match?: string;
  readonly all?: readonly Validation[];
  readonly any?: readonly Validation[];
  readonly custom?: string;
}

/** What the schema format drops, per attribute path (nested blocks as dotted paths, no indices). */
export interface AttributeBehaviour {
  readonly force_new?: boolean;
  readonly validation?: Validation;
  readonly elem?: { readonly validation?: Validation };
  readonly conflicts_with?: readonly string[];
  readonly exactly_one_of?: readonly string[];
  readonly at_least_one_of?: readonly string[];
  readonly required_with?: readonly string[];
}

export interface TypeSchema {
  readonly block: SchemaBlock;
  readonly behaviour: Record<string, AttributeBehaviour>;
}

export interface ProviderSchema {
  /** Fully qualified source address, e.g. registry.terraform.io/hashicorp/random. */
  readonly source: string;
  /** The provider release the schema was taken from, when known. */
  readonly version?: string;
  readonly provider: TypeSchema;
  readonly resources: Record<string, TypeSchema>;
  readonly dataSources: Record<string, TypeSchema>;
}

/** The two files a provider is described by: `terraform providers schema -json` output and a behaviour file. */
export interface ProviderSchemaFiles {
  readonly schema: SchemasJson;
  readonly behaviour?: BehaviourJson;
  readonly version?: string;
}

interface SchemasJson {
  readonly provider_schemas: Record<string, {
    readonly provider: { readonly block: SchemaBlock };
    readonly resource_schemas?: Record<string, { readonly block: SchemaBlock }>;
    readonly data_source_schemas?: Record<string, { readonly block: SchemaBlock }>;
  }>;
}

interface BehaviourJson {
  readonly provider?: { readonly attributes?: Record<string, AttributeBehaviour> };
  readonly resources?: Record<string, { readonly attributes?: Record<string, AttributeBehaviour> }>;
  readonly data_sources?: Record<string, { readonly attributes?: Record<string, AttributeBehaviour> }>;
}

const PROVIDERS_DIR = path.resolve(__dirname, "..");

/** The schema files vendored in this repository, relative to providers/. */
const VENDORED: readonly { schema: string; behaviour: string; version: string }[] = [
  { schema: "openstack/openstack-3.4.0.json", behaviour: "openstack/openstack-3.4.0.behaviour.json", version: "3.4.0" },
  { schema: "random/random-schema.json", behaviour: "random/random-behaviour.json", version: "3.7.2" },
];

export class SchemaIndex {
  /** The index of the schemas vendored under providers/. */
  static vendored(): SchemaIndex {
    return new SchemaIndex(VENDORED.map((files) => ({
      schema: readJson(path.join(PROVIDERS_DIR, files.schema)) as SchemasJson,
      behaviour: readJson(path.join(PROVIDERS_DIR, files.behaviour)) as BehaviourJson,
      version: files.version,
    })));
  }

  private readonly bySource = new Map<string, ProviderSchema>();

  constructor(files: readonly ProviderSchemaFiles[]) {
    for (const { schema, behaviour, version } of files) {
      for (const [source, p] of Object.entries(schema.provider_schemas)) {
        const typeSchemas = (blocks: Record<string, { block: SchemaBlock }> | undefined, extra: BehaviourJson["resources"]) =>
          Object.fromEntries(Object.entries(blocks ?? {}).map(([name, s]) =>
            [name, { block: s.block, behaviour: extra?.[name]?.attributes ?? {} }]));
        this.bySource.set(normalizeSource(source), {
          source: normalizeSource(source),
          version,
          provider: { block: p.provider.block, behaviour: behaviour?.provider?.attributes ?? {} },
          resources: typeSchemas(p.resource_schemas, behaviour?.resources),
          dataSources: typeSchemas(p.data_source_schemas, behaviour?.data_sources),
        });
      }
    }
  }

  /** The provider schema for a `required_providers` source such as `hashicorp/random`. */
  forSource(source: string): ProviderSchema | undefined {
    return this.bySource.get(normalizeSource(source));
  }
}

/** `hashicorp/random` and `registry.terraform.io/hashicorp/random` name the same provider. */
export function normalizeSource(source: string): string {
  const parts = source.toLowerCase().split("/");
  return parts.length === 2 ? `registry.terraform.io/${parts.join("/")}` : parts.join("/");
}

function readJson(file: string): unknown {
  return JSON.parse(fs.readFileSync(file, "utf8"));
}
