/**
 * `npm run check [cdktf.out]`: checks every synthesized stack against the
 * vendored provider schemas. Without an argument it synthesizes all
 * environments of config/ into a temporary directory first. Exits 1 when
 * there is a finding (or the configuration is invalid), 0 otherwise.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parseCommandLine, runCommand, UsageError } from "../../cli-args";

const USAGE = `Usage: npm run check [-- <cdktf.out directory>]
  Checks every synthesized stack against the vendored provider schemas (providers/); without a
  directory it synthesizes every environment of config/ into a temporary one first.
  Exits 1 when there is a finding or the configuration is invalid.`;

function main(argv: string[]): number {
  const { values, positionals: args } = parseCommandLine(argv, {}, true);
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (args.length > 1) throw new UsageError(`one directory at most, got ${args.length}: ${args.join(" ")}`);
  if (args[0] !== undefined && !fs.existsSync(path.join(args[0], "manifest.json"))) {
    console.error(`${args[0]}: no manifest.json; pass a directory written by 'cdktf synth'`);
    return 2;
  }
  // Loaded after the arguments: the config, the app and the checker bring cdktf, the bindings and the
  // schemas, which --help and a refused argument do without.
  const { ConfigError, ENVIRONMENTS } = require("../../config") as typeof import("../../config");
  const { buildApp } = require("../../stacks/app") as typeof import("../../stacks/app");
  const { checkSynthesizedApp } = require("./check-app") as typeof import("./check-app");
  const { formatFinding, RULES } = require("./findings") as typeof import("./findings");
  const temporary = args[0] === undefined ? fs.mkdtempSync(path.join(os.tmpdir(), "fractals-check-")) : undefined;
  const outdir = args[0] ?? temporary!;
  try {
    if (temporary) buildApp(ENVIRONMENTS, { outdir }).synth();
    const { stacks, findings } = checkSynthesizedApp(outdir);
    for (const finding of findings) console.error(formatFinding(finding));
    if (findings.length > 0) {
      console.error(`\n${findings.length} finding(s) in ${stacks.join(", ")}`);
      return 1;
    }
    console.log(
      `conformance: ${stacks.length} stack(s) (${stacks.join(", ")}) pass ${Object.keys(RULES).length} rules against the vendored provider schemas`,
    );
    return 0;
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    console.error(err.message);
    return 1;
  } finally {
    if (temporary) fs.rmSync(temporary, { recursive: true, force: true });
  }
}

if (require.main === module) runCommand("check", () => main(process.argv.slice(2)));
