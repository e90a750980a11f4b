import { code, escapeText, linkUrl } from "./markdown";
import { PreviewError } from "./plan-json";

/**
 * Which commit a comment describes, from which run, when. The comment is
 * updated in place, so without this an old one reads as current.
 */
export interface Provenance {
  /** The pull request's head commit that was planned (full SHA). */
  readonly commit?: string;
  /** Link to that commit. */
  readonly commitUrl?: string;
  /** Link to the workflow run (its log). */
  readonly runUrl?: string;
  /** When the comment was made (ISO 8601). */
  readonly time?: string;
}

/** Full or short hexadecimal commit id: anything else is refused, not rendered. */
const SHA = /^[0-9a-f]{7,64}$/;

/** "Commit `abc1234` · workflow run · 2026-01-02 03:04 UTC", every part linked where a URL is known. */
export function provenanceLine(p: Provenance): string {
  const parts: string[] = [];
  if (p.commit !== undefined) {
    const short = code(p.commit.slice(0, 7));
    parts.push(p.commitUrl ? `for commit [${short}](${linkUrl(p.commitUrl)})` : `for commit ${short}`);
  }
  if (p.runUrl !== undefined) parts.push(`[workflow run](${linkUrl(p.runUrl)})`);
  if (p.time !== undefined) parts.push(escapeText(formatTime(p.time)));
  const said = parts.length > 0 ? `Preview ${parts.join(" · ")}.` : "Preview.";
  // The comment is edited in place: say what to compare against.
  return `<sub>${said} A newer commit on this pull request means this preview is out of date until its run finishes.</sub>`;
}

export function checkCommit(commit: string): string {
  if (!SHA.test(commit))
    throw new PreviewError(`--commit must be a hexadecimal commit id (7 to 64 characters), got ${JSON.stringify(commit)}`);
  return commit;
}

/** `2026-01-02T03:04:05.678Z` → `2026-01-02 03:04 UTC`. */
function formatTime(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) throw new PreviewError(`--time must be an ISO 8601 time, got ${JSON.stringify(iso)}`);
  return `${date.toISOString().slice(0, 16).replace("T", " ")} UTC`;
}
