/**
 * Plans built in memory, shaped like `terraform show -json` output, for
 * properties the recorded fixtures cannot cover (any structure, any size).
 */
import { PlanJson } from "../../preview/plan-json";

export interface ChangeSpec {
  readonly address: string;
  readonly type: string;
  readonly actions: readonly string[];
  readonly before?: unknown;
  readonly after?: unknown;
  readonly afterUnknown?: unknown;
  readonly beforeSensitive?: unknown;
  readonly afterSensitive?: unknown;
  readonly replacePaths?: readonly (readonly (string | number)[])[];
}

export function buildPlan(changes: readonly ChangeSpec[]): PlanJson {
  return {
    format_version: "1.2",
    terraform_version: "1.11.4",
    planned_values: { root_module: {} },
    resource_changes: changes.map((c) => ({
      address: c.address,
      mode: "managed",
      type: c.type,
      name: c.address.split(".").pop(),
      change: {
        actions: [...c.actions],
        before: c.before ?? null,
        after: c.after ?? null,
        after_unknown: c.afterUnknown ?? {},
        before_sensitive: c.beforeSensitive ?? false,
        after_sensitive: c.afterSensitive ?? false,
        replace_paths: c.replacePaths?.map((p) => [...p]),
      },
    })),
  };
}

/** A server-like resource with `width` attributes, some nested. */
export function serverAttributes(i: number, width: number, image = "ubuntu-22.04"): Record<string, unknown> {
  const attributes: Record<string, unknown> = {
    name: `fractals-prod-worker-${i}`,
    image_name: image,
    flavor_name: "m1.medium",
    network: [{ uuid: `net-${i}`, fixed_ip_v4: `10.30.${Math.floor(i / 250)}.${i % 250}` }],
    metadata: { role: "worker", index: String(i) },
  };
  for (let k = 0; k < width; k++) attributes[`tag_${k}`] = `value-${i}-${k}`;
  return attributes;
}

/**
 * Parses the summary table into counts per stack: `{ dev: [add, change, replace, destroy] }`;
 * a failed stack shows `—`, read as NaN (which `toEqual` matches only with NaN).
 */
export function tableCounts(markdown: string): Record<string, number[]> {
  const rows: Record<string, number[]> = {};
  const cell = "(\\d+|—)";
  for (const match of markdown.matchAll(
    new RegExp(`^\\| ([^|]+?)(?: ❌| ⚠️)? \\| ${cell} \\| ${cell} \\| ${cell} \\| ${cell} \\|$`, "gm"),
  )) {
    rows[match[1]] = [2, 3, 4, 5].map((i) => (match[i] === "—" ? NaN : Number(match[i])));
  }
  return rows;
}

/** Add/change/replace/destroy counted straight from `resource_changes`, independently of the renderer. */
export function countsFromPlan(plan: PlanJson): number[] {
  const counts = [0, 0, 0, 0];
  for (const rc of plan.resource_changes ?? []) {
    const actions = rc.change.actions.join(",");
    if (actions === "create") counts[0]++;
    else if (actions === "update") counts[1]++;
    else if (actions === "delete,create" || actions === "create,delete") counts[2]++;
    else if (actions === "delete") counts[3]++;
  }
  return counts;
}
