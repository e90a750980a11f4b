/**
 * Which cdktf command is synthesizing us. The CLI runs the app (`cdktf.json`'s
 * "app") through a shell with its own environment and says nothing about why,
 * so the command is read from the ancestor process that runs the CLI:
 * `node …/cdktf deploy dev` → { command: "deploy", stacks: ["dev"] }.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { basename } from "node:path";
import { parseArgs } from "node:util";

export interface CdktfInvocation {
  /** The CLI's command, aliases resolved: "deploy", "diff", "destroy", "synth"... */
  readonly command: string;
  /** The words after the command: stack names, and option values such as `--output`'s (empty: no stack named). */
  readonly stacks: readonly string[];
}

/** Commands that run Terraform against the cloud: the preflight runs before these only. */
export const CLOUD_COMMANDS: ReadonlySet<string> = new Set(["deploy", "diff", "destroy"]);

/** cdktf's aliases (`cdktf apply` is `deploy`, `cdktf plan` is `diff`). */
const ALIASES: Readonly<Record<string, string>> = { apply: "deploy", plan: "diff" };

/** How far up to look: node main.ts ← sh -c ← cdktf (← npm exec ← shell). */
const MAX_ANCESTORS = 8;

/** The cdktf invocation in an argv, if it is one (`node /…/bin/cdktf deploy dev --auto-approve`). */
export function parseInvocation(argv: readonly string[]): CdktfInvocation | undefined {
  const cli = argv.findIndex((arg) => /^(cdktf|cdktn)(\.js)?$/.test(basename(arg)));
  if (cli === -1) return undefined;
  // cdktf's own options are not declared here: parsed leniently, each is a flag and the value of one
  // (`--output dir`) counts as a word, which is harmless: stack names are matched against the environments.
  const { positionals: positional } = parseArgs({ args: argv.slice(cli + 1), strict: false, allowPositionals: true });
  if (positional.length === 0) return undefined;
  const [command, ...stacks] = positional;
  return { command: ALIASES[command] ?? command, stacks };
}

/** The invocation of the nearest ancestor process that is the cdktf CLI, or undefined. */
export function findCdktfInvocation(
  startPid: number = process.ppid,
  readArgv: (pid: number) => ProcessInfo | undefined = processInfo,
): CdktfInvocation | undefined {
  let pid = startPid;
  for (let depth = 0; depth < MAX_ANCESTORS && pid > 1; depth++) {
    const info = readArgv(pid);
    if (info === undefined) return undefined;
    const invocation = parseInvocation(info.argv);
    if (invocation) return invocation;
    pid = info.ppid;
  }
  return undefined;
}

export interface ProcessInfo {
  readonly argv: readonly string[];
  readonly ppid: number;
}

/** Linux's /proc (argv exactly); elsewhere `ps` (argv split on spaces, enough to find the command). */
function processInfo(pid: number): ProcessInfo | undefined {
  try {
    if (existsSync(`/proc/${pid}/cmdline`)) {
      const argv = readFileSync(`/proc/${pid}/cmdline`, "utf8")
        .split("\0")
        .filter((a) => a !== "");
      // The command name in field 2 may hold spaces and parentheses: the fields after its closing one are fixed.
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      return { argv, ppid };
    }
    const out = execFileSync("ps", ["-o", "ppid=", "-o", "args=", "-p", String(pid)], { encoding: "utf8" }).trim();
    const match = /^(\d+)\s+(.*)$/.exec(out);
    return match ? { ppid: Number(match[1]), argv: match[2].split(/\s+/) } : undefined;
  } catch {
    return undefined;
  }
}
