/**
 * The provider schema format the conformance checker and the simulator both
 * read: `terraform providers schema -json` output, and the behaviour files
 * beside it that record what that format drops (ForceNew, validations,
 * defaults, cross-attribute rules). Types only; behaviour.ts interprets the
 * behaviour files for both, value-formats.ts holds the formats they check.
 */

/** A Terraform type constraint as printed by `terraform providers schema -json`. */
export type CtyType =
  "string" | "number" | "bool" | "dynamic" | ["list" | "set" | "map", CtyType] | ["object", Record<string, CtyType>] | ["tuple", CtyType[]];

export interface SchemaAttribute {
  readonly type: CtyType;
  readonly description?: string;
  readonly description_kind?: string;
  readonly required?: boolean;
  readonly optional?: boolean;
  readonly computed?: boolean;
  readonly sensitive?: boolean;
  readonly deprecated?: boolean;
}

export type NestingMode = "single" | "group" | "list" | "set" | "map";

export interface SchemaNestedBlock {
  readonly nesting_mode: NestingMode;
  readonly block: SchemaBlock;
  readonly min_items?: number;
  readonly max_items?: number;
}

export interface SchemaBlock {
  readonly attributes?: Record<string, SchemaAttribute>;
  readonly block_types?: Record<string, SchemaNestedBlock>;
  readonly description?: string;
  readonly description_kind?: string;
  readonly deprecated?: boolean;
}

/** The schema of a provider's configuration, a resource type or a data source. */
export interface Schema {
  readonly version: number;
  readonly block: SchemaBlock;
}

/** A `terraform providers schema -json` file, keyed by provider source address. */
export interface ProviderSchemasFile {
  readonly provider_schemas: Record<
    string,
    {
      readonly provider: Schema;
      readonly resource_schemas?: Record<string, Schema>;
      readonly data_source_schemas?: Record<string, Schema>;
    }
  >;
}

/** A value validation recorded in a behaviour file (SDKv2's ValidateFunc, or the framework's validators). */
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
  /** A provider-specific validator, by name; only some can be reproduced offline. */
  readonly custom?: string;
}

/** What the schema format drops about one attribute. */
export interface AttributeBehaviour {
  readonly force_new?: boolean;
  /** SDKv2's static Default (or the framework's static default). */
  readonly default?: string | number | boolean;
  readonly validation?: Validation;
  readonly elem?: { readonly validation?: Validation };
  readonly conflicts_with?: readonly string[];
  readonly exactly_one_of?: readonly string[];
  readonly at_least_one_of?: readonly string[];
  readonly required_with?: readonly string[];
  readonly state_func?: boolean;
  /** How the StateFunc transforms the configured value (sha1_hex, lower, normalize_json). */
  readonly state_func_kind?: string;
}

export interface ResourceBehaviour {
  /** Keyed by attribute path, nested blocks as dotted paths without indices (`block_device.uuid`). */
  readonly attributes: Record<string, AttributeBehaviour>;
}

/** A behaviour file (see providers/openstack/openstack-3.4.0.behaviour.json). */
export interface BehaviourFile {
  readonly provider?: ResourceBehaviour;
  readonly resources?: Record<string, ResourceBehaviour>;
  readonly data_sources?: Record<string, ResourceBehaviour>;
}
