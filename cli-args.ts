/**
 * The command lines' argument parsing (`npm run bench`, `diagrams`, `check`, `preview`, `sim:*`, the cdktn
 * check): node:util's parseArgs, strict, with `--help`/`-h` added. A mistake is a UsageError, which
 * runCommand prints as one line naming the option, with exit code 2 and no stack trace.
 */
import { parseArgs, ParseArgsConfig } from "node:util";

type Options = NonNullable<ParseArgsConfig["options"]>;

const HELP = { help: { type: "boolean", short: "h" } } as const;

/** A command line that is wrong: said in one line (prefixed with the command's name), exit code 2. */
export class UsageError extends Error {
  /** An option the command does not know, as given (`--frobnicate`), when that is the mistake. */
  readonly unknownOption?: string;

  constructor(message: string, unknownOption?: string) {
    super(message);
    this.name = "UsageError";
    this.unknownOption = unknownOption;
  }
}

/**
 * parseArgs in strict mode, `--help`/`-h` included; positionals only when `allowPositionals`. Node's
 * errors become UsageErrors ("Unknown option '--frobnicate'", "Option '--runs <value>' argument missing").
 */
export function parseCommandLine<O extends Options>(argv: readonly string[], options: O, allowPositionals = false) {
  const config = { args: [...argv], options: { ...options, ...HELP }, strict: true, allowPositionals } as const;
  try {
    return parseArgs(config);
  } catch (err) {
    const code = (err as { code?: unknown } | null)?.code;
    if (typeof code !== "string" || !code.startsWith("ERR_PARSE_ARGS")) throw err;
    // Node's first sentence names the option; the rest is advice about positionals that start with '-'.
    const message = String((err as Error).message).split(". To specify a positional")[0];
    throw new UsageError(message, code === "ERR_PARSE_ARGS_UNKNOWN_OPTION" ? unknownOption(argv, options) : undefined);
  }
}

/** The first option in argv that is not one of `options` (parsed leniently: the strict parse refused it). */
function unknownOption(argv: readonly string[], options: Options): string | undefined {
  const { tokens } = parseArgs({ args: [...argv], options: { ...options, ...HELP }, strict: false, allowPositionals: true, tokens: true });
  const known = new Set([...Object.keys(options), "help"]);
  for (const token of tokens) if (token.kind === "option" && !known.has(token.name)) return token.rawName;
  return undefined;
}

/** The line a UsageError is reported with. */
export function usageLine(name: string, err: UsageError): string {
  return `${name}: ${err.message} (--help for usage)`;
}

/**
 * Runs a command's main and ends with its exit code: main's result, 2 after a UsageError (one line on
 * stderr, usageLine), 1 after any other error (`<name>: <message>`, no stack trace). With `exit`, the
 * process exits then (whatever a child process or timer still holds open); otherwise it sets exitCode.
 */
export function runCommand(name: string, main: () => number | Promise<number>, { exit = false } = {}): void {
  const done = (code: number) => {
    process.exitCode = code;
    if (exit) process.exit(code);
  };
  const fail = (err: unknown) => {
    console.error(err instanceof UsageError ? usageLine(name, err) : `${name}: ${err instanceof Error ? err.message : String(err)}`);
    done(err instanceof UsageError ? 2 : 1);
  };
  try {
    const result = main();
    if (typeof result === "number") done(result);
    else result.then(done, fail);
  } catch (err) {
    fail(err);
  }
}
