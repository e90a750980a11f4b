/** Reading a rendered comment back, for assertions on its structure rather than its exact text. */

export type EntryLabel = "destroy" | "replace" | "update" | "create";

export interface ShownEntry {
  readonly stack: string;
  readonly label: EntryLabel;
  readonly address: string;
  readonly detailed: boolean;
}

/** The resource entries the comment shows, in document order. */
export function shownEntries(markdown: string): ShownEntry[] {
  const entries: ShownEntry[] = [];
  let stack = "";
  for (const line of markdown.split("\n")) {
    const heading = /^### (\S+)$/.exec(line);
    if (heading) stack = heading[1];
    const entry = /^(<details><summary>|- )<b>(\w+)<\/b> <code>([^<]+)<\/code>/.exec(line);
    if (entry) entries.push({ stack, label: entry[2] as EntryLabel, address: unescapeHtml(entry[3]), detailed: entry[1] !== "- " });
  }
  return entries;
}

export function unescapeHtml(html: string): string {
  return html
    .replace(/&#(\d+);/g, (_, n) => String.fromCharCode(Number(n)))
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");
}

/** The part above the first stack section: table, note, warnings. */
export function headOf(markdown: string): string {
  const end = markdown.indexOf("\n### ");
  return end === -1 ? markdown : markdown.slice(0, end);
}

/** The addresses in one alert block (`CAUTION` or `WARNING`), in order. */
export function alertAddresses(markdown: string, kind: "CAUTION" | "WARNING"): string[] {
  const block = new RegExp(`^> \\[!${kind}\\]\\n((?:> .*\\n?)*)`, "m").exec(markdown)?.[1] ?? "";
  return [...block.matchAll(/^> - \*\*[^*]+\*\*: <code>([^<]+)<\/code>/gm)].map((m) => unescapeHtml(m[1]));
}
