import { App } from "cdktf";
import { loadEnvironments } from "../config";
import { FractalsStack } from "./fractals-stack";

export interface BuildAppOptions {
  /**
   * Where `app.synth()` writes `stacks/<env>/cdk.tf.json`.
   * @default "cdktf.out", or what the cdktf CLI asks for
   */
  readonly outdir?: string;
}

/**
 * Validates the environments (all of them, before any construct runs) and
 * returns an App with one FractalsStack per environment. Throws ConfigError
 * on bad input.
 */
export function buildApp(inputs: readonly unknown[], options: BuildAppOptions = {}): App {
  const environments = loadEnvironments(inputs);
  const app = new App({ outdir: options.outdir });
  for (const config of environments) new FractalsStack(app, { config });
  return app;
}
