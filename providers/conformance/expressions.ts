/**
 * Terraform JSON syntax: a string holding `${...}` (or a `%{...}` directive) is
 * an expression whose value is only known at plan time, so the checker accepts
 * it wherever a value goes and checks only the references inside it.
 */

/** True when `value` is a template with at least one interpolation or directive (`$${` is an escape). */
export function isExpression(value: unknown): value is string {
  return typeof value === "string" && /(^|[^$])[$%]\{/.test(value);
}

/** A reference to a resource or data source found in an expression. */
export interface Reference {
  /** `openstack_networking_port_v2.api_port` or `data.openstack_images_image_v2.ubuntu`. */
  readonly address: string;
  /** `resource` or `data`. */
  readonly mode: "resource" | "data";
  readonly type: string;
  readonly name: string;
  /** The first attribute read after the address (and an optional index), if any. */
  readonly attribute?: string;
  /** Whether an instance key or splat follows the address: `x.y[0]`, `x.y[*]`. */
  readonly indexed: boolean;
}

/**
 * The resource and data source references in one expression string. Resource
 * types contain `_`, which `var.x`, `local.x`, `each.value` and function names
 * do not; names after a `.` (`var.my_thing.x`) are not roots. String literals
 * inside the interpolations are skipped, so `"${lookup(m, "a_b.c")}"` is not a
 * reference.
 */
export function referencesIn(expression: string): Reference[] {
  const refs: Reference[] = [];
  for (const body of interpolationBodies(expression)) {
    const code = body.replace(/"(?:[^"\\]|\\.)*"/g, '""');
    const pattern = /(?<![\w.\]-])(data\.)?([a-z][a-z0-9]*_[a-z0-9_]+)\.([A-Za-z_][\w-]*)((?:\[[^\]]*\])?)(?:\.([A-Za-z_][\w-]*))?/g;
    for (const m of code.matchAll(pattern)) {
      const [, data, type, name, index, attribute] = m;
      const mode = data ? "data" : "resource";
      refs.push({ address: `${data ?? ""}${type}.${name}`, mode, type, name, attribute, indexed: index !== "" });
    }
  }
  return refs;
}

/** The text inside each top-level `${ ... }`, balancing braces. */
function interpolationBodies(template: string): string[] {
  const bodies: string[] = [];
  for (let i = 0; i < template.length; i++) {
    if (template[i] === "$" && template[i + 1] === "$") {
      i++;
      continue;
    }
    if (!(template[i] === "$" || template[i] === "%") || template[i + 1] !== "{") continue;
    let depth = 0;
    let j = i + 1;
    for (; j < template.length; j++) {
      if (template[j] === "{") depth++;
      else if (template[j] === "}" && --depth === 0) break;
    }
    bodies.push(template.slice(i + 2, j));
    i = j;
  }
  return bodies;
}
