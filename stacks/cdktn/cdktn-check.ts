/**
 * CDK for Terraform was deprecated by HashiCorp on 2025-12-10; CDK Terrain
 * (`cdktn`) is the community fork. This check proves the project's code
 * runs on it unchanged: it synthesizes every environment once with cdktf and
 * once with cdktn (every `require("cdktf")` redirected, see
 * redirect-to-cdktn.js) and compares the Terraform JSON.
 *
 *   node -r tsx/cjs stacks/cdktn/cdktn-check.ts
 *
 * cdktn is installed from the npm registry into node_modules/.cache; when
 * that fails the check says SKIPPED with the reason and exits 0 (it proves
 * nothing then, and says so), unless CDKTN_CHECK_STRICT=1.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseCommandLine, runCommand } from "../../cli-args";
import { compareSynthOutputs } from "./synth-compare";

const ROOT = join(__dirname, "..", "..");
/** Pinned: a new cdktn release is taken on purpose. `constructs` is cdktn's peer range (>=10.6.0 <10.8.0). */
export const CDKTN_VERSION = "0.24.0";
export const CONSTRUCTS_VERSION = "10.7.2";
const PREFIX = join(ROOT, "node_modules", ".cache", `cdktn-${CDKTN_VERSION}`);

/** Installs cdktn into PREFIX unless it is there; returns why not, or undefined. */
function install(): string | undefined {
  if (existsSync(join(PREFIX, "node_modules", "cdktn", "package.json"))) return undefined;
  mkdirSync(PREFIX, { recursive: true });
  const npm = spawnSync(
    "npm",
    [
      "install",
      "--prefix",
      PREFIX,
      "--no-save",
      "--no-package-lock",
      "--no-audit",
      "--no-fund",
      `cdktn@${CDKTN_VERSION}`,
      `constructs@${CONSTRUCTS_VERSION}`,
    ],
    {
      encoding: "utf8",
      timeout: 180_000,
    },
  );
  if (npm.status === 0) return undefined;
  const reason = `${npm.stderr ?? ""}`
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l.startsWith("npm error") || l.startsWith("npm ERR!"))
    .slice(0, 2)
    .join(" / ");
  return reason || (npm.error ? String(npm.error.message) : `npm install exited with ${npm.status}`);
}

function synth(outdir: string, withCdktn: boolean): void {
  const args = [...(withCdktn ? ["-r", join(__dirname, "redirect-to-cdktn.js")] : []), "-r", "tsx/cjs", join(ROOT, "main.ts")];
  const run = spawnSync(process.execPath, args, {
    cwd: ROOT,
    encoding: "utf8",
    env: { ...process.env, CDKTF_OUTDIR: outdir, CDKTN_PREFIX: PREFIX, FRACTALS_PREFLIGHT: "0" },
  });
  if (run.status !== 0) throw new Error(`synth with ${withCdktn ? "cdktn" : "cdktf"} failed (exit ${run.status}):\n${run.stderr}`);
}

const USAGE = `Usage: node -r tsx/cjs stacks/cdktn/cdktn-check.ts
  Synthesizes every environment with cdktf and with CDK Terrain (cdktn@${CDKTN_VERSION}, installed from the npm
  registry into node_modules/.cache) and compares the Terraform JSON. Says SKIPPED, exit 0, when cdktn
  cannot be installed; CDKTN_CHECK_STRICT=1 makes that exit 1. No options but --help.`;

function main(argv: string[]): number {
  if (parseCommandLine(argv, {}).values.help) {
    console.log(USAGE);
    return 0;
  }
  const skipped = install();
  if (skipped !== undefined) {
    console.error(`cdktn check: SKIPPED: cannot install cdktn@${CDKTN_VERSION} from the npm registry (${skipped}). Nothing was compared.`);
    return process.env.CDKTN_CHECK_STRICT === "1" ? 1 : 0;
  }
  const work = mkdtempSync(join(tmpdir(), "cdktn-check-"));
  try {
    synth(join(work, "cdktf"), false);
    synth(join(work, "cdktn"), true);
    const { stacks, differences } = compareSynthOutputs(join(work, "cdktf"), join(work, "cdktn"));
    if (stacks.length === 0) throw new Error("nothing was synthesized");
    if (differences.length > 0) {
      console.error(
        `cdktn check: FAILED: cdktn@${CDKTN_VERSION} synthesizes differently from cdktf:\n${differences.map((d) => `  ${d}`).join("\n")}`,
      );
      return 1;
    }
    const cdktf = require(join(ROOT, "node_modules", "cdktf", "package.json")).version as string;
    console.log(
      `cdktn check: OK: cdktn@${CDKTN_VERSION} synthesizes ${stacks.join(", ")} identically to cdktf@${cdktf} (only the library version in the metadata differs)`,
    );
    return 0;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (require.main === module) runCommand("cdktn check", () => main(process.argv.slice(2)));
