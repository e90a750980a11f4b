import { countKinds, Report } from "./report";

/**
 * Pull-request labels as tfcmt sets them, so a reviewer (or a branch rule)
 * sees from the list of pull requests what a change does. The workflow adds
 * those that apply and removes the others on every run.
 */
export const PLAN_LABELS = {
  noChanges: "plan: no changes",
  destroy: "plan: destroy",
  replace: "plan: replace",
  failed: "plan: failed",
} as const;

/** Every label this project manages: the workflow removes those of them that no longer apply. */
export const MANAGED_LABELS: readonly string[] = Object.values(PLAN_LABELS);

/** The labels a report calls for. A failed stack hides what it would do, so "no changes" is never said then. */
export function planLabels(report: Pick<Report, "stacks">): string[] {
  const failed = report.stacks.some((stack) => stack.failed);
  const counts = countKinds(report.stacks.flatMap((stack) => stack.entries));
  const labels: string[] = [];
  if (failed) labels.push(PLAN_LABELS.failed);
  if (counts.delete > 0) labels.push(PLAN_LABELS.destroy);
  if (counts.replace > 0) labels.push(PLAN_LABELS.replace);
  if (!failed && counts.create + counts.update + counts.replace + counts.delete === 0) labels.push(PLAN_LABELS.noChanges);
  return labels;
}

/** What the workflow's comment step reads: the labels to have, and the managed ones to take off. */
export function labelsFile(labels: readonly string[]): string {
  return `${JSON.stringify({ labels, managed: MANAGED_LABELS })}\n`;
}
