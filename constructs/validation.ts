import { IConstruct } from "constructs";

/**
 * One thing wrong with a construct's props: the prop (a path such as
 * `healthCheck.timeoutSeconds` or `adminCidrs.1`) and what is allowed.
 *
 * Constructs export the functions that find these, so that the config loader
 * reports the same message against the config field, before any construct runs.
 */
export interface PropIssue {
  readonly prop: string;
  readonly message: string;
}

/** Thrown by a construct whose props break its invariants; one line per issue, each naming the construct path and the prop. */
export class ValidationError extends Error {
  constructor(
    readonly constructPath: string,
    readonly issues: readonly PropIssue[],
  ) {
    super(issues.map((i) => `${constructPath}: ${i.prop}: ${i.message}`).join("\n"));
    this.name = "ValidationError";
  }
}

/** Throws a ValidationError naming `scope`'s path when there are issues. */
export function throwIfInvalid(scope: IConstruct, issues: readonly PropIssue[]): void {
  if (issues.length > 0) throw new ValidationError(scope.node.path, issues);
}

/** `value` is an integer from `min` to `max`; `why` explains the bounds. */
export function integerIssues(prop: string, value: number | undefined, min: number, max: number, why = ""): PropIssue[] {
  if (value === undefined) return [];
  if (!Number.isInteger(value) || value < min || value > max) {
    return [{ prop, message: `must be an integer between ${min} and ${max}${why}, got ${value}` }];
  }
  return [];
}

/** Prefixes the props of nested issues: `healthCheck` + `path` is `healthCheck.path`. */
export function nested(prefix: string, issues: readonly PropIssue[]): PropIssue[] {
  return issues.map((i) => ({ prop: `${prefix}.${i.prop}`, message: i.message }));
}
