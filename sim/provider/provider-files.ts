/** A provider's schema file and behaviour file, read into what the simulator serves and plans with. */
import { readFileSync } from "node:fs";
import type { BehaviourFile, ProviderSchemasFile } from "../../providers/schema/types";
import type { ProviderSchemas } from "../protocol/plugin-server";

export interface ProviderFiles {
  readonly schemas: ProviderSchemas;
  readonly behaviour: BehaviourFile;
}

/** Reads a `terraform providers schema -json` file describing one provider, and its behaviour file. */
export function readProviderFiles(schemaFile: string, behaviourFile: string): ProviderFiles {
  const file = JSON.parse(readFileSync(schemaFile, "utf8")) as ProviderSchemasFile;
  const [served] = Object.values(file.provider_schemas);
  return {
    schemas: { provider: served.provider, resources: served.resource_schemas ?? {}, dataSources: served.data_source_schemas ?? {} },
    behaviour: JSON.parse(readFileSync(behaviourFile, "utf8")) as BehaviourFile,
  };
}
