/**
 * `npm run preview -- --plans <dir>` or `--base <dir> --head <dir>`: prints
 * the pull-request preview comment (Markdown) to stdout or `--out <file>`.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseCommandLine, usageLine, UsageError } from "../cli-args";
import { ENVIRONMENTS } from "../config/environments";
import { renderFailure } from "./failure";
import { labelsFile, PLAN_LABELS, planLabels } from "./labels";
import { readPlanDir, readSynthDir } from "./load-inputs";
import { PreviewError } from "./plan-json";
import { planReport } from "./plan-preview";
import { checkCommit, Provenance } from "./provenance";
import { GITHUB_COMMENT_LIMIT, renderReport } from "./report";
import { loadForceNew, synthReport } from "./synth-diff";

/** GitHub's limit for a job's step summary. */
const JOB_SUMMARY_LIMIT = 1_048_576;

const USAGE = `Usage: preview --plans <dir> [--stacks dev,staging,prod]   (<dir>/<stack>.json from 'terraform show -json', <stack>.error.txt when it failed)
       preview --base <cdktf.out> --head <cdktf.out>          (no credentials: compare synthesized JSON)
       preview --failed-step <name> [--error-file <file>]     (no preview could be made: say so)
options: --out <file>  --max-chars <n>  --full-output-url <url>  --labels-out <file>
         --commit <sha> [--commit-url <url>]  --run-url <url>  --time <ISO 8601, default now>`;

export interface Io {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

const PROCESS_IO: Io = { stdout: (text) => process.stdout.write(text), stderr: (text) => process.stderr.write(text) };

/** Runs the CLI; returns the exit code: 0, 2 for bad input or usage, 1 for anything else. */
export function main(argv: readonly string[], io: Io = PROCESS_IO): number {
  try {
    const markdown = run(argv, io);
    if (markdown !== undefined) io.stdout(markdown);
    return 0;
  } catch (err) {
    // Bad input is the user's to fix: one line, no stack trace.
    io.stderr(`${err instanceof UsageError ? usageLine("preview", err) : `preview: ${messageOf(err)}`}\n`);
    return err instanceof PreviewError || err instanceof UsageError ? 2 : 1;
  }
}

/** The Markdown for stdout, or undefined when it went to a file or help was printed. */
function run(argv: readonly string[], io: Io): string | undefined {
  const { values } = parseCommandLine(argv, {
    plans: { type: "string" },
    base: { type: "string" },
    head: { type: "string" },
    stacks: { type: "string" },
    out: { type: "string" },
    "max-chars": { type: "string" },
    "full-output-url": { type: "string" },
    commit: { type: "string" },
    "commit-url": { type: "string" },
    "run-url": { type: "string" },
    time: { type: "string" },
    "labels-out": { type: "string" },
    "failed-step": { type: "string" },
    "error-file": { type: "string" },
  });
  if (values.help) {
    io.stdout(`${USAGE}\n`);
    return undefined;
  }

  const maxChars = values["max-chars"] === undefined ? undefined : Number(values["max-chars"]);
  // Above GitHub's comment limit is for the job summary (1 MiB), not for a comment.
  if (maxChars !== undefined && !(Number.isInteger(maxChars) && maxChars >= 1_000 && maxChars <= JOB_SUMMARY_LIMIT)) {
    throw new PreviewError(
      `--max-chars must be a whole number from 1000 to ${JOB_SUMMARY_LIMIT} (a comment needs less than ${GITHUB_COMMENT_LIMIT})`,
    );
  }
  const provenance: Provenance = {
    commit: values.commit === undefined ? undefined : checkCommit(values.commit),
    commitUrl: values["commit-url"],
    runUrl: values["run-url"],
    time: values.time ?? new Date().toISOString(),
  };
  const render = { maxChars, fullOutputUrl: values["full-output-url"] ?? values["run-url"], provenance };
  // Stacks in promotion order (dev, staging, prod), not alphabetical.
  const order = ENVIRONMENTS.map((env) => env.env);

  let markdown: string;
  let labels: string[];
  if (values["failed-step"] !== undefined) {
    if (values.plans !== undefined || values.base !== undefined || values.head !== undefined)
      throw new PreviewError("--failed-step cannot be combined with --plans or --base/--head");
    // The step may have failed before writing its output: the comment is still made.
    const errorFile = values["error-file"];
    const output = errorFile === undefined || !existsSync(errorFile) ? undefined : readText(errorFile, "--error-file");
    markdown = renderFailure({ step: values["failed-step"], output, provenance });
    labels = [PLAN_LABELS.failed];
  } else if (values.plans !== undefined) {
    if (values.base !== undefined || values.head !== undefined) throw new PreviewError("--plans cannot be combined with --base/--head");
    const expected = values.stacks
      ?.split(",")
      .map((s) => s.trim())
      .filter((s) => s.length > 0);
    const report = planReport(readPlanDir(values.plans, { expected, order }));
    markdown = renderReport(report, render);
    labels = planLabels(report);
  } else if (values.base !== undefined && values.head !== undefined) {
    const forceNew = loadForceNew(join(__dirname, "..", "providers"));
    const report = synthReport(readSynthDir(values.base, "--base"), readSynthDir(values.head, "--head"), { forceNew, order });
    markdown = renderReport(report, render);
    labels = planLabels(report);
  } else {
    throw new PreviewError("give --plans <dir>, or both --base <dir> and --head <dir>, or --failed-step <name> (--help for usage)");
  }

  if (values["labels-out"] !== undefined) writeFileSync(values["labels-out"], labelsFile(labels));
  if (values.out === undefined) return markdown;
  writeFileSync(values.out, markdown);
  io.stderr(`preview: wrote ${values.out} (${markdown.length} characters)\n`);
  return undefined;
}

function readText(file: string, flag: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch (err) {
    throw new PreviewError(`${flag} ${file}: ${messageOf(err)}`);
  }
}

/** Duck-typed: errors from Node's own modules may come from another realm (as under jest), failing `instanceof Error`. */
function messageOf(err: unknown): string {
  const message = (err as { message?: unknown } | null)?.message;
  return typeof message === "string" ? message : String(err);
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
