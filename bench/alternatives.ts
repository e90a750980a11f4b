/**
 * The measurements behind the choices in bench/README.md, run on request
 * (`npm run bench -- alternatives`, or one of `runner_`, `jest_`, `bindings_`):
 *
 * - app runners: the same main.ts (every environment) through each runner that
 *   is installed, without the cdktf CLI around it;
 * - jest transformers: `jest` with a cold and a warm transform cache; jest
 *   with one worker against one per core;
 * - bindings: import cost of the used submodules versus all of them, and the
 *   time `npm run get` (the install-time generation) takes.
 *
 * An alternative whose package is not installed prints `n/a`: the figures of
 * the exploration that had them all are in bench/README.md.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { BenchCase } from "./lib/benchmark";
import { appRunnerFor, ROOT, runTimed, shellQuote, tempDir } from "./lib/child";

function installed(pkg: string): boolean {
  return fs.existsSync(path.join(ROOT, "node_modules", pkg, "package.json"));
}

interface Runner {
  readonly name: string;
  readonly needs: readonly string[];
  /** The command that synthesizes main.ts; `dist` is a scratch directory for compiled output. */
  command(dist: string): string;
  /** Extra environment: compiled output outside the tree resolves packages through NODE_PATH. */
  readonly env?: (dist: string) => NodeJS.ProcessEnv;
}

/** A tsconfig for compiling main.ts and what it imports to `dist`, type-checked like `npm run typecheck`. */
function tscProject(dist: string): string {
  const file = path.join(dist, "tsconfig.json");
  fs.writeFileSync(
    file,
    JSON.stringify({
      extends: path.join(ROOT, "tsconfig.json"),
      // typeRoots: a tsconfig outside the tree would not find node_modules/@types on its own.
      compilerOptions: {
        outDir: path.join(dist, "out"),
        rootDir: ROOT,
        typeRoots: [path.join(ROOT, "node_modules", "@types")],
        incremental: true,
        tsBuildInfoFile: path.join(dist, "tsbuildinfo"),
        inlineSourceMap: false,
        inlineSources: false,
        declaration: false,
        noEmitOnError: false,
      },
      include: [],
      files: [path.join(ROOT, "main.ts")],
    }),
  );
  return file;
}

const TSC = path.join(ROOT, "node_modules", ".bin", "tsc");
const nodePath = () => ({ NODE_PATH: path.join(ROOT, "node_modules") });

const RUNNERS: Runner[] = [
  { name: "ts_node", needs: ["ts-node"], command: () => "node -r ts-node/register/transpile-only main.ts" },
  { name: "swc_node", needs: ["@swc-node/register"], command: () => "node -r @swc-node/register main.ts" },
  { name: "tsx", needs: ["tsx"], command: () => "node -r tsx/cjs main.ts" },
  // tsc as the app: incremental, so this is the no-change rebuild plus the run.
  {
    name: "tsc_then_node",
    needs: ["typescript"],
    env: nodePath,
    command: (dist) => `${TSC} -p ${shellQuote(tscProject(dist))} && node ${shellQuote(path.join(dist, "out", "main.js"))}`,
  },
  // The floor of any runner: JavaScript compiled beforehand, nothing to transform.
  {
    name: "precompiled_js",
    needs: ["typescript"],
    env: nodePath,
    command: (dist) => `node ${shellQuote(path.join(dist, "out", "main.js"))}`,
  },
];

const runnerCases: BenchCase[] = RUNNERS.map((r) => {
  const figure = `runner_${r.name}_s`;
  const cpuFigure = `runner_${r.name}_cpu_s`;
  let dist: string | undefined;
  return {
    name: `runner_${r.name}`,
    group: "alternatives",
    figures: [figure, cpuFigure],
    onlyOnRequest: true,
    warmup: true,
    unavailable: `needs ${r.needs.join(", ")}`,
    async sample() {
      if (!r.needs.every(installed)) return {};
      if (!dist) {
        dist = tempDir(`runner-${r.name}`);
        if (r.name === "precompiled_js") await runTimed(`${TSC} -p ${shellQuote(tscProject(dist))}`);
      }
      const run = await runTimed(r.command(dist), { env: { CDKTF_OUTDIR: tempDir("runner-out"), ...r.env?.(dist) } });
      return { [figure]: run.seconds, [cpuFigure]: run.cpuSeconds };
    },
  };
});

