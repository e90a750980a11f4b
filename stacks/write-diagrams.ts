/** `npm run diagrams`: rewrites stacks/diagrams/<env>.svg from the environments' config. */
import * as fs from "fs";
import * as path from "path";
import { parseCommandLine, runCommand } from "../cli-args";

export const DIAGRAM_DIR = path.join(__dirname, "diagrams");

const USAGE = `Usage: npm run diagrams
  Rewrites stacks/diagrams/<env>.svg (the README's pictures) from the environments in config/;
  a test fails while they are stale. No options but --help.`;

function main(argv: string[]): number {
  if (parseCommandLine(argv, {}).values.help) {
    console.log(USAGE);
    return 0;
  }
  // Loaded after the arguments: the config's checks bring cdktf and the bindings, which --help does without.
  const { ENVIRONMENTS, loadEnvironments } = require("../config") as typeof import("../config");
  const { architectureSvg } = require("./architecture-diagram") as typeof import("./architecture-diagram");
  for (const config of loadEnvironments(ENVIRONMENTS)) {
    const file = path.join(DIAGRAM_DIR, `${config.env}.svg`);
    fs.writeFileSync(file, architectureSvg(config));
    console.log(`wrote ${path.relative(process.cwd(), file)}`);
  }
  return 0;
}

if (require.main === module) runCommand("diagrams", () => main(process.argv.slice(2)));
