/**
 * The provider schemas the conformance checker knows, indexed by provider
 * source address: the vendored OpenStack schema and behaviour file, and a small
 * hand-written schema for hashicorp/random.
 */
import * as fs from "fs";
import * as path from "path";
import type { AttributeBehaviour, BehaviourFile, ProviderSchemasFile, SchemaBlock } from "../schema/types";
import { VENDORED_PROVIDERS } from "../vendored";

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
  readonly schema: ProviderSchemasFile;
  readonly behaviour?: BehaviourFile;
  readonly version?: string;
}

const PROVIDERS_DIR = path.resolve(__dirname, "..");

export class SchemaIndex {
  /** The index of the schemas vendored under providers/. */
  static vendored(): SchemaIndex {
    return new SchemaIndex(
      VENDORED_PROVIDERS.map((files) => ({
        schema: readJson(path.join(PROVIDERS_DIR, files.schema)) as ProviderSchemasFile,
        behaviour: readJson(path.join(PROVIDERS_DIR, files.behaviour)) as BehaviourFile,
        version: files.version,
      })),
    );
  }

  private readonly bySource = new Map<string, ProviderSchema>();

  constructor(files: readonly ProviderSchemaFiles[]) {
    for (const { schema, behaviour, version } of files) {
      for (const [source, p] of Object.entries(schema.provider_schemas)) {
        const typeSchemas = (blocks: Record<string, { block: SchemaBlock }> | undefined, extra: BehaviourFile["resources"]) =>
          Object.fromEntries(
            Object.entries(blocks ?? {}).map(([name, s]) => [name, { block: s.block, behaviour: extra?.[name]?.attributes ?? {} }]),
          );
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
