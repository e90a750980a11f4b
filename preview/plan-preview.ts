import { diffAttributes, formatPath } from "./attribute-diff";
import { changeKind, ChangeKind } from "./change-kind";
import { errorExcerpt } from "./diagnostics";
import { code, escapeText } from "./markdown";
import { PlanChange, PlanJson, ResourceChange, ValuesModule } from "./plan-json";
import { KindWording, renderReport, RenderOptions, Report, ReportEntry, StackReport } from "./report";
import { Redactor } from "./sensitive-values";
import { disruptiveEffect, replacementEffect } from "./stateful-resources";

/** One stack's plan, as `terraform show -json` printed it. */
export interface StackPlan {
  readonly stack: string;
  /** Undefined when the stack was expected but Terraform produced no plan. */
  readonly plan?: PlanJson;
  /** What `terraform init`/`plan` printed when it failed (`<stack>.error.txt` beside the plans). */
  readonly error?: string;
}

const PLAN_WORDING: Record<ChangeKind, KindWording> = {
  create: { column: "Add", label: "create", warning: "will be created" },
  update: { column: "Change", label: "update", warning: "will be updated in place" },
  replace: { column: "Replace", label: "replace", warning: "will be **replaced**" },
  delete: { column: "Destroy", label: "destroy", warning: "will be **destroyed**" },
};

/**
 * Attributes that hold secrets in resource types whose provider might not
 * mark them (or in plans from older providers): masked whatever the markers say.
 */
const SECRET_ATTRIBUTES: Readonly<Record<string, readonly string[]>> = {
  random_password: ["result", "bcrypt_hash"],
  openstack_compute_keypair_v2: ["private_key"],
  openstack_identity_application_credential_v3: ["secret"],
};

/** Why Terraform chose the action, where that is not obvious from the diff. */
const ACTION_REASONS: Readonly<Record<string, string>> = {
  replace_because_tainted: "tainted",
  replace_by_request: "requested with -replace",
  replace_by_triggers: "replace_triggered_by",
  delete_because_no_resource_config: "removed from the configuration",
  delete_because_no_module: "its module was removed",
  delete_because_wrong_repetition: "count/for_each changed",
  delete_because_count_index: "count reduced",
  delete_because_each_key: "for_each key removed",
  delete_because_no_move_target: "moved to an address that does not exist",
};

/** The Markdown comment for several stacks' plans. */
export function renderPlanPreview(plans: readonly StackPlan[], options: RenderOptions = {}): string {
  return renderReport(planReport(plans), options);
}

export function planReport(plans: readonly StackPlan[]): Report {
  const versions = [...new Set(plans.map((p) => p.plan?.terraform_version).filter((v): v is string => v !== undefined))];
  return {
    title: "Terraform plan preview",
    wording: PLAN_WORDING,
    stacks: plans.map(stackReport),
    footer: versions.length > 0 ? `<sub>Terraform ${versions.map(escapeText).join(", ")}</sub>` : undefined,
  };
}

function stackReport({ stack, plan, error }: StackPlan): StackReport {
  const redactor = plan ? Redactor.forPlan(plan) : new Redactor();
  const errorText = error !== undefined && error.trim() !== "" ? errorExcerpt(error, redactor) : undefined;
  if (plan === undefined) {
    return { name: stack, entries: [], failed: true, errorText, problem: "No plan: Terraform failed before planning." };
  }
  const entries: ReportEntry[] = [];
  for (const rc of plan.resource_changes ?? []) {
    const kind = changeKind(rc.change.actions);
    if (kind !== undefined) entries.push(entryOf(rc, kind, redactor));
  }
  for (const [name, change] of Object.entries(plan.output_changes ?? {})) {
    const kind = changeKind(change.actions);
    if (kind !== undefined) entries.push(outputEntry(name, change, kind, redactor));
  }
  const failed = plan.errored === true || errorText !== undefined;
  const emptyState =
    !hasManagedResources(plan.prior_state?.values?.root_module) && entries.some((e) => e.kind === "create" && !e.uncounted);
  return { name: stack, entries, problem: problemOf(plan, failed), failed, errorText, emptyState };
}

/** Data sources read during the plan are in `prior_state` too: only managed resources say the state had anything. */
function hasManagedResources(module: ValuesModule | undefined): boolean {
  if (module === undefined) return false;
  const managed = (module.resources ?? []).some((r) => r.mode !== "data");
  return managed || (module.child_modules ?? []).some(hasManagedResources);
}

/** An output's change, listed like a resource's but not counted: outputs are not infrastructure. */
function outputEntry(name: string, change: PlanChange, kind: ChangeKind, redactor: Redactor): ReportEntry {
  // Rooted at the output's name, so paths read `api_private_ips[2]`.
  const wrap = (value: unknown) => ({ [name]: value });
  const attributes = diffAttributes(
    {
      before: wrap(change.before),
      after: wrap(change.after),
      afterUnknown: wrap(change.after_unknown),
      beforeSensitive: wrap(change.before_sensitive),
      afterSensitive: wrap(change.after_sensitive),
    },
    redactor,
  );
  return { address: `output.${name}`, type: "output", kind, attributes, uncounted: true };
}

function entryOf(rc: ResourceChange, kind: ChangeKind, redactor: Redactor): ReportEntry {
  const { change } = rc;
  const replacePaths = change.replace_paths ?? [];
  const attributes = diffAttributes(
    {
      before: change.before,
      after: change.after,
      afterUnknown: change.after_unknown,
      beforeSensitive: withSecretAttributes(rc.type, change.before_sensitive),
      afterSensitive: withSecretAttributes(rc.type, change.after_sensitive),
      replacePaths,
    },
    redactor,
  );
  const notes: string[] = [];
  if (kind === "replace" && replacePaths.length > 0) notes.push(`forced by ${replacePaths.map((p) => code(formatPath(p))).join(", ")}`);
  const reason = rc.action_reason === undefined ? undefined : ACTION_REASONS[rc.action_reason];
  if (reason) notes.push(reason);
  if (rc.previous_address) notes.push(`moved from ${code(rc.previous_address)}`);
  if (change.importing) notes.push(change.importing.id ? `imported from ${code(change.importing.id)}` : "imported");
  if (rc.deposed) notes.push(`deposed object ${code(rc.deposed)}`);
  const effect =
    kind === "update"
      ? disruptiveEffect(
          rc.type,
          attributes.map((a) => String(a.path[0])),
        )
      : kind === "replace"
        ? replacementEffect(rc.type, change.before)
        : undefined;
  const note = notes.length > 0 ? notes.join("; ") : undefined;
  return { address: rc.address, type: rc.type, kind, note, attributes, disruption: effect?.effect, wipesDisk: effect?.wipesDisk };
}

function withSecretAttributes(type: string, marker: unknown): unknown {
  const secret = SECRET_ATTRIBUTES[type];
  if (secret === undefined || marker === true) return marker;
  const base = marker !== null && typeof marker === "object" && !Array.isArray(marker) ? marker : {};
  return { ...base, ...Object.fromEntries(secret.map((name) => [name, true])) };
}

function problemOf(plan: PlanJson, failed: boolean): string | undefined {
  if (failed) return "The plan failed: what it lists is only what Terraform planned before the error.";
  if (plan.complete === false) return "The plan is incomplete: some changes were deferred to a later plan.";
  return undefined;
}
