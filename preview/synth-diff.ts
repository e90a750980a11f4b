import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { BehaviourFile } from "../providers/schema/types";
import { AttributeChange, diffAttributes, formatPath } from "./attribute-diff";
import { ChangeKind } from "./change-kind";
import { byStackOrder } from "./load-inputs";
import { code } from "./markdown";
import { AttributePath } from "./plan-json";
import { KindWording, renderReport, RenderOptions, Report, ReportEntry, StackReport } from "./report";
import { Redactor } from "./sensitive-values";
import { disruptiveEffect, replacementEffect } from "./stateful-resources";

/** Synthesized `cdk.tf.json` documents by stack name (see `readSynthDir`). */
export type SynthStacks = ReadonlyMap<string, unknown>;

/** Attribute paths (`network.uuid`, no list indexes) whose change replaces a resource, by resource type. */
export type ForceNewIndex = ReadonlyMap<string, ReadonlySet<string>>;

const SYNTH_WORDING: Record<ChangeKind, KindWording> = {
  create: { column: "Added", label: "added", warning: "is new" },
  update: { column: "Changed", label: "changed", warning: "changes" },
  replace: { column: "Replaced (likely)", label: "replaced (likely)", warning: "will likely be **replaced**" },
  delete: { column: "Removed", label: "removed", warning: "is removed: Terraform will **destroy** it" },
};

const INTRO = [
  "> [!NOTE]",
  "> No cloud credentials in this run (a pull request from a fork?), so this compares the synthesized Terraform JSON",
  "> of the base and head commits instead of running `terraform plan`. References such as `${data…id}` are compared as",
  "> written: a change that reaches a resource only through a reference does not show on that resource.",
  '> "Replaced (likely)" means a changed attribute is ForceNew in the provider.',
].join("\n");

/** The Markdown comment comparing two `cdktf synth` outputs. */
export interface SynthDiffOptions extends RenderOptions {
  /** @default no attribute is known to force replacement */
  readonly forceNew?: ForceNewIndex;
  /**
   * Stacks named here come first, in this order; others follow alphabetically.
   * @default alphabetical
   */
  readonly order?: readonly string[];
}

export function renderSynthDiff(base: SynthStacks, head: SynthStacks, options: SynthDiffOptions = {}): string {
  return renderReport(synthReport(base, head, options), options);
}

export function synthReport(base: SynthStacks, head: SynthStacks, options: Omit<SynthDiffOptions, keyof RenderOptions> = {}): Report {
  const forceNew = options.forceNew ?? new Map<string, ReadonlySet<string>>();
  const names = [...new Set([...head.keys(), ...base.keys()])].sort(byStackOrder(options.order));
  const redactor = new Redactor();
  const stacks: StackReport[] = names.map((name) => {
    const before = addressableBlocks(base.get(name));
    const after = addressableBlocks(head.get(name));
    const entries: ReportEntry[] = [];
    for (const address of new Set([...before.keys(), ...after.keys()])) {
      const b = before.get(address);
      const a = after.get(address);
      const { type, managed } = (a ?? b)!;
      const attributes = diffAttributes({ before: b?.body ?? null, after: a?.body ?? null }, redactor);
      const uncounted = !managed;
      const loss = preventsDestroy(b?.body) ? "marked prevent_destroy in the base commit" : undefined;
      if (b === undefined) entries.push({ address, type, kind: "create", attributes, uncounted });
      else if (a === undefined) entries.push({ address, type, kind: "delete", attributes, uncounted, loss });
      else if (attributes.length === 0) continue;
      else if (managed) entries.push({ ...changedEntry(address, type, attributes, forceNew.get(type), b.body), loss });
      else entries.push({ address, type, kind: "update", attributes, uncounted, disruption: backendMove(address, attributes) });
    }
    const problem = !base.has(name)
      ? "New stack: not in the base commit."
      : !head.has(name)
        ? "Stack removed in this pull request."
        : undefined;
    return { name, entries, problem };
  });
  return { title: "Terraform configuration diff (no plan)", intro: INTRO, wording: SYNTH_WORDING, stacks };
}

