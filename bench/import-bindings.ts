/**
 * Child of the `bindings` alternative: how long requiring the generated
 * OpenStack bindings takes through the app's runner, for the submodules the
 * stacks use versus all of them. If "used" is already cheap, cutting
 * .gen down to the used resources buys nothing at run time.
 *   usage: <runner> bench/import-bindings.ts used|all
 */
import * as fs from "node:fs";
import * as path from "node:path";

const ROOT = path.resolve(__dirname, "..");
const BINDINGS = path.join(ROOT, ".gen", "providers", "openstack");

/** Submodules named in an import under constructs/ and stacks/ (what main.ts loads). */
export function usedSubmodules(): string[] {
  const used = new Set<string>();
  for (const dir of ["constructs", "stacks"]) {
    for (const file of fs.readdirSync(path.join(ROOT, dir)).filter((f) => f.endsWith(".ts"))) {
      const source = fs.readFileSync(path.join(ROOT, dir, file), "utf8");
      for (const m of source.matchAll(/\.gen\/providers\/openstack\/([a-z0-9-]+)/g)) used.add(m[1]);
    }
  }
  return [...used].sort();
}

export function allSubmodules(): string[] {
  return fs
    .readdirSync(BINDINGS, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
}

function main(which: string | undefined): void {
  const modules = which === "used" ? usedSubmodules() : which === "all" ? allSubmodules() : undefined;
  if (!modules) throw new Error(`usage: import-bindings.ts used|all, got ${which}`);
  require("cdktf"); // loaded by any app; not the bindings' cost
  const started = process.hrtime.bigint();
  for (const m of modules) require(path.join(BINDINGS, m));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  process.stdout.write(`${JSON.stringify({ modules: modules.length, seconds })}\n`);
}

if (require.main === module) main(process.argv[2]);
