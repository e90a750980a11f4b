/** Pull-request plan previews: the public surface (the CLI is `cli.ts`). */
export { diffAttributes, formatPath, KNOWN_AFTER_APPLY, type AttributeChange } from "./attribute-diff";
export { changeKind, type ChangeKind } from "./change-kind";
export { readPlanDir, readSynthDir } from "./load-inputs";
export { parsePlanJson, PreviewError, type PlanJson } from "./plan-json";
export { planReport, renderPlanPreview, type StackPlan } from "./plan-preview";
export { DEFAULT_MAX_CHARS, GITHUB_COMMENT_LIMIT, PREVIEW_MARKER, renderReport, type RenderOptions, type Report } from "./report";
export { Redactor, SECRET_NAME, SENSITIVE } from "./sensitive-values";
export { DISRUPTIVE_UPDATES, STATEFUL_RESOURCES } from "./stateful-resources";
export { loadForceNew, renderSynthDiff, type ForceNewIndex, type SynthStacks } from "./synth-diff";
