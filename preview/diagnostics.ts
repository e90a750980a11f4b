import { Redactor, SECRET_NAME, SENSITIVE } from "./sensitive-values";

/** Characters of a failed stack's diagnostics shown in the comment; the rest is in the log. */
export const MAX_ERROR_CHARS = 2_000;

/** Terraform's colours, in case a log was captured without -no-color. */
const ANSI = /\u001b\[[0-9;]*[A-Za-z]/g;

/** `"password": "x"`, `password = "x"`, `token: x`: the value after a secret-looking key. */
const SECRET_ASSIGNMENT = /(["']?)([\w.-]+)\1(\s*[:=]\s*)("(?:[^"\\]|\\.)*"|'[^']*'|[^\s,;]+)/g;

/**
 * The part of a failed stack's Terraform output worth reading in a comment:
 * the `Error:` diagnostics (from the first one on, when there is one; else
 * the end of the output),
 * colours removed, secrets masked, cut to MAX_ERROR_CHARS. Terraform quotes
 * configuration lines in its diagnostics, and those may hold a password.
 */
export function errorExcerpt(text: string, redactor: Redactor = new Redactor()): string {
  const lines = text.replace(ANSI, "").replace(/\r\n?/g, "\n").split("\n");
  const first = lines.findIndex((line) => /^(│ )?Error: /.test(line.trimStart()));
  const kept = (first === -1 ? lines : lines.slice(first)).map((line) => maskLine(line, redactor));
  let excerpt = kept.join("\n").trim();
  if (first === -1 && excerpt.length > MAX_ERROR_CHARS) {
    // No diagnostics to start from: a failing command says why at the end.
    const start = excerpt.indexOf("\n", excerpt.length - MAX_ERROR_CHARS);
    return `(… the start is in the workflow log)\n${excerpt.slice(start === -1 ? excerpt.length - MAX_ERROR_CHARS : start + 1)}`;
  }
  if (excerpt.length > MAX_ERROR_CHARS) {
    const cut = excerpt.lastIndexOf("\n", MAX_ERROR_CHARS);
    excerpt = `${excerpt.slice(0, cut > MAX_ERROR_CHARS / 2 ? cut : MAX_ERROR_CHARS)}\n… (cut: the rest is in the workflow log)`;
  }
  return excerpt;
}

function maskLine(line: string, redactor: Redactor): string {
  const assignments = line.replace(SECRET_ASSIGNMENT, (whole, quote: string, key: string, sep: string) =>
    SECRET_NAME.test(key) ? `${quote}${key}${quote}${sep}${SENSITIVE}` : whole,
  );
  // maskText also masks credentials written into URLs (`https://user:pass@host`).
  return redactor.maskText(assignments);
}
