/**
 * The simulated terraform-provider-openstack 3.4.0: the vendored schema,
 * SDKv2-style planning from the behaviour file, and a cloud in a JSON file.
 */
import { randomUUID } from "node:crypto";
import type { BehaviourFile, SchemaBlock } from "../../providers/schema/types";
import { cloneValue, ValueObject } from "../protocol/cty";
import { CloudError, Diagnostic } from "../provider/diagnostics";
import { DEFAULT_CLOUD_STATE, OPENSTACK_BEHAVIOUR, OPENSTACK_SCHEMA } from "../cli/paths";
import { planResourceChange } from "../provider/planner";
import { ApplyResult, ProviderSchemas, SimProvider } from "../protocol/plugin-server";
import { readProviderFiles } from "../provider/provider-files";
import { validateConfig } from "../provider/validation";
import { Cloud, CloudFileError } from "./cloud";
import { COMPUTE_MODELS } from "./compute";
import { readDataSource } from "./data-sources";
import { FaultInjector, parseFaults } from "./faults";
import { LOAD_BALANCER_MODELS } from "./load-balancer";
import { ApplyContext, applyContext, fillUnknowns, ResourceModel } from "./model";
import { NETWORKING_MODELS } from "./networking";
import { failedCreate, ORCHESTRATION_MODELS, planStackOutputs, STACK } from "./orchestration";

const MODELS: Record<string, ResourceModel> = {
  ...NETWORKING_MODELS,
  ...COMPUTE_MODELS,
  ...LOAD_BALANCER_MODELS,
  ...ORCHESTRATION_MODELS,
};

export interface OpenStackProviderOptions {
  /** The simulated cloud's file. */
  readonly stateFile?: string;
  readonly faults?: string;
}

export class OpenStackProvider implements SimProvider {
  readonly schemas: ProviderSchemas;
  private readonly behaviour: BehaviourFile;
  private readonly stateFile: string;
  private readonly faultSpec: string | undefined;
  private faults = new FaultInjector([]);
  private region = "RegionOne";

  constructor(options: OpenStackProviderOptions = {}) {
    ({ schemas: this.schemas, behaviour: this.behaviour } = readProviderFiles(OPENSTACK_SCHEMA, OPENSTACK_BEHAVIOUR));
    this.stateFile = options.stateFile ?? DEFAULT_CLOUD_STATE;
    this.faultSpec = options.faults;
  }

  configure(config: ValueObject): Diagnostic[] {
    // No credentials are checked: the simulator has no Keystone.
    this.region = typeof config.region === "string" && config.region !== "" ? config.region : process.env.OS_REGION_NAME || "RegionOne";
    try {
      this.faults = new FaultInjector(parseFaults(this.faultSpec));
    } catch (err) {
      return [{ severity: "ERROR", summary: "Invalid fault injection setting", detail: (err as Error).message }];
    }
    // A damaged cloud file stops the run here, once, rather than in every later call (each loads the file).
    try {
      Cloud.load(this.stateFile);
    } catch (err) {
      if (!(err instanceof CloudFileError)) throw err;
      return [{ severity: "ERROR", summary: "The simulated cloud file cannot be read", detail: err.message }];
    }
    return [];
  }

  validateResource(typeName: string, config: ValueObject): Diagnostic[] {
    return validateConfig(this.block(typeName), this.behaviour.resources?.[typeName], config);
  }

  validateDataSource(typeName: string, config: ValueObject): Diagnostic[] {
    return validateConfig(this.schemas.dataSources[typeName].block, this.behaviour.data_sources?.[typeName], config);
  }

  planResourceChange(typeName: string, prior: ValueObject | null, proposed: ValueObject | null, config: ValueObject | null) {
    const plan = planResourceChange(this.block(typeName), this.behaviour.resources?.[typeName], prior, proposed, config);
    if (typeName === STACK && plan.planned) {
      return { ...plan, legacyTypeSystem: planStackOutputs(prior, plan.planned, config) || plan.legacyTypeSystem };
    }
    return plan;
  }

