/**
 * Entry point for `cdktf synth` / `cdktf deploy`: validated config in, one stack per environment out.
 */
import { App } from "cdktf";
import { ConfigError, ENVIRONMENTS, loadEnvironments } from "./config";
import { FractalsStack } from "./stacks/fractals-stack";

try {
  const environments = loadEnvironments(ENVIRONMENTS);
  const app = new App();
  for (const config of environments) new FractalsStack(app, { config });
  app.synth();
} catch (err) {
  if (!(err instanceof ConfigError)) throw err;
  console.error(err.message);
  process.exit(1);
}
