import { AttributeChange, formatPath, KNOWN_AFTER_APPLY } from "./attribute-diff";
import { CHANGE_KINDS, ChangeCounts, ChangeKind, emptyCounts } from "./change-kind";
import { alert, code, codeBlock, details, escapeText, linkUrl, table } from "./markdown";
import { provenanceLine, Provenance } from "./provenance";
import { statefulLoss } from "./stateful-resources";

/** Identifies the preview comment so the workflow updates it instead of adding another. */
export const PREVIEW_MARKER = "<!-- fractals-plan-preview -->";

/** GitHub rejects comment bodies of this many characters or more. */
export const GITHUB_COMMENT_LIMIT = 65_536;

/** Default budget: under the limit with room to spare for what the workflow may add. */
export const DEFAULT_MAX_CHARS = 65_000;

/** Attribute lines shown per resource; a resource with more says how many it left out. */
const MAX_ATTRIBUTES_PER_RESOURCE = 60;

/** One changed resource. */
export interface ReportEntry {
  readonly address: string;
  readonly type: string;
  readonly kind: ChangeKind;
  /** Short HTML shown after the address, e.g. what forces a replacement. */
  readonly note?: string;
  readonly attributes: readonly AttributeChange[];
  /**
   * What losing this resource loses, when its configuration says so itself
   * (`prevent_destroy`); otherwise STATEFUL_RESOURCES decides.
   */
  readonly loss?: string;
  /**
   * What the change does to the resource beyond its settings: an update that
   * rebuilds or resizes a server, what a replacement does to its disk and
   * addresses (see SERVER_EFFECTS). An update with one is warned about.
   */
  readonly disruption?: string;
  /** The change rewrites the resource's root disk: a stateful one loses what it keeps there. */
  readonly wipesDisk?: boolean;
  /**
   * Configuration that is not a managed resource (a data source, an output):
   * listed, but neither counted in the table nor warned about.
   */
  readonly uncounted?: boolean;
}

export interface StackReport {
  readonly name: string;
  readonly entries: readonly ReportEntry[];
  /** Shown with the stack when its plan is not to be trusted as complete (e.g. it errored). */
  readonly problem?: string;
  /**
   * The plan failed: the table shows `—`, not counts that would read as "no
   * changes"; what is listed is only what Terraform planned before the error.
   */
  readonly failed?: boolean;
  /** Terraform's diagnostics for a failed stack, already masked and trimmed. */
  readonly errorText?: string;
  /** Planned against a state with no resources: every resource shows as new, whatever the cloud holds. */
  readonly emptyState?: boolean;
}

export interface KindWording {
  /** Summary table header: "Destroy". */
  readonly column: string;
  /** Before an address: "destroy". */
  readonly label: string;
  /** After an address in a warning: "will be **destroyed**" (Markdown). */
  readonly warning: string;
}

/** Everything a preview comment says; both modes (plans, synth diff) build one. */
export interface Report {
  readonly title: string;
  /** Markdown shown under the title. */
  readonly intro?: string;
  /** How this mode names each kind of change. */
  readonly wording: Readonly<Record<ChangeKind, KindWording>>;
  readonly stacks: readonly StackReport[];
  /** Markdown line closing the comment. */
  readonly footer?: string;
}

export interface RenderOptions {
  /**
   * Character budget for the whole body.
   * @default DEFAULT_MAX_CHARS
   */
  readonly maxChars?: number;
  /** Where the untruncated plans are (the workflow run); named in the truncation note. */
  readonly fullOutputUrl?: string;
  /** Which commit, which run, when: a comment left from an older commit must not pass for current. */
  readonly provenance?: Provenance;
}

export function countKinds(entries: readonly ReportEntry[]): ChangeCounts {
  const counts = emptyCounts();
  for (const entry of entries) if (!entry.uncounted) counts[entry.kind]++;
  return counts;
}

type Detail = "full" | "line" | "none";

interface Item {
  readonly stack: number;
  readonly entry: ReportEntry;
  readonly full: string;
  readonly line: string;
  detail: Detail;
}

interface Warning {
  readonly stack: string;
  readonly entry: ReportEntry;
  readonly loss?: string;
}

/** Room kept for the truncation note and the per-stack "not listed" lines while choosing what to drop. */
const NOTE_RESERVE = 1_200;
const OMITTED_LINE_RESERVE = 200;

/**
 * Renders the comment body within `maxChars`. When everything does not fit,
 * the least important goes first (see `demotionSteps`). The summary table
 * and the warnings stay; a note says what was left out.
 */