  applyResourceChange(
    typeName: string,
    prior: ValueObject | null,
    planned: ValueObject | null,
    config?: () => ValueObject | null,
  ): ApplyResult {
    const model = MODELS[typeName] ?? {};
    const action = planned === null ? "deleting" : prior === null ? "creating" : "updating";
    try {
      try {
        this.faults.beforeApply(typeName);
      } catch (fault) {
        // Heat accepts a create it can parse and fails it inside the stack: the stack stays behind (orchestration.ts).
        if (fault instanceof CloudError && typeName === STACK && action === "creating" && fault.status !== 400) {
          return this.failStackCreate(planned!, fault.message, config);
        }
        throw fault;
      }
      const newState = Cloud.transact(this.stateFile, (cloud) => {
        const ctx = applyContext(cloud, this.region, config);
        if (planned === null) return this.delete(ctx, model, typeName, prior!);
        return prior === null ? this.create(ctx, model, typeName, planned) : this.update(ctx, model, typeName, prior, planned);
      });
      // FRACTALS_SIM_APPLY_DELAY_MS: the wait for ACTIVE that follows the API call, with the object already in the cloud
      // (what an interrupted run must not lose track of).
      const delay = Number(process.env.FRACTALS_SIM_APPLY_DELAY_MS || 0);
      if (delay > 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, delay);
      return { newState, diagnostics: [], legacyTypeSystem: model.legacyApply ?? false };
    } catch (err) {
      if (!(err instanceof CloudError)) throw err;
      const id = String((prior ?? planned)?.id ?? "");
      const url = `https://openstack.sim.invalid/${typeName}${action === "creating" ? "" : `/${id}`}`;
      // A failed create leaves nothing behind; a failed update or delete leaves the object as it was.
      return { newState: prior, diagnostics: [err.toDiagnostic(action, typeName, url)] };
    }
  }

  readResource(typeName: string, state: ValueObject): ValueObject | null {
    const found = Cloud.load(this.stateFile).get(typeName, String(state.id));
    return found ? found.state : null;
  }

  readDataSource(typeName: string, config: ValueObject) {
    return readDataSource(Cloud.load(this.stateFile), this.region, typeName, this.schemas.dataSources[typeName].block, config);
  }

  importResource(typeName: string, id: string): { state: ValueObject | null; diagnostics: Diagnostic[] } {
    const found = Cloud.load(this.stateFile).get(typeName, id);
    if (found) return { state: found.state, diagnostics: [] };
    return {
      state: null,
      diagnostics: [
        {
          severity: "ERROR",
          summary: "Cannot import non-existent remote object",
          detail: `${typeName} ${id} does not exist in the simulated cloud.`,
        },
      ],
    };
  }

  private failStackCreate(planned: ValueObject, reason: string, config?: () => ValueObject | null): ApplyResult {
    const { summary, detail } = Cloud.transact(this.stateFile, (cloud) => {
      const ctx = applyContext(cloud, this.region, config);
      const state = cloneValue(planned);
      state.id = randomUUID();
      const failure = failedCreate(ctx, state, reason);
      fillUnknowns(this.block(STACK), state, ctx);
      cloud.add({ type: STACK, id: String(state.id), state });
      return failure;
    });
    return { newState: null, diagnostics: [{ severity: "ERROR", summary, detail }] };
  }

  private block(typeName: string): SchemaBlock {
    return this.schemas.resources[typeName].block;
  }

  private create(ctx: ApplyContext, model: ResourceModel, typeName: string, planned: ValueObject): ValueObject {
    const state = cloneValue(planned);
    if (typeof state.id !== "string") state.id = model.idFor?.(ctx, state) ?? randomUUID();
    model.create?.(ctx, state);
    fillUnknowns(this.block(typeName), state, ctx);
    ctx.cloud.add({ type: typeName, id: String(state.id), state, ...ctx.extras });
    return state;
  }

  private update(ctx: ApplyContext, model: ResourceModel, typeName: string, prior: ValueObject, planned: ValueObject): ValueObject {
    const stored = ctx.cloud.get(typeName, String(prior.id));
    if (!stored) throw new CloudError(404, `${typeName} ${String(prior.id)} could not be found.`);
    const state = cloneValue(planned);
    model.update?.(ctx, prior, state);
    fillUnknowns(this.block(typeName), state, ctx);
    stored.state = state;
    Object.assign(stored, ctx.extras);
    return state;
  }

  private delete(ctx: ApplyContext, model: ResourceModel, typeName: string, prior: ValueObject): null {
    if (ctx.cloud.get(typeName, String(prior.id))) {
      model.delete?.(ctx, prior);
      ctx.cloud.remove(typeName, String(prior.id));
    }
    return null;
  }
}
