/**
 * Serves a SimProvider to Terraform over plugin protocol 5: the go-plugin
 * handshake on stdout, mutual TLS, the tfplugin5 Provider service and
 * go-plugin's GRPCController (see ../shared/docs/PLUGIN-PROTOCOL.md).
 */
import * as grpc from "@grpc/grpc-js";
import * as path from "node:path";
import * as protobuf from "protobufjs";
import { generatePluginCertificate } from "./certificate";
import type { CtyType, Schema, SchemaBlock } from "../../providers/schema/types";
import { blockType, decodeValue, encodeValue, Value, ValueObject } from "./cty";
import { Diagnostic, PathStep } from "../provider/diagnostics";
import { Plan } from "../provider/planner";

const MAGIC_COOKIE_KEY = "TF_PLUGIN_MAGIC_COOKIE";
const MAGIC_COOKIE = "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2";

export interface ProviderSchemas {
  readonly provider: Schema;
  readonly resources: Record<string, Schema>;
  readonly dataSources: Record<string, Schema>;
}

export interface ApplyResult {
  readonly newState: ValueObject | null;
  readonly diagnostics: Diagnostic[];
  /** See planner.ts: set where the simulator reproduces an SDKv2 liberty Terraform only tolerates for legacy providers. */
  readonly legacyTypeSystem?: boolean;
}

/** What a simulated provider implements; the server does the wire work. */
export interface SimProvider {
  readonly schemas: ProviderSchemas;
  configure(config: ValueObject): Diagnostic[];
  validateResource(typeName: string, config: ValueObject): Diagnostic[];
  validateDataSource(typeName: string, config: ValueObject): Diagnostic[];
  planResourceChange(
    typeName: string,
    prior: ValueObject | null,
    proposed: ValueObject | null,
    config: ValueObject | null,
  ): Plan & { diagnostics?: Diagnostic[] };
  /** `config` decodes the apply's configuration on demand: only what must keep unplanned values (Nova's user data) pays for it. */
  applyResourceChange(
    typeName: string,
    prior: ValueObject | null,
    planned: ValueObject | null,
    config?: () => ValueObject | null,
  ): ApplyResult;
  /** The object as the cloud has it now; null when it is gone (Terraform then plans to create it again). */
  readResource(typeName: string, state: ValueObject): ValueObject | null;
  readDataSource(typeName: string, config: ValueObject): { state: ValueObject | null; diagnostics: Diagnostic[] };
  importResource(typeName: string, id: string): { state: ValueObject | null; diagnostics: Diagnostic[] };
}

type Callback = (error: grpc.ServiceError | null, response?: unknown) => void;
type DynamicValue = { msgpack?: Buffer; json?: Buffer } | undefined;

/**
 * Starts the gRPC server and prints go-plugin's handshake line. Outside
 * Terraform (no magic cookie) it explains itself and exits, as go-plugin does.
 */
export async function servePlugin(provider: SimProvider, protoDir: string): Promise<void> {
  if (process.env[MAGIC_COOKIE_KEY] !== MAGIC_COOKIE) {
    process.stderr.write(
      "This binary is a plugin. These are not meant to be executed directly.\n" +
        "Please execute the program that consumes these plugins, which will load any plugins automatically.\n",
    );
    process.exit(1);
  }
  const versions = (process.env.PLUGIN_PROTOCOL_VERSIONS ?? "5").split(",").map((v) => v.trim());
  if (!versions.includes("5")) {
    process.stderr.write(`simulated provider speaks plugin protocol 5 only; Terraform offered ${versions.join(",")}\n`);
    process.exit(1);
  }
  // Ctrl-C reaches every process of the group; Terraform forwards it as the Stop RPC instead.
  process.on("SIGINT", () => undefined);
  // Terraform normally ends a plugin with Shutdown or a kill; if Terraform itself was killed, do not linger.
  const parent = process.ppid;
  setInterval(() => process.ppid !== parent && process.exit(0), 1000).unref();

  const clientCert = process.env.PLUGIN_CLIENT_CERT;
  let credentials = grpc.ServerCredentials.createInsecure();
  let certField = "";
  if (clientCert) {
    const cert = generatePluginCertificate();
    credentials = grpc.ServerCredentials.createSsl(
      Buffer.from(clientCert),
      [{ cert_chain: Buffer.from(cert.certPem), private_key: Buffer.from(cert.keyPem) }],
      true,
    );
    certField = cert.der.toString("base64").replace(/=+$/, "");
  }
  const port = await listen(provider, protoDir, credentials);
  process.stdout.write(`1|5|tcp|127.0.0.1:${port}|grpc|${certField}\n`);
}

/**
 * Serves the provider on a free port of 127.0.0.1 and returns the port: the
 * handshake's server, and (plain gRPC, no handshake) the long-lived provider
 * Terraform reattaches to through TF_REATTACH_PROVIDERS (main.ts `reattach`).
 */
