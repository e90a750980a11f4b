/**
 * Entry point for `cdktf synth` / `cdktf deploy`: validated config in, one stack per environment out.
 */
import { ConfigError, ENVIRONMENTS } from "./config";
import { buildApp } from "./stacks/app";

try {
  buildApp(ENVIRONMENTS).synth();
} catch (err) {
  if (!(err instanceof ConfigError)) throw err;
  console.error(err.message);
  process.exit(1);
}