export function renderReport(report: Report, options: RenderOptions = {}): string {
  const maxChars = options.maxChars ?? DEFAULT_MAX_CHARS;
  const stacks = report.stacks.map((stack) => ({ ...stack, entries: sortEntries(stack.entries) }));
  const items: Item[] = stacks.flatMap((stack, index) =>
    stack.entries.map((entry) => ({
      stack: index,
      entry,
      full: renderFull(report, entry),
      line: renderLine(report, entry),
      detail: "full" as Detail,
    })),
  );
  const warnings = collectWarnings(stacks);
  const compose = (warningLimit: number) => composeReport(report, stacks, items, warnings, warningLimit, { ...options, maxChars });

  let text = compose(warnings.length);
  if (text.length <= maxChars) return text;

  const steps = demotionSteps(items);
  // Plan the cuts on sizes (cheap), then re-render one cut at a time if the estimate fell short.
  let next = 0;
  let estimate = text.length + NOTE_RESERVE + OMITTED_LINE_RESERVE * stacks.length;
  for (; next < steps.length && estimate > maxChars; next++) {
    const [item, target] = steps[next];
    estimate -= itemSize(item, item.detail) - itemSize(item, target);
    item.detail = target;
  }
  text = compose(warnings.length);
  for (; next < steps.length && text.length > maxChars; next++) {
    const [item, target] = steps[next];
    item.detail = target;
    text = compose(warnings.length);
  }

  // The warnings are kept whole unless they alone overflow the budget; the
  // most serious come first, so the least serious are the ones cut.
  let warningLimit = warnings.length;
  while (text.length > maxChars && warningLimit > 0) {
    warningLimit = Math.floor(warningLimit * 0.8);
    text = compose(warningLimit);
  }
  return text.length <= maxChars
    ? text
    : `${text.slice(0, maxChars - 60)}\n\n… (cut at the ${maxChars.toLocaleString("en-US")}-character limit)`;
}

const KIND_ORDER: Record<ChangeKind, number> = { delete: 0, replace: 1, update: 2, create: 3 };

/** Resources before the rest; deletions, then replacements, updates and creates; stateful first within each. */
function sortEntries(entries: readonly ReportEntry[]): ReportEntry[] {
  const stateful = (e: ReportEntry) => ((statefulLoss(e) ?? e.loss) === undefined ? 1 : 0);
  return [...entries].sort(
    (a, b) =>
      Number(a.uncounted ?? false) - Number(b.uncounted ?? false) ||
      KIND_ORDER[a.kind] - KIND_ORDER[b.kind] ||
      stateful(a) - stateful(b) ||
      a.address.localeCompare(b.address),
  );
}

/**
 * What the change loses: only a deletion, a replacement or an update that
 * rewrites the disk loses anything (a resize keeps it). The data rules
 * first: their words are more specific than "marked prevent_destroy".
 */
function lossOf(entry: ReportEntry): string | undefined {
  if (entry.kind === "create" || (entry.kind === "update" && !entry.wipesDisk)) return undefined;
  return statefulLoss(entry) ?? entry.loss;
}

function collectWarnings(stacks: readonly StackReport[]): Warning[] {
  const warnings = stacks.flatMap((stack) =>
    stack.entries
      .filter((entry) => entry.disruption !== undefined || (!entry.uncounted && (entry.kind === "delete" || entry.kind === "replace")))
      .map((entry) => ({ stack: stack.name, entry, loss: lossOf(entry) })),
  );
  // Stable sort: stateful first, stack order and delete-before-replace kept.
  return warnings.sort((a, b) => (a.loss === undefined ? 1 : 0) - (b.loss === undefined ? 1 : 0));
}

/**
 * The cuts, least important first, each tier bottom-up: entries that are not
 * resources; then creates (their details, then the entries: the table still
 * counts them); then updates the same way; and only then replacements and
 * deletions, whose entries the warnings still name.
 */
function demotionSteps(items: readonly Item[]): (readonly [Item, Detail])[] {
  const tiers = [
    items.filter((item) => item.entry.uncounted),
    items.filter((item) => !item.entry.uncounted && item.entry.kind === "create"),
    items.filter((item) => !item.entry.uncounted && item.entry.kind === "update"),
    items.filter((item) => !item.entry.uncounted && (item.entry.kind === "replace" || item.entry.kind === "delete")),
  ];
  return tiers.flatMap((tier) => {
    const bottomUp = [...tier].reverse();
    return [...bottomUp.map((item) => [item, "line"] as const), ...bottomUp.map((item) => [item, "none"] as const)];
  });
}

function itemSize(item: Item, detail: Detail): number {
  if (detail === "none") return 0;
  return (detail === "full" ? item.full.length : item.line.length) + 2;
}