export async function listen(
  provider: SimProvider,
  protoDir: string,
  credentials = grpc.ServerCredentials.createInsecure(),
): Promise<number> {
  const protos = new protobuf.Root();
  protos.loadSync(
    ["tfplugin5.proto", "grpc-controller.proto"].map((file) => path.join(protoDir, file)),
    { keepCase: true },
  );
  const server = new grpc.Server();
  server.addService(serviceDefinition(protos.lookupService("tfplugin5.Provider")), providerService(provider));
  server.addService(serviceDefinition(protos.lookupService("plugin.GRPCController")), {
    Shutdown: (_call: unknown, callback: Callback) => {
      callback(null, {});
      setImmediate(() => server.tryShutdown(() => process.exit(0)));
    },
  });
  return new Promise<number>((resolve, reject) =>
    server.bindAsync("127.0.0.1:0", credentials, (err, p) => (err ? reject(err) : resolve(p))),
  );
}

/**
 * A unary gRPC service straight from protobufjs, converting messages as
 * @grpc/proto-loader would (longs as numbers, enums as names, oneof names set).
 * proto-loader also generates every message's code and descriptor up front;
 * protobufjs generates a message's code on its first use, so a provider start
 * pays only for the messages it exchanges (about 35 ms of CPU less per start).
 */
function serviceDefinition(service: protobuf.Service): grpc.ServiceDefinition {
  const conversion: protobuf.IConversionOptions = { longs: Number, enums: String, defaults: false, oneofs: true };
  const serialize = (type: protobuf.Type) => (value: object) => Buffer.from(type.encode(type.fromObject(value)).finish());
  const deserialize = (type: protobuf.Type) => (bytes: Buffer) => type.toObject(type.decode(bytes), conversion);
  const definition: Record<string, grpc.MethodDefinition<object, object>> = {};
  for (const method of service.methodsArray) {
    if (method.requestStream || method.responseStream) throw new Error(`${service.fullName}.${method.name}: streaming is not served`);
    method.resolve();
    const [request, response] = [method.resolvedRequestType!, method.resolvedResponseType!];
    definition[method.name] = {
      path: `/${service.fullName.replace(/^\./, "")}/${method.name}`,
      requestStream: false,
      responseStream: false,
      requestSerialize: serialize(request),
      requestDeserialize: deserialize(request),
      responseSerialize: serialize(response),
      responseDeserialize: deserialize(response),
    };
  }
  return definition;
}

export function protoDirectory(): string {
  return path.join(__dirname, "proto");
}

function providerService(provider: SimProvider): grpc.UntypedServiceImplementation {
  const { schemas } = provider;
  // Each RPC decodes and encodes by its type's cty type; derive each once per process.
  const types = new Map<string, CtyType>();
  const typeOf = (table: Record<string, Schema>, name: string, what: string): CtyType => {
    const key = `${what}:${name}`;
    let type = types.get(key);
    if (!type) types.set(key, (type = blockType(lookup(table, name, what).block)));
    return type;
  };
  const resourceType = (name: string): CtyType => typeOf(schemas.resources, name, "resource type");
  const dataSourceType = (name: string): CtyType => typeOf(schemas.dataSources, name, "data source");
  const providerType = blockType(schemas.provider.block);
  let schemaResponse: unknown;

  const handlers: Record<string, (req: Record<string, any>) => unknown> = {
    GetMetadata: () => ({
      server_capabilities: { get_provider_schema_optional: true },
      resources: Object.keys(schemas.resources).map((type_name) => ({ type_name })),
      data_sources: Object.keys(schemas.dataSources).map((type_name) => ({ type_name })),
    }),
    GetSchema: () =>
      (schemaResponse ??= {
        provider: toProtoSchema(schemas.provider),
        resource_schemas: mapValues(schemas.resources, toProtoSchema),
        data_source_schemas: mapValues(schemas.dataSources, toProtoSchema),
        server_capabilities: { get_provider_schema_optional: true },
      }),
    PrepareProviderConfig: (req) => ({ prepared_config: req.config, diagnostics: [] }),
    Configure: (req) => ({ diagnostics: toProtoDiagnostics(provider.configure(decode(req.config, providerType) as ValueObject)) }),
    ValidateResourceTypeConfig: (req) => ({
      diagnostics: toProtoDiagnostics(
        provider.validateResource(req.type_name, decode(req.config, resourceType(req.type_name)) as ValueObject),
      ),
    }),
    ValidateDataSourceConfig: (req) => ({
      diagnostics: toProtoDiagnostics(
        provider.validateDataSource(req.type_name, decode(req.config, dataSourceType(req.type_name)) as ValueObject),
      ),
    }),
    // The served schemas are the only versions there are, so stored JSON state is already current.
    UpgradeResourceState: (req) => ({ upgraded_state: { json: req.raw_state?.json ?? Buffer.from("null") }, diagnostics: [] }),
    ReadResource: (req) => {
      const type = resourceType(req.type_name);
      const state = decode(req.current_state, type) as ValueObject | null;
      const newState = state === null ? null : provider.readResource(req.type_name, state);
      return { new_state: encode(newState, type), private: req.private, diagnostics: [] };
    },
    PlanResourceChange: (req) => {
      const type = resourceType(req.type_name);
      const plan = provider.planResourceChange(
        req.type_name,
        decode(req.prior_state, type) as ValueObject | null,
        decode(req.proposed_new_state, type) as ValueObject | null,
        decode(req.config, type) as ValueObject | null,
      );
      return {
        planned_state: encode(plan.planned, type),
        requires_replace: plan.requiresReplace.map(toProtoPath),
        planned_private: req.prior_private,
        diagnostics: toProtoDiagnostics(plan.diagnostics ?? []),
        legacy_type_system: plan.legacyTypeSystem,
      };
    },
    ApplyResourceChange: (req) => {
      const type = resourceType(req.type_name);
      const result = provider.applyResourceChange(
        req.type_name,
        decode(req.prior_state, type) as ValueObject | null,
        decode(req.planned_state, type) as ValueObject | null,
        () => decode(req.config, type) as ValueObject | null,
      );
      return {
        new_state: encode(result.newState, type),
        private: req.planned_private,
        diagnostics: toProtoDiagnostics(result.diagnostics),
        legacy_type_system: result.legacyTypeSystem ?? false,
      };
    },
    ImportResourceState: (req) => {
      const type = resourceType(req.type_name);
      const { state, diagnostics } = provider.importResource(req.type_name, req.id);
      return {
        imported_resources: state ? [{ type_name: req.type_name, state: encode(state, type) }] : [],
        diagnostics: toProtoDiagnostics(diagnostics),
      };
    },
    ReadDataSource: (req) => {
      const type = dataSourceType(req.type_name);
      const { state, diagnostics } = provider.readDataSource(req.type_name, decode(req.config, type) as ValueObject);
      return { state: encode(state, type), diagnostics: toProtoDiagnostics(diagnostics) };
    },
    GetFunctions: () => ({ diagnostics: [] }),
    Stop: () => ({}),
  };

  const service: grpc.UntypedServiceImplementation = {};
  for (const [name, handler] of Object.entries(handlers)) {
    service[name] = (call: grpc.ServerUnaryCall<Record<string, any>, unknown>, callback: Callback) => {
      try {
        callback(null, handler(call.request));
      } catch (err) {
        // A bug in the simulator becomes an error diagnostic, not a dead plugin.
        const detail = err instanceof Error ? (err.stack ?? err.message) : String(err);
        callback(null, { diagnostics: [{ severity: "ERROR", summary: `simulated provider failed in ${name}`, detail }] });
      }
    };
  }
  return service;
}

