/** Pull-request plan previews: the public surface (the CLI is `cli.ts`). */
export { diffAttributes, formatPath, KNOWN_AFTER_APPLY, type AttributeChange } from "./attribute-diff";
export { changeKind, type ChangeKind } from "./change-kind";
export { errorExcerpt, MAX_ERROR_CHARS } from "./diagnostics";
export { renderFailure, type FailureOptions } from "./failure";
export { labelsFile, MANAGED_LABELS, PLAN_LABELS, planLabels } from "./labels";
export { ERROR_SUFFIX, readPlanDir, readSynthDir } from "./load-inputs";
export { parsePlanJson, PreviewError, type PlanJson } from "./plan-json";
export { planReport, renderPlanPreview, type StackPlan } from "./plan-preview";
export { provenanceLine, type Provenance } from "./provenance";
export {
  DEFAULT_MAX_CHARS,
  EMPTY_STATE_WARNING,
  FAILED_CELL,
  GITHUB_COMMENT_LIMIT,
  PREVIEW_MARKER,
  renderReport,
  type RenderOptions,
  type Report,
} from "./report";
export { Redactor, SECRET_NAME, SENSITIVE } from "./sensitive-values";
export { DISRUPTIVE_UPDATES, SERVER_EFFECTS, STATEFUL_RESOURCES } from "./stateful-resources";
export { loadForceNew, renderSynthDiff, type ForceNewIndex, type SynthStacks } from "./synth-diff";
