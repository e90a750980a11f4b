import * as path from "path";
import { App } from "cdktf";
import { loadEnvironments } from "../config";
import { FractalsStack } from "./fractals-stack";

export interface BuildAppOptions {
  /**
   * Where `app.synth()` writes `stacks/<env>/cdk.tf.json`.
   * @default what the cdktf CLI asks for, else "cdktf.out"
   */
  readonly outdir?: string;
  /**
   * Directory of the local state files (`terraform.<env>.tfstate`).
   * @default the current directory (the project root) for the default outdir, else `outdir`
   */
  readonly stateDir?: string;
  /**
   * Every stack keeps local state in `stateDir`, whatever backend its config
   * names. The simulator's commands set this (through main.ts's
   * FRACTALS_LOCAL_STATE_DIR) so that a simulated deploy never writes the real state.
   * @default false
   */
  readonly forceLocalState?: boolean;
  /**
   * Leaves out cdktf's validations at `app.synth()`. They run `terraform version` once for every
   * terraform_data resource (one per server) and once per stack for its moved blocks (11 runs for the three
   * environments as configured, about 0.4 CPU s a synth; the figure is written here only). For callers that run Terraform on the output straight away
   * (the test harnesses): Terraform refuses a version too old for the configuration itself.
   * `cdktf synth` and main.ts validate, unless FRACTALS_SKIP_VALIDATION=1 (which `npm run sim:*` sets).
   * @default false
   */
  readonly skipValidation?: boolean;
}

/**
 * Validates the environments (all of them, before any construct runs) and
 * returns an App with one FractalsStack per environment. Throws ConfigError
 * on bad input.
 */
export function buildApp(inputs: readonly unknown[], options: BuildAppOptions = {}): App {
  const environments = loadEnvironments(inputs);
  const outdir = path.resolve(options.outdir ?? process.env.CDKTF_OUTDIR ?? "cdktf.out");
  const stateDir = path.resolve(options.stateDir ?? options.outdir ?? process.cwd());
  const app = new App({ outdir, skipValidation: options.skipValidation });
  for (const config of environments) {
    // Terraform runs in <outdir>/stacks/<env>; a relative path keeps the synthesized JSON
    // identical on every machine while the state stays outside cdktf.out.
    const localStatePath = path.relative(path.join(outdir, "stacks", config.env), path.join(stateDir, `terraform.${config.env}.tfstate`));
    new FractalsStack(app, { config, localStatePath, forceLocalState: options.forceLocalState });
  }
  return app;
}
