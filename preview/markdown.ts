/**
 * Markdown/HTML helpers. Everything taken from a plan or a command line
 * (addresses, stack names, versions, values, step names, links) goes through
 * one of them, so no plan content can open a tag, end a code block, a table
 * cell, a `<summary>` or an alert line, mention anyone or show credentials
 * written into a URL. One helper per context:
 *
 * - text in a line (bold names, headings, sentences): `escapeText`;
 * - a table cell: `table` (cells escaped by the caller, then guarded);
 * - inline code: `code`;
 * - an HTML `<summary>`: `details` (its summary built from the above, then guarded);
 * - a blockquote / GitHub alert: `alert` (one quoted line per line, whatever the lines hold);
 * - a fenced code block: `codeBlock`;
 * - a link target: `linkUrl`.
 */
import { PreviewError } from "./plan-json";
import { maskUrlCredentials } from "./sensitive-values";

const ENTITIES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "|": "&#124;",
  "*": "&#42;",
  _: "&#95;",
  "[": "&#91;",
  "]": "&#93;",
  "`": "&#96;",
  "\\": "&#92;",
  "~": "&#126;",
  $: "&#36;",
  "#": "&#35;",
  // GitHub links (and notifies) `@login` and `@org/team` after a non-word character: a zero-width space after the `@` stops it.
  "@": "@&#8203;",
};

/**
 * Characters that end a line (CR, LF, NEL, U+2028/2029), other controls,
 * bidirectional overrides and invisible characters (which can make text read
 * differently from what it is), and lone surrogates: shown as escapes
 * (`\n`, `\u202E`), never passed through.
 */
const INVISIBLE =
  /[\u0000-\u001F\u007F-\u009F\u00AD\u061C\u115F\u1160\u180E\u200B-\u200F\u2028-\u202E\u2060-\u206F\u3164\uFE00-\uFE0F\uFEFF\uFFA0\uFFF9-\uFFFB]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

const SHORT_ESCAPES: Record<string, string> = { "\n": "\\n", "\r": "\\r", "\t": "\\t" };

/** `text` with every invisible or line-ending character written as an escape, as JSON would. */
export function visible(text: string): string {
  return text.replace(INVISIBLE, (c) => SHORT_ESCAPES[c] ?? `\\u${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")}`);
}

/**
 * Text safe on one line of Markdown and in HTML (including table cells,
 * `<summary>` and alert lines): line breaks and invisible characters shown as
 * escapes, credentials in URLs masked, mentions neutralised, and every
 * character that Markdown or HTML gives a meaning escaped. An underscore
 * inside a word cannot start emphasis, so `resource_type` stays readable.
 */
export function escapeText(text: string): string {
  return maskUrlCredentials(visible(text)).replace(
    /[&<>"|*[\]`\\~$#]|(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])|(?<![A-Za-z0-9_])@(?=[A-Za-z0-9])/g,
    (c) => ENTITIES[c],
  );
}

/** Inline code that works inside `<summary>`, tables and alerts alike. */
export function code(text: string): string {
  return `<code>${escapeText(text)}</code>`;
}

/**
 * A fenced code block whose fence is longer than any backtick run inside it.
 * Lines are split at every line ending CommonMark knows, and credentials in
 * URLs are masked (keys and paths reach it as well as values).
 */
export function codeBlock(language: string, lines: readonly string[]): string {
  const shown = lines.flatMap((line) => line.split(/\r\n?|\n/)).map(maskUrlCredentials);
  const longestRun = Math.max(0, ...shown.map((line) => Math.max(0, ...(line.match(/`+/g) ?? []).map((run) => run.length))));
  const fence = "`".repeat(Math.max(3, longestRun + 1));
  return [`${fence}${language}`, ...shown, fence].join("\n");
}

/** A collapsed section; `summary` is HTML on one line (a line break in it is a bug upstream, shown as a space). */
export function details(summary: string, body: string): string {
  return `<details><summary>${oneLine(summary)}</summary>\n\n${body}\n\n</details>`;
}

/** A GitHub alert block (`> [!CAUTION]`): every line of every item quoted, so nothing leaves the block. */
export function alert(kind: "NOTE" | "IMPORTANT" | "WARNING" | "CAUTION", lines: readonly string[]): string {
  return [`> [!${kind}]`, ...lines.flatMap((line) => line.split(/\r\n?|\n/)).map((line) => `> ${line}`)].join("\n");
}

/** A table; cells are HTML/Markdown already escaped (`escapeText`), guarded here against a line break or a stray `|`. */
export function table(header: readonly string[], align: readonly ("left" | "right")[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]) => `| ${cells.map((cell) => oneLine(cell).replace(/\|/g, "&#124;")).join(" | ")} |`;
  return [line(header), `| ${align.map((a) => (a === "right" ? "---:" : "---")).join(" | ")} |`, ...rows.map(line)].join("\n");
}

/**
 * A link target: only http(s) URLs without spaces; user information
 * (`user:password@`) dropped; the characters that could end a Markdown link
 * percent-encoded.
 */
export function linkUrl(url: string): string {
  if (!/^https?:\/\/[^\s\u0000-\u001F\u007F-\u009F]+$/i.test(url))
    throw new PreviewError(`a link must be an http(s) URL without spaces, got ${JSON.stringify(maskUrlCredentials(url))}`);
  const withoutCredentials = url.replace(/^(https?:\/\/)[^/?#]*@/i, "$1");
  return withoutCredentials.replace(/[()<>[\]\\"'`]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function oneLine(html: string): string {
  return html.replace(/\r\n?|\n|\u2028|\u2029|\u0085/g, " ");
}
