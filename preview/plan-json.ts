import { z } from "zod";

/**
 * The parts of `terraform show -json <planfile>` the preview reads
 * (https://developer.hashicorp.com/terraform/internals/json-format).
 * Validation is deliberately loose: only what the renderer relies on is
 * checked, so newer Terraform versions that add fields still render.
 */

/** A path into a resource's attributes, as in `replace_paths`. */
export type AttributePath = readonly (string | number)[];

const changeSchema = z
  .object({
    actions: z.array(z.string()).min(1),
    before: z.unknown(),
    after: z.unknown(),
    after_unknown: z.unknown().optional(),
    before_sensitive: z.unknown().optional(),
    after_sensitive: z.unknown().optional(),
    replace_paths: z.array(z.array(z.union([z.string(), z.number()]))).optional(),
    importing: z.object({ id: z.string().optional() }).passthrough().optional(),
  })
  .passthrough();

const resourceChangeSchema = z
  .object({
    address: z.string(),
    previous_address: z.string().optional(),
    mode: z.string().optional(),
    type: z.string(),
    name: z.string().optional(),
    deposed: z.string().optional(),
    change: changeSchema,
    action_reason: z.string().optional(),
  })
  .passthrough();

const valuesModuleSchema: z.ZodType<ValuesModule> = z.lazy(() =>
  z
    .object({
      resources: z
        .array(
          z.object({ mode: z.string().optional(), values: z.unknown().optional(), sensitive_values: z.unknown().optional() }).passthrough(),
        )
        .optional(),
      child_modules: z.array(valuesModuleSchema).optional(),
    })
    .passthrough(),
);

const planSchema = z
  .object({
    format_version: z.string(),
    terraform_version: z.string().optional(),
    variables: z.record(z.object({ value: z.unknown().optional() }).passthrough()).optional(),
    resource_changes: z.array(resourceChangeSchema).optional(),
    output_changes: z.record(changeSchema).optional(),
    prior_state: z
      .object({ values: z.object({ root_module: valuesModuleSchema.optional() }).passthrough().optional() })
      .passthrough()
      .optional(),
    // Present in every plan, absent from `terraform show -json` of a state: tells the two apart.
    planned_values: z.object({ root_module: valuesModuleSchema.optional() }).passthrough(),
    configuration: z.unknown().optional(),
    errored: z.boolean().optional(),
    complete: z.boolean().optional(),
  })
  .passthrough();

export interface ValuesModule {
  /** `mode` is "managed" or "data": data sources read during the plan are in `prior_state` too. */
  readonly resources?: readonly { readonly mode?: string; readonly values?: unknown; readonly sensitive_values?: unknown }[];
  readonly child_modules?: readonly ValuesModule[];
}

export type PlanChange = z.infer<typeof changeSchema>;
export type ResourceChange = z.infer<typeof resourceChangeSchema>;
export type PlanJson = z.infer<typeof planSchema>;

/** Thrown for input the preview cannot use; the CLI prints its message alone. */
export class PreviewError extends Error {}

/** Checks that `value` (parsed JSON) is a plan from `terraform show -json`. */
export function parsePlanJson(value: unknown, source: string): PlanJson {
  const result = planSchema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const where = issue.path.length > 0 ? issue.path.join(".") : "top level";
  throw new PreviewError(`${source}: not a 'terraform show -json' plan (${where}: ${issue.message})`);
}