function changedEntry(
  address: string,
  type: string,
  attributes: AttributeChange[],
  forceNew: ReadonlySet<string> | undefined,
  before: unknown,
): ReportEntry {
  const marked = attributes.map((change) => ({ ...change, forcesReplacement: isForceNew(change.path, forceNew) }));
  const forcing = marked.filter((change) => change.forcesReplacement);
  if (forcing.length === 0) {
    const effect = disruptiveEffect(
      type,
      marked.map((change) => String(change.path[0])),
    );
    return { address, type, kind: "update", attributes: marked, disruption: effect?.effect, wipesDisk: effect?.wipesDisk };
  }
  const note = `ForceNew: ${[...new Set(forcing.map((change) => formatPath(change.path)))].map(code).join(", ")}`;
  const effect = replacementEffect(type, before);
  return { address, type, kind: "replace", note, attributes: marked, disruption: effect?.effect, wipesDisk: effect?.wipesDisk };
}

/** A changed backend: Terraform looks for the state elsewhere and, not finding it, plans to create everything. */
function backendMove(address: string, attributes: readonly AttributeChange[]): string | undefined {
  if (address !== "terraform" || !attributes.some((change) => change.path[0] === "backend")) return undefined;
  return "its state backend moves: migrate the state (terraform init -migrate-state) before the next apply, or Terraform starts from an empty state";
}

/**
 * Removing the resource block also removes its `prevent_destroy`, so
 * Terraform will not stop that plan: the base commit's word is what counts.
 */
function preventsDestroy(body: unknown): boolean {
  return asRecord(asRecord(body).lifecycle).prevent_destroy === true;
}

/** A path forces replacement when it, or a block containing it, is ForceNew. */
function isForceNew(path: AttributePath, forceNew: ReadonlySet<string> | undefined): boolean {
  if (forceNew === undefined) return false;
  const names = path.filter((segment): segment is string => typeof segment === "string");
  return names.some((_, i) => forceNew.has(names.slice(0, i + 1).join(".")));
}

interface Block {
  readonly type: string;
  /** A managed resource, the only kind of block that is created or destroyed in the cloud. */
  readonly managed: boolean;
  readonly body: unknown;
}

/**
 * Every addressable block of a `cdk.tf.json`: resources and data sources
 * (two levels: type, name), outputs, variables, modules and providers (one
 * level), and the `terraform` block (backend, required providers). cdktf's
 * `//` metadata keys are dropped: they change with construct paths, not infrastructure.
 */
function addressableBlocks(document: unknown): Map<string, Block> {
  const blocks = new Map<string, Block>();
  const doc = asRecord(withoutMetadata(document));
  for (const [type, named] of Object.entries(asRecord(doc.resource))) {
    for (const [name, body] of Object.entries(asRecord(named))) blocks.set(`${type}.${name}`, { type, managed: true, body });
  }
  for (const [type, named] of Object.entries(asRecord(doc.data))) {
    for (const [name, body] of Object.entries(asRecord(named)))
      blocks.set(`data.${type}.${name}`, { type: `data.${type}`, managed: false, body });
  }
  for (const kind of ["output", "variable", "module", "provider"]) {
    for (const [name, body] of Object.entries(asRecord(doc[kind]))) blocks.set(`${kind}.${name}`, { type: kind, managed: false, body });
  }
  if (doc.terraform !== undefined) blocks.set("terraform", { type: "terraform", managed: false, body: doc.terraform });
  return blocks;
}

function withoutMetadata(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutMetadata);
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([key]) => key !== "//")
      .map(([key, item]) => [key, withoutMetadata(item)]),
  );
}

function asRecord(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/**
 * ForceNew attributes from the vendored provider behaviour files
 * (`providers/<name>/*.behaviour.json` or `*-behaviour.json`, extracted from
 * the providers' sources).
 */
export function loadForceNew(providersDir: string): ForceNewIndex {
  const index = new Map<string, Set<string>>();
  if (!existsSync(providersDir)) return index;
  for (const entry of readdirSync(providersDir, { withFileTypes: true }).filter((e) => e.isDirectory())) {
    const dir = join(providersDir, entry.name);
    for (const file of readdirSync(dir).filter((f) => /[.-]behaviour\.json$/.test(f))) {
      const behaviour = JSON.parse(readFileSync(join(dir, file), "utf8")) as BehaviourFile;
      for (const [type, resource] of Object.entries(behaviour.resources ?? {})) {
        const paths = Object.entries(resource.attributes ?? {})
          .filter(([, a]) => a.force_new === true)
          .map(([path]) => path);
        index.set(type, new Set(paths));
      }
    }
  }
  return index;
}