interface Transformer {
  readonly name: string;
  readonly needs: readonly string[];
  readonly transform: Record<string, unknown>;
}

const TRANSFORMERS: Transformer[] = [
  { name: "ts_jest", needs: ["ts-jest"], transform: { "^.+\\.ts$": "ts-jest" } },
  {
    name: "swc_jest",
    needs: ["@swc/jest"],
    transform: {
      "^.+\\.ts$": ["@swc/jest", { jsc: { parser: { syntax: "typescript" }, target: "es2022" }, module: { type: "commonjs" } }],
    },
  },
];

const jestCases: BenchCase[] = TRANSFORMERS.map((t) => ({
  name: `jest_${t.name}`,
  group: "alternatives",
  figures: [`jest_${t.name}_cold_s`, `jest_${t.name}_warm_s`, `jest_${t.name}_cold_cpu_s`, `jest_${t.name}_warm_cpu_s`],
  onlyOnRequest: true,
  unavailable: `needs ${t.needs.join(", ")}`,
  async sample() {
    if (!t.needs.every(installed)) return {};
    const dir = tempDir(`jest-${t.name}`);
    // The project's jest config with only the transform swapped, and a cache of its own.
    const base = require(path.join(ROOT, "jest.config.js")) as Record<string, unknown>;
    const config = path.join(dir, "jest.config.json");
    fs.writeFileSync(config, JSON.stringify({ ...base, rootDir: ROOT, transform: t.transform, cacheDirectory: path.join(dir, "cache") }));
    const jest = `${path.join(ROOT, "node_modules", ".bin", "jest")} --silent -c ${shellQuote(config)}`;
    const cold = await runTimed(jest, { allowFailure: true });
    const warm = await runTimed(jest, { allowFailure: true });
    return {
      [`jest_${t.name}_cold_s`]: cold.seconds,
      [`jest_${t.name}_warm_s`]: warm.seconds,
      [`jest_${t.name}_cold_cpu_s`]: cold.cpuSeconds,
      [`jest_${t.name}_warm_cpu_s`]: warm.cpuSeconds,
    };
  },
}));

/** `npm test` with one jest worker (jest's default on 2 cores) against the config's worker per core, in turn. */
const jestWorkers: BenchCase = {
  name: "jest_workers",
  group: "alternatives",
  figures: ["jest_workers_1_s", "jest_workers_1_cpu_s", "jest_workers_per_core_s", "jest_workers_per_core_cpu_s"],
  onlyOnRequest: true,
  async sample() {
    const jest = path.join(ROOT, "node_modules", ".bin", "jest");
    const one = await runTimed(`${jest} --silent --maxWorkers=1`, { env: { CI: "true" } });
    const perCore = await runTimed(`${jest} --silent`, { env: { CI: "true" } });
    return {
      jest_workers_1_s: one.seconds,
      jest_workers_1_cpu_s: one.cpuSeconds,
      jest_workers_per_core_s: perCore.seconds,
      jest_workers_per_core_cpu_s: perCore.cpuSeconds,
    };
  },
};

const bindingImports: BenchCase = {
  name: "bindings_import",
  group: "alternatives",
  figures: ["bindings_import_used_s", "bindings_import_all_s"],
  onlyOnRequest: true,
  warmup: true,
  async sample() {
    const child = async (which: string) => {
      const run = await runTimed(appRunnerFor(path.join("bench", "import-bindings.ts"), [which]));
      return (JSON.parse(run.stdout.trim()) as { seconds: number }).seconds;
    };
    return { bindings_import_used_s: await child("used"), bindings_import_all_s: await child("all") };
  },
};

/** `npm run get` in a scratch copy of what it reads, so the shared .gen is never rewritten mid-test. */
const bindingGeneration: BenchCase = {
  name: "bindings_generate",
  group: "alternatives",
  figures: ["bindings_generate_s"],
  onlyOnRequest: true,
  async sample() {
    const root = tempDir("generate");
    for (const entry of ["package.json", "cdktf.json", "tsconfig.json", "providers"]) {
      fs.cpSync(path.join(ROOT, entry), path.join(root, entry), { recursive: true });
    }
    fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(root, "node_modules"));
    const run = await runTimed("npm run --silent get", { cwd: root });
    return { bindings_generate_s: run.seconds };
  },
};

export const alternatives: BenchCase[] = [...runnerCases, ...jestCases, jestWorkers, bindingImports, bindingGeneration];
