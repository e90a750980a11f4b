/**
 * Every command line a person joining the project runs (each `npm run` script that starts one of our
 * .ts files, and the cdktn check): `--help` prints the usage and exits 0 without doing anything (it once
 * started a full `npm run bench` and rewrote the diagrams), and an option it does not know is one line
 * naming it, exit code 2, no stack trace. Nothing is written either way: not where the commands write in
 * the checkout, nothing in the temporary directory, no simulator directory.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { buildPlugin } from "../../sim/cli/install";
import { DIAGRAM_DIR } from "../../stacks/write-diagrams";

const ROOT = join(__dirname, "..", "..");

jest.setTimeout(120_000);

/** Scripts that start the same file as another: `prepare` is `get` as npm ci runs it. */
const EXEMPT: Record<string, string> = {
  prepare: "the same generator as get",
};

const scripts = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).scripts as Record<string, string>;
/** [name, the .ts file, the words the script passes before the user's] for each script of ours. */
const COMMANDS: [string, string, string[]][] = [
  ...Object.entries(scripts).flatMap(([name, script]): [string, string, string[]][] => {
    const match = /^node -r tsx\/cjs (\S+\.ts)((?: [\w:-]+)*)$/.exec(script);
    return match && !(name in EXEMPT) ? [[`npm run ${name}`, match[1], match[2].split(" ").filter((w) => w !== "")]] : [];
  }),
  ["cdktn check", "stacks/cdktn/cdktn-check.ts", []],
  // Not npm scripts, but the READMEs tell people to run them.
  ["the simulator's installer", "sim/cli/install.ts", []],
  ["the deploy/destroy benchmark", "bench/sim-deploy-destroy.ts", []],
  ["the preview fixtures' recorder", "preview/fixtures/record.ts", []],
  ["the autoscaling plot", "sim/lab/plot-autoscaling.ts", []],
];

/**
 * Where a command of ours writes in the checkout, when it runs: the diagrams, cdktf's output, the generated
 * bindings, what is installed into node_modules/.cache (cdktn), any new file or directory at the top (a state
 * file, .sim/). Only these: the rest of the checkout is someone's editor's while the suite runs.
 */
function checkoutFiles(): Map<string, number> {
  const files = new Map<string, number>();
  const note = (file: string) => {
    if (existsSync(file)) files.set(relative(ROOT, file) || ".", statSync(file).mtimeMs);
  };
  for (const entry of readdirSync(ROOT)) if (!entry.endsWith(".tsbuildinfo")) files.set(entry, 0);
  for (const svg of readdirSync(DIAGRAM_DIR)) note(join(DIAGRAM_DIR, svg));
  note(join(ROOT, "cdktf.out", "manifest.json"));
  note(join(ROOT, ".gen"));
  const cache = join(ROOT, "node_modules", ".cache");
  if (existsSync(cache)) for (const entry of readdirSync(cache)) note(join(cache, entry));
  return files;
}

function changed(before: Map<string, number>, after: Map<string, number>): string[] {
  const keys = new Set([...before.keys(), ...after.keys()]);
  return [...keys].filter((k) => before.get(k) !== after.get(k)).sort();
}

let work: string;
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), "fractals-cli-help-"));
  // The simulator suites build dist/sim/ while this file runs; on a fresh checkout that made "dist" appear
  // at the top in the middle of a --help run (CI, stop 18). Built first, it is there before and after.
  buildPlugin();
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Runs a command as its npm script would, with a temporary and a simulator directory of its own; says what it wrote. */
function run(file: string, args: string[]) {
  // One temporary directory for all runs, so that tsx's compile cache in it (tsx-<uid>) is warm after the
  // first (a fresh one per run: 17.9 CPU s for this file; shared: 15.4).
  const tmp = join(work, "tmp");
  const simDir = join(work, "sim");
  mkdirSync(tmp, { recursive: true });
  const tmpBefore = new Set(readdirSync(tmp));
  const before = checkoutFiles();
  const result = spawnSync(process.execPath, ["-r", "tsx/cjs", file, ...args], {
    cwd: ROOT,
    encoding: "utf8",
    timeout: 60_000,
    env: { ...process.env, TMPDIR: tmp, FRACTALS_SIM_DIR: simDir, FRACTALS_SIM_STATE: "" },
  });
  const written = [
    ...changed(before, checkoutFiles()),
    // tsx's own compile cache (tsx-<uid>) is not the command's doing.
    ...readdirSync(tmp)
      .filter((f) => !tmpBefore.has(f) && !/^tsx-\d+$/.test(f))
      .map((f) => `$TMPDIR/${f}`),
    ...(existsSync(simDir) ? ["$FRACTALS_SIM_DIR"] : []),
  ];
  return { status: result.status, signal: result.signal, stdout: result.stdout, stderr: result.stderr, written };
}

test("every npm script that starts one of our files is covered", () => {
  const covered = COMMANDS.map(([name]) => name);
  expect(covered).toEqual(
    expect.arrayContaining([
      "npm run bench",
      "npm run diagrams",
      "npm run check",
      "npm run preview",
      "npm run sim:deploy",
      "npm run sim:lab",
      "npm run sim:exec",
    ]),
  );
  const ours = Object.entries(scripts)
    .filter(([, script]) => /\.ts\b/.test(script))
    .map(([name]) => name);
  expect(ours.filter((name) => !covered.includes(`npm run ${name}`) && !(name in EXEMPT))).toEqual([]);
});

describe.each(COMMANDS)("%s", (_name, file, words) => {
  test("--help prints the usage, exits 0 and writes nothing", () => {
    const result = run(file, [...words, "--help"]);
    expect({ status: result.status, stderr: result.stderr, written: result.written }).toEqual({ status: 0, stderr: "", written: [] });
    expect(result.stdout).toMatch(/^Usage: /);
  });

  test("an unknown option is one line naming it, exit code 2, and writes nothing", () => {
    const result = run(file, [...words, "--no-such-option"]);
    const lines = result.stderr.split("\n").filter((l) => l.trim() !== "");
    expect({ status: result.status, lines: lines.length, written: result.written }).toEqual({ status: 2, lines: 1, written: [] });
    expect(lines[0]).toContain("--no-such-option");
    expect(result.stdout).toBe("");
  });
});
