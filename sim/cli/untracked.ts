/**
 * Objects that carry an environment's name prefix but that its Terraform state
 * does not track: what an interrupted or hard-aborted run leaves behind (the
 * cloud made them, the state never heard of them), and what makes the next
 * create collide on a name ("Key pair … already exists").
 */
import { existsSync, readFileSync } from "node:fs";

export interface NamedObject {
  readonly type: string;
  readonly id: string;
  readonly name: string;
}

/** Every `id` attribute of every resource instance in a Terraform state file (none when there is no file). */
export function trackedIds(stateFile: string): Set<string> {
  if (!existsSync(stateFile)) return new Set();
  const state = JSON.parse(readFileSync(stateFile, "utf8")) as { resources?: { instances?: { attributes?: { id?: unknown } }[] }[] };
  return new Set(
    (state.resources ?? []).flatMap((r) => (r.instances ?? []).map((i) => String(i.attributes?.id ?? ""))).filter((id) => id !== ""),
  );
}

/** `<app>-<env>` itself or `<app>-<env>-…`: the names this project gives an environment's objects. */
export function hasPrefix(name: string, prefix: string): boolean {
  return name === prefix || name.startsWith(`${prefix}-`);
}

/** The objects named with the prefix whose ids the state does not hold. */
export function untracked(objects: readonly NamedObject[], tracked: ReadonlySet<string>, prefix: string): NamedObject[] {
  return objects.filter((o) => hasPrefix(o.name, prefix) && !tracked.has(o.id));
}

/** The report: empty when there is nothing untracked. */
export function untrackedReport(found: readonly NamedObject[], prefix: string, wayOut: string): string {
  if (found.length === 0) return "";
  return [
    `${found.length} object(s) named ${prefix}-… that the Terraform state does not track (left by an interrupted or failed run):`,
    ...found.map((o) => `  ${o.type} ${o.name} (id ${o.id})`),
    wayOut,
  ].join("\n");
}

/** The line that ends a destroy: what the simulated cloud still holds, counting the untracked objects listed above. */
export function cloudLeftLine(left: number, listedAbove: number): string {
  if (left === 0) return "simulated cloud: empty";
  const others = left - listedAbove;
  const parts = [listedAbove > 0 ? `the ${listedAbove} listed above` : "", others > 0 ? `${others} of other environments` : ""];
  return `simulated cloud: ${left} object(s) left (${parts.filter((p) => p !== "").join(", ")})`;
}
