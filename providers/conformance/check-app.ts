/**
 * Runs the stack checker over a whole app: synthesized on disk (a cdktf.out
 * directory, as `cdktf synth` leaves it) or in memory (tests).
 */
import * as fs from "fs";
import * as path from "path";
import { App, TerraformStack, Testing } from "cdktf";
import { checkStack, TerraformJson } from "./check-stack";
import { Finding } from "./findings";
import { SchemaIndex } from "./schema-index";

export interface AppCheck {
  readonly stacks: string[];
  readonly findings: Finding[];
}

/** Checks every stack listed in `<outdir>/manifest.json`. */
export function checkSynthesizedApp(outdir: string, index = SchemaIndex.vendored()): AppCheck {
  const manifestFile = path.join(outdir, "manifest.json");
  if (!fs.existsSync(manifestFile)) throw new Error(`${manifestFile} not found: is '${outdir}' a synthesized cdktf output directory?`);
  const manifest = JSON.parse(fs.readFileSync(manifestFile, "utf8")) as { stacks: Record<string, { synthesizedStackPath: string }> };
  const stacks = Object.keys(manifest.stacks).sort();
  const findings = stacks.flatMap((name) => {
    const file = path.join(outdir, manifest.stacks[name].synthesizedStackPath);
    return checkStack(name, JSON.parse(fs.readFileSync(file, "utf8")) as TerraformJson, index);
  });
  return { stacks, findings };
}

/** Synthesizes each stack of `app` in memory and checks it. */
export function checkAppInMemory(app: App, index = SchemaIndex.vendored()): AppCheck {
  const stacks = app.node.children.filter((c): c is TerraformStack => c instanceof TerraformStack);
  return {
    stacks: stacks.map((s) => s.node.id),
    findings: stacks.flatMap((s) => checkStack(s.node.id, JSON.parse(Testing.synth(s)) as TerraformJson, index)),
  };
}
