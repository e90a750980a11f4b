/**
 * `npm run preview -- --plans <dir>` or `--base <dir> --head <dir>`: prints
 * the pull-request preview comment (Markdown) to stdout or `--out <file>`.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { ENVIRONMENTS } from "../config";
import { readPlanDir, readSynthDir } from "./load-inputs";
import { PreviewError } from "./plan-json";
import { renderPlanPreview } from "./plan-preview";
import { GITHUB_COMMENT_LIMIT } from "./report";
import { loadForceNew, renderSynthDiff } from "./synth-diff";

/** GitHub's limit for a job's step summary. */
const JOB_SUMMARY_LIMIT = 1_048_576;

const USAGE = `usage: preview --plans <dir> [--stacks dev,staging,prod]   (<dir>/<stack>.json from 'terraform show -json')
       preview --base <cdktf.out> --head <cdktf.out>          (no credentials: compare synthesized JSON)
options: --out <file>  --max-chars <n>  --full-output-url <url>`;

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
    io.stderr(`preview: ${messageOf(err)}\n`);
    return err instanceof PreviewError || isUsageError(err) ? 2 : 1;
  }
}

/** The Markdown for stdout, or undefined when it went to a file or help was printed. */
function run(argv: readonly string[], io: Io): string | undefined {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    allowPositionals: false,
    options: {
      plans: { type: "string" },
      base: { type: "string" },
      head: { type: "string" },
      stacks: { type: "string" },
      out: { type: "string" },
      "max-chars": { type: "string" },
      "full-output-url": { type: "string" },
      help: { type: "boolean" },
    },
  });
  if (values.help) {
    io.stdout(`${USAGE}\n`);
    return undefined;
  }

  const maxChars = values["max-chars"] === undefined ? undefined : Number(values["max-chars"]);
  // Above GitHub's comment limit is for the job summary (1 MiB), not for a comment.
  if (maxChars !== undefined && !(Number.isInteger(maxChars) && maxChars >= 1_000 && maxChars <= JOB_SUMMARY_LIMIT)) {
    throw new PreviewError(`--max-chars must be a whole number from 1000 to ${JOB_SUMMARY_LIMIT} (a comment needs less than ${GITHUB_COMMENT_LIMIT})`);
  }
  const render = { maxChars, fullOutputUrl: values["full-output-url"] };
  // Stacks in promotion order (dev, staging, prod), not alphabetical.
  const order = ENVIRONMENTS.map((env) => env.env);

  let markdown: string;
  if (values.plans !== undefined) {
    if (values.base !== undefined || values.head !== undefined) throw new PreviewError("--plans cannot be combined with --base/--head");
    const expected = values.stacks?.split(",").map((s) => s.trim()).filter((s) => s.length > 0);
    markdown = renderPlanPreview(readPlanDir(values.plans, { expected, order }), render);
  } else if (values.base !== undefined && values.head !== undefined) {
    const forceNew = loadForceNew(join(__dirname, "..", "providers"));
    markdown = renderSynthDiff(readSynthDir(values.base, "--base"), readSynthDir(values.head, "--head"), { ...render, forceNew, order });
  } else {
    throw new PreviewError("give --plans <dir>, or both --base <dir> and --head <dir> (--help for usage)");
  }

  if (values.out === undefined) return markdown;
  writeFileSync(values.out, markdown);
  io.stderr(`preview: wrote ${values.out} (${markdown.length} characters)\n`);
  return undefined;
}

/** Duck-typed: errors from Node's own modules may come from another realm (as under jest), failing `instanceof Error`. */
function messageOf(err: unknown): string {
  const message = (err as { message?: unknown } | null)?.message;
  return typeof message === "string" ? message : String(err);
}

function isUsageError(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === "string" && code.startsWith("ERR_PARSE_ARGS");
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
