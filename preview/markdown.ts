/**
 * Small Markdown/HTML helpers. Everything taken from a plan (addresses,
 * stack names, values) goes through one of them, so no plan content can
 * open a tag, end a code block or a table cell.
 */

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
};

/**
 * Text safe in HTML and in Markdown (including table cells). An underscore
 * inside a word cannot start emphasis, so `resource_type` stays readable.
 */
export function escapeText(text: string): string {
  return text.replace(/[&<>"|*[\]`\\]|(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])/g, (c) => ENTITIES[c]);
}

/** Inline code that works inside `<summary>`, tables and alerts alike. */
export function code(text: string): string {
  return `<code>${escapeText(text)}</code>`;
}

/** A fenced code block whose fence is longer than any backtick run inside it. */
export function codeBlock(language: string, lines: readonly string[]): string {
  const longestRun = Math.max(0, ...lines.map((line) => Math.max(0, ...(line.match(/`+/g) ?? []).map((run) => run.length))));
  const fence = "`".repeat(Math.max(3, longestRun + 1));
  return [`${fence}${language}`, ...lines, fence].join("\n");
}

/** A collapsed section; `summary` is HTML. */
export function details(summary: string, body: string): string {
  return `<details><summary>${summary}</summary>\n\n${body}\n\n</details>`;
}

/** A GitHub alert block (`> [!CAUTION]`), one quoted line per input line. */
export function alert(kind: "NOTE" | "IMPORTANT" | "WARNING" | "CAUTION", lines: readonly string[]): string {
  return [`> [!${kind}]`, ...lines.map((line) => `> ${line}`)].join("\n");
}

export function table(header: readonly string[], align: readonly ("left" | "right")[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]) => `| ${cells.join(" | ")} |`;
  return [line(header), line(align.map((a) => (a === "right" ? "---:" : "---"))), ...rows.map(line)].join("\n");
}
