/** `npm run diagrams`: rewrites stacks/diagrams/<env>.svg from the environments' config. */
import * as fs from "fs";
import * as path from "path";
import { ENVIRONMENTS, loadEnvironments } from "../config";
import { architectureSvg } from "./architecture-diagram";

export const DIAGRAM_DIR = path.join(__dirname, "diagrams");

for (const config of loadEnvironments(ENVIRONMENTS)) {
  const file = path.join(DIAGRAM_DIR, `${config.env}.svg`);
  fs.writeFileSync(file, architectureSvg(config));
  console.log(`wrote ${path.relative(process.cwd(), file)}`);
}
