import { errorExcerpt } from "./diagnostics";
import { codeBlock, escapeText, linkUrl } from "./markdown";
import { Provenance, provenanceLine } from "./provenance";
import { PREVIEW_MARKER } from "./report";

export interface FailureOptions {
  /** The workflow step that failed, as the log names it ("Synthesize the head commit"). */
  readonly step: string;
  /** What the step printed, when the workflow kept it. */
  readonly output?: string;
  readonly provenance?: Provenance;
}

/**
 * The comment when no preview could be made (install, synth or an earlier
 * step failed): the previous preview is replaced, never left looking current.
 */
export function renderFailure(options: FailureOptions): string {
  const runUrl = options.provenance?.runUrl;
  const parts = [
    PREVIEW_MARKER,
    "## Terraform plan preview",
    ...(options.provenance ? [provenanceLine(options.provenance)] : []),
    [
      "> [!CAUTION]",
      `> **No preview for this commit: the step “${escapeText(options.step)}” failed.** Nothing was planned, so nothing here says what this pull request would change.`,
      `> ${runUrl ? `See [the workflow log](${linkUrl(runUrl)}).` : "See the workflow log."}`,
    ].join("\n"),
  ];
  const excerpt = options.output !== undefined ? errorExcerpt(options.output) : "";
  if (excerpt !== "") parts.push(codeBlock("text", excerpt.split("\n")));
  return `${parts.join("\n\n")}\n`;
}