function composeReport(
  report: Report,
  stacks: readonly StackReport[],
  items: readonly Item[],
  warnings: readonly Warning[],
  warningLimit: number,
  options: RenderOptions & { readonly maxChars: number },
): string {
  const parts: string[] = [PREVIEW_MARKER, `## ${report.title}`];
  if (options.provenance) parts.push(provenanceLine(options.provenance));
  if (report.intro) parts.push(report.intro);

  const kinds = report.wording;
  const rows = stacks.map((stack) => {
    const counts = countKinds(stack.entries);
    // A failed plan's counts would read as "no changes" (or as all there is): none are shown.
    const cells = CHANGE_KINDS.map((kind) => (stack.failed ? FAILED_CELL : String(counts[kind])));
    return [`${escapeText(stack.name)}${stack.failed ? " ❌" : stack.problem ? " ⚠️" : ""}`, ...cells];
  });
  parts.push(table(["Stack", ...CHANGE_KINDS.map((kind) => kinds[kind].column)], ["left", "right", "right", "right", "right"], rows));

  const empty = stacks.filter((stack) => stack.emptyState && !stack.failed);
  if (empty.length > 0) parts.push(emptyStateNote(empty.map((stack) => stack.name)));
  const note = truncationNote(stacks, items, warnings.length - warningLimit, options);
  if (note) parts.push(note);
  parts.push(...renderWarnings(report, warnings.slice(0, warningLimit)));

  stacks.forEach((stack, index) => {
    const problem = stack.problem
      ? `${stack.failed ? "❌" : "⚠️"} ${stack.problem}${stack.failed ? logLink(options.fullOutputUrl) : ""}`
      : undefined;
    const error = stack.errorText ? codeBlock("text", stack.errorText.split("\n")) : undefined;
    if (stack.entries.length === 0) {
      parts.push(`**${escapeText(stack.name)}**: ${problem ?? "no changes."}`);
      if (error) parts.push(error);
      return;
    }
    parts.push(`### ${escapeText(stack.name)}`);
    if (problem) parts.push(problem);
    if (error) parts.push(error);
    const stackItems = items.filter((item) => item.stack === index);
    for (const item of stackItems) if (item.detail !== "none") parts.push(item.detail === "full" ? item.full : item.line);
    const omitted = stackItems.filter((item) => item.detail === "none");
    if (omitted.length > 0) parts.push(`_${describeKinds(omitted)} not listed here (comment size limit)._`);
  });
  if (report.footer) parts.push(report.footer);
  return `${parts.join("\n\n")}\n`;
}

/** Shown instead of counts for a stack whose plan failed. */
export const FAILED_CELL = "—";

/** The sentence reviewers look for; the workflow's tests and the README quote it. */
export const EMPTY_STATE_WARNING = "planned against empty state: everything shows as new";

function emptyStateNote(stacks: readonly string[]): string {
  // Not a WARNING: those list what would be destroyed, and a reader scans them for addresses.
  return alert("IMPORTANT", [
    `**${stacks.map(escapeText).join(", ")}**: ${EMPTY_STATE_WARNING}. The plan found no resources in the state: ` +
      "either no shared state backend is configured (local state starts empty on every run) or the stack was never deployed. " +
      "Creates here may already exist in the cloud.",
  ]);
}

function logLink(url: string | undefined): string {
  return url ? ` [Workflow log](${linkUrl(url)}).` : "";
}

function renderWarnings(report: Report, warnings: readonly Warning[]): string[] {
  const stateful = warnings.filter((w) => w.loss !== undefined);
  const other = warnings.filter((w) => w.loss === undefined);
  const line = (w: Warning) =>
    `- **${escapeText(w.stack)}**: ${code(w.entry.address)} ${report.wording[w.entry.kind].warning}${w.entry.note ? ` (${w.entry.note})` : ""}` +
    (w.entry.disruption ? `: ${escapeText(w.entry.disruption)}` : "") +
    (w.loss ? `. **${escapeText(capitalize(w.loss))}.**` : "");
  const blocks: string[] = [];
  if (stateful.length > 0) {
    blocks.push(
      alert("CAUTION", [
        `**${plural(stateful.length, "stateful resource")} would be destroyed, replaced or rebuilt: what ${stateful.length === 1 ? "it holds" : "they hold"} is lost.**`,
        ...stateful.map(line),
      ]),
    );
  }
  if (other.length > 0) {
    blocks.push(
      alert("WARNING", [`**${plural(other.length, "resource")} would be destroyed, replaced or disrupted.**`, ...other.map(line)]),
    );
  }
  return blocks;
}

