/**
 * Checks one configuration body (a resource, data source or provider block)
 * against its schema block, recursively through nested blocks: unknown and
 * computed-only arguments, required arguments and blocks, types, block shapes
 * and item counts. The behaviour file's validations and relations are
 * behaviour-rules.ts's.
 */
import { AttributeBehaviours, forcesNew } from "../schema/behaviour";
import type { SchemaAttribute, SchemaBlock, SchemaNestedBlock } from "../schema/types";
import { joinPath, RuleId } from "./findings";
import { isExpression } from "./expressions";
import { isPlainObject, typeMismatches } from "./value-types";

/** Terraform functions whose result differs on every plan. */
const VOLATILE_FUNCTIONS = /\b(timestamp|plantimestamp|uuid|bcrypt)\s*\(/;

export type Report = (path: string, rule: RuleId, message: string) => void;

export interface BodyContext {
  readonly behaviour: AttributeBehaviours;
  readonly report: Report;
}

/** Where a body sits: `path` for messages (`network[1]`), `schemaPath` for the behaviour file (`network`). */
export interface BodyLocation {
  readonly path: string;
  readonly schemaPath: string;
}

export const ROOT: BodyLocation = { path: "", schemaPath: "" };

/**
 * Checks `body` against `block`, skipping cdktf's `//` metadata and `skipKeys`
 * (at the top level, the meta-arguments the caller checks itself).
 */
export function checkBody(
  body: Record<string, unknown>,
  block: SchemaBlock,
  at: BodyLocation,
  ctx: BodyContext,
  skipKeys: ReadonlySet<string> = new Set(),
): void {
  const attributes = block.attributes ?? {};
  const blockTypes = block.block_types ?? {};
  const dynamicBlocks = new Set<string>();

  for (const [key, value] of Object.entries(body)) {
    if (key === "//" || skipKeys.has(key)) continue;
    const path = joinPath(at.path, key);
    if (key === "dynamic") {
      checkDynamic(value, blockTypes, at, ctx, dynamicBlocks);
    } else if (key in attributes) {
      if (value !== null) checkAttribute(value, attributes[key], { path, schemaPath: joinPath(at.schemaPath, key) }, ctx);
    } else if (key in blockTypes) {
      checkNestedBlocks(value, blockTypes[key], { path, schemaPath: joinPath(at.schemaPath, key) }, ctx);
    } else {
      const isBlockLike = isPlainObject(value) || (Array.isArray(value) && value.every(isPlainObject) && value.length > 0);
      const hint = suggestion(key, [...Object.keys(attributes), ...Object.keys(blockTypes)]);
      ctx.report(
        path,
        isBlockLike ? "unknown-block" : "unknown-attribute",
        `${isBlockLike ? "block" : "argument"} '${key}' is not in the schema${hint}`,
      );
    }
  }

  for (const [name, attribute] of Object.entries(attributes)) {
    if (attribute.required && (body[name] === undefined || body[name] === null)) {
      ctx.report(joinPath(at.path, name), "missing-required", `required argument '${name}' is missing`);
    }
  }
  for (const [name, blockType] of Object.entries(blockTypes)) {
    const min = blockType.min_items ?? 0;
    if (min > 0 && body[name] === undefined && !dynamicBlocks.has(name)) {
      ctx.report(joinPath(at.path, name), "missing-block", `at least ${min} '${name}' block${min > 1 ? "s are" : " is"} required`);
    }
  }
}

function checkAttribute(value: unknown, attribute: SchemaAttribute, at: BodyLocation, ctx: BodyContext): void {
  if (!attribute.optional && !attribute.required) {
    ctx.report(at.path, "computed-only", "is computed by the provider and cannot be set in configuration");
    return;
  }
  const mismatches = typeMismatches(value, attribute.type);
  for (const m of mismatches) ctx.report(at.path + m.at, "wrong-type", m.message);
  if (forcesNew(ctx.behaviour, at.schemaPath) && isExpression(value)) {
    const volatile = VOLATILE_FUNCTIONS.exec(value);
    if (volatile) {
      ctx.report(
        at.path,
        "volatile-force-new",
        `forces replacement and calls ${volatile[1]}(), which changes on every plan: the resource would be replaced on every apply`,
      );
    }
  }
}

/**
 * A nested block is an object or a list of objects in Terraform JSON; `map`
 * blocks are objects keyed by label. A `${...}` string cannot stand for a
 * block: that needs a `dynamic` block.
 */
function checkNestedBlocks(value: unknown, blockType: SchemaNestedBlock, at: BodyLocation, ctx: BodyContext): void {
  if (value === null) return;
  let elements: [string, unknown][];
  if (blockType.nesting_mode === "map") {
    if (!isPlainObject(value)) {
      ctx.report(at.path, "block-shape", "must be an object of blocks keyed by label");
      return;
    }
    elements = Object.entries(value).map(([label, v]) => [`${at.path}.${label}`, v]);
  } else if (Array.isArray(value)) {
    elements = value.map((v, i) => [`${at.path}[${i}]`, v]);
  } else if (!isPlainObject(value)) {
    elements = [[at.path, value]];
  } else {
    elements = [[blockType.nesting_mode === "list" || blockType.nesting_mode === "set" ? `${at.path}[0]` : at.path, value]];
  }
  const bad = elements.filter(([, v]) => !isPlainObject(v));
  if (bad.length > 0) {
    const how = isExpression(bad[0][1]) ? "; a computed value needs a 'dynamic' block" : "";
    ctx.report(
      bad[0][0],
      "block-shape",
      `a '${at.schemaPath.split(".").pop()}' block must be an object${how}, got ${JSON.stringify(bad[0][1])}`,
    );
    return;
  }
  const max = blockType.nesting_mode === "single" || blockType.nesting_mode === "group" ? 1 : blockType.max_items;
  const min = blockType.min_items ?? 0;
  if (max !== undefined && elements.length > max) {
    ctx.report(at.path, "block-max-items", `at most ${max} block${max === 1 ? "" : "s"} allowed, got ${elements.length}`);
  }
  if (elements.length < min) {
    ctx.report(at.path, "block-min-items", `at least ${min} block${min === 1 ? "" : "s"} required, got ${elements.length}`);
  }
  for (const [path, element] of elements) {
    checkBody(element as Record<string, unknown>, blockType.block, { path, schemaPath: at.schemaPath }, ctx);
  }
}

/** `dynamic: { <block>: { for_each, iterator?, labels?, content: {...} } }` */
function checkDynamic(
  value: unknown,
  blockTypes: Record<string, SchemaNestedBlock>,
  at: BodyLocation,
  ctx: BodyContext,
  seen: Set<string>,
): void {
  const path = joinPath(at.path, "dynamic");
  if (!isPlainObject(value)) {
    ctx.report(path, "block-shape", "must be an object of dynamic blocks keyed by block type");
    return;
  }
  for (const [name, spec] of Object.entries(value)) {
    const specPath = `${path}.${name}`;
    if (!(name in blockTypes)) {
      ctx.report(
        specPath,
        "unknown-block",
        `dynamic block '${name}' is not a block in the schema${suggestion(name, Object.keys(blockTypes))}`,
      );
      continue;
    }
    seen.add(name);
    if (!isPlainObject(spec) || spec.for_each === undefined || !isPlainObject(spec.content)) {
      ctx.report(specPath, "block-shape", "a dynamic block needs 'for_each' and a 'content' object");
      continue;
    }
    const extra = Object.keys(spec).filter((k) => !["for_each", "iterator", "labels", "content"].includes(k));
    if (extra.length > 0) ctx.report(specPath, "block-shape", `unexpected key(s) ${extra.join(", ")} in a dynamic block`);
    checkBody(spec.content, blockTypes[name].block, { path: `${specPath}.content`, schemaPath: joinPath(at.schemaPath, name) }, ctx);
  }
}

/** `; did you mean 'name'?` for a near miss or a camelCase spelling, else empty. */
function suggestion(key: string, candidates: string[]): string {
  const snake = key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
  if (snake !== key && candidates.includes(snake)) return `; did you mean '${snake}'?`;
  const close = candidates.filter((c) => editDistance(c, key) <= 2).sort((a, b) => editDistance(a, key) - editDistance(b, key));
  const extended = candidates.filter((c) => c.startsWith(`${key}_`) || key.startsWith(`${c}_`));
  const best = close[0] ?? (extended.length === 1 ? extended[0] : undefined);
  return best ? `; did you mean '${best}'?` : "";
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length];
}
