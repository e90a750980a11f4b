/**
 * Entry point for `cdktf synth` / `cdktf deploy`: validated config in, one stack per environment out.
 */
import * as path from "path";
import { ConfigError, ENVIRONMENTS } from "./config";
import { ValidationError } from "./constructs";
import { preflight } from "./stacks/preflight";
import { buildApp } from "./stacks/app";

/**
 * FRACTALS_CONFIG may name a module exporting `ENVIRONMENTS` (or a JSON array)
 * to synthesize instead of config/'s; tests feed bad input through it.
 */
function environments(): readonly unknown[] {
  const file = process.env.FRACTALS_CONFIG;
  if (!file) return ENVIRONMENTS;
  const loaded = require(path.resolve(file)) as unknown;
  return Array.isArray(loaded) ? loaded : (loaded as { ENVIRONMENTS: unknown[] }).ENVIRONMENTS;
}

/**
 * FRACTALS_LOCAL_STATE_DIR keeps every stack's state in a local file in that
 * directory, whatever backend the config names: `npm run sim:*` sets it so
 * that the simulated cloud's state never mixes with the real one.
 */
const localStateDir = process.env.FRACTALS_LOCAL_STATE_DIR;
/**
 * FRACTALS_SKIP_VALIDATION=1 leaves out cdktf's validations (BuildAppOptions.skipValidation: one
 * `terraform version` per server and per stack's moved blocks). `npm run sim:*`
 * sets it: Terraform runs on the output straight away and refuses a version too old for it itself.
 */
const skipValidation = process.env.FRACTALS_SKIP_VALIDATION === "1";

async function main(): Promise<void> {
  const inputs = environments();
  // Before a real deploy/diff/destroy only (stacks/preflight/index.ts): what is missing, one line each.
  const problems = await preflight(inputs, { env: process.env });
  if (problems.length > 0) {
    for (const problem of problems) console.error(`preflight: ${problem}`);
    process.exit(1);
  }
  buildApp(inputs, { ...(localStateDir ? { stateDir: localStateDir, forceLocalState: true } : {}), skipValidation }).synth();
}

// Bad input, in config/*.ts (ConfigError) or in a construct's props (ValidationError): the message alone, no stack trace.
main().catch((err: unknown) => {
  if (!(err instanceof ConfigError) && !(err instanceof ValidationError)) throw err;
  console.error(err.message);
  process.exit(1);
});