function lookup<T>(table: Record<string, T>, name: string, what: string): T {
  const found = table[name];
  if (!found) throw new Error(`unknown ${what} ${name}`);
  return found;
}

function decode(value: DynamicValue, type: CtyType): Value {
  if (value?.msgpack && value.msgpack.length > 0) return decodeValue(value.msgpack, type);
  if (value?.json && value.json.length > 0) return JSON.parse(value.json.toString("utf8")) as Value;
  return null;
}

function encode(value: Value, type: CtyType): { msgpack: Buffer } {
  return { msgpack: Buffer.from(encodeValue(value, type)) };
}

function toProtoSchema(schema: Schema): unknown {
  return { version: schema.version ?? 0, block: toProtoBlock(schema.block) };
}

function toProtoBlock(block: SchemaBlock): unknown {
  return {
    attributes: Object.entries(block.attributes ?? {}).map(([name, a]) => ({
      name,
      type: Buffer.from(JSON.stringify(a.type)),
      description: a.description ?? "",
      required: a.required ?? false,
      optional: a.optional ?? false,
      computed: a.computed ?? false,
      sensitive: a.sensitive ?? false,
      description_kind: a.description_kind === "markdown" ? "MARKDOWN" : "PLAIN",
      deprecated: a.deprecated ?? false,
    })),
    block_types: Object.entries(block.block_types ?? {}).map(([type_name, nested]) => ({
      type_name,
      block: toProtoBlock(nested.block),
      nesting: nested.nesting_mode.toUpperCase(),
      min_items: nested.min_items ?? 0,
      max_items: nested.max_items ?? 0,
    })),
    description: block.description ?? "",
    description_kind: block.description_kind === "markdown" ? "MARKDOWN" : "PLAIN",
    deprecated: block.deprecated ?? false,
  };
}

function toProtoDiagnostics(diagnostics: Diagnostic[]): unknown[] {
  return diagnostics.map((d) => ({
    severity: d.severity,
    summary: d.summary,
    detail: d.detail ?? "",
    ...(d.attribute ? { attribute: toProtoPath(d.attribute) } : {}),
  }));
}

function toProtoPath(steps: PathStep[]): unknown {
  return { steps: steps.map((s) => (typeof s === "number" ? { element_key_int: s } : { attribute_name: s })) };
}

function mapValues<T, U>(table: Record<string, T>, fn: (v: T) => U): Record<string, U> {
  return Object.fromEntries(Object.entries(table).map(([k, v]) => [k, fn(v)]));
}
