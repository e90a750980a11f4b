/**
 * What a resource change does, in the four columns reviewers read. Terraform
 * spells a replacement as two actions whose order says which copy exists
 * in between ("create_before_destroy" when create comes first).
 */
export type ChangeKind = "create" | "update" | "replace" | "delete";

/** Column order of the summary table; also the order of severity, least first. */
export const CHANGE_KINDS: readonly ChangeKind[] = ["create", "update", "replace", "delete"];

/**
 * The kind of a `resource_changes[].change.actions` list, or undefined for
 * changes that touch no infrastructure ("no-op", "read", "forget").
 */
export function changeKind(actions: readonly string[]): ChangeKind | undefined {
  const key = actions.join(",");
  switch (key) {
    case "create":
    case "update":
    case "delete":
      return key;
    case "delete,create":
    case "create,delete":
      return "replace";
    default:
      return undefined;
  }
}

export type ChangeCounts = Record<ChangeKind, number>;

export function emptyCounts(): ChangeCounts {
  return { create: 0, update: 0, replace: 0, delete: 0 };
}