function truncationNote(
  stacks: readonly StackReport[],
  items: readonly Item[],
  warningsCut: number,
  options: RenderOptions & { readonly maxChars: number },
): string | undefined {
  const withoutDetails = items.filter((item) => item.detail === "line");
  const unlisted = items.filter((item) => item.detail === "none");
  if (withoutDetails.length === 0 && unlisted.length === 0 && warningsCut === 0) return undefined;
  // The limit in force is the budget asked for, not always GitHub's.
  const limit = options.maxChars.toLocaleString("en-US");
  const said: string[] = [
    options.maxChars < GITHUB_COMMENT_LIMIT
      ? `This comment was shortened to stay within ${limit} characters (GitHub's limit is ${GITHUB_COMMENT_LIMIT.toLocaleString("en-US")}).`
      : `This comment was shortened to stay within ${limit} characters.`,
  ];
  if (withoutDetails.length > 0)
    said.push(`Attribute details are left out for ${describeKinds(withoutDetails)}: ${perStack(stacks, withoutDetails)}.`);
  if (unlisted.length > 0) said.push(`${capitalize(describeKinds(unlisted))} are not listed at all: ${perStack(stacks, unlisted)}.`);
  said.push(
    warningsCut > 0
      ? `The summary table is complete; ${plural(warningsCut, "less serious replacement or deletion", "less serious replacements or deletions")} are missing from the warnings.`
      : "The summary table and the warnings are complete.",
  );
  if (options.fullOutputUrl) said.push(`The full plans are in [the workflow run](${linkUrl(options.fullOutputUrl)}).`);
  return alert("NOTE", [said.join(" ")]);
}

const NAMED_CUT_ROWS = 3;

/** "**dev** 2,990 (`a`, `b`, `c` and 2,987 more)": which stacks lost which rows. */
function perStack(stacks: readonly StackReport[], cut: readonly Item[]): string {
  return stacks
    .map((stack, index) => ({ stack, rows: cut.filter((item) => item.stack === index) }))
    .filter(({ rows }) => rows.length > 0)
    .map(({ stack, rows }) => {
      // A few addresses by name, so a reviewer can tell which rows to look for in the full plan.
      const named = rows.slice(0, NAMED_CUT_ROWS).map((item) => code(item.entry.address));
      const more = rows.length - named.length;
      return `**${escapeText(stack.name)}** ${rows.length.toLocaleString("en-US")} (${named.join(", ")}${more > 0 ? ` and ${more.toLocaleString("en-US")} more` : ""})`;
    })
    .join(", ");
}

/** "3 resources (2 to create, 1 to update)"; data sources, outputs and the like are "other blocks". */
function describeKinds(items: readonly Item[]): string {
  const counts = countKinds(items.map((item) => item.entry));
  const words: Record<ChangeKind, string> = { create: "to create", update: "to update", replace: "to replace", delete: "to destroy" };
  const parts = CHANGE_KINDS.filter((kind) => counts[kind] > 0).map((kind) => `${counts[kind].toLocaleString("en-US")} ${words[kind]}`);
  const other = items.filter((item) => item.entry.uncounted).length;
  if (other > 0) parts.push(plural(other, "other block"));
  return `${plural(items.length, "resource")} (${parts.join(", ")})`;
}

function renderFull(report: Report, entry: ReportEntry): string {
  if (entry.attributes.length === 0) return renderLine(report, entry);
  // Computed attributes that become unknown (every one on a create or a replacement): one line naming
  // them says as much as two lines each. What forces a replacement comes first.
  const computed = entry.attributes.filter((a) => a.after === KNOWN_AFTER_APPLY && !a.forcesReplacement);
  const listed = entry.attributes
    .filter((a) => !computed.includes(a))
    .sort((a, b) => Number(b.forcesReplacement) - Number(a.forcesReplacement));
  const shown = listed.slice(0, MAX_ATTRIBUTES_PER_RESOURCE);
  const lines = shown.flatMap(attributeLines);
  const hidden = listed.length - shown.length;
  if (hidden > 0) lines.push(`# … ${plural(hidden, "more attribute")} not shown`);
  if (computed.length > 0) lines.push(`# known after apply: ${computed.map((a) => formatPath(a.path)).join(", ")}`);
  return details(summaryOf(report, entry), codeBlock("diff", lines));
}

function renderLine(report: Report, entry: ReportEntry): string {
  return `- ${summaryOf(report, entry)}`;
}

function summaryOf(report: Report, entry: ReportEntry): string {
  return `<b>${report.wording[entry.kind].label}</b> ${code(entry.address)}${entry.note ? ` — ${entry.note}` : ""}`;
}

/** Diff lines: `-` old value, `+` new value, so GitHub colours them. */
function attributeLines(change: AttributeChange): string[] {
  const path = formatPath(change.path);
  const lines: string[] = [];
  if (change.before !== undefined) lines.push(`- ${path} = ${change.before}`);
  if (change.after !== undefined) lines.push(`+ ${path} = ${change.after}`);
  if (change.forcesReplacement && lines.length > 0) lines[lines.length - 1] += "   # forces replacement";
  return lines;
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString("en-US")} ${n === 1 ? one : many}`;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
