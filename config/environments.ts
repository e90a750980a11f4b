import { dev } from "./dev";
import { prod } from "./prod";
import { staging } from "./staging";

/**
 * The environments `main.ts` synthesizes, in order, as written (not yet checked: loadEnvironments
 * does that). A module of its own, free of cdktf and the bindings, so that a command line can name
 * the environments in its usage and check an argument without loading them (`--help` in 0.1 s, not 0.5).
 */
export const ENVIRONMENTS = [dev, staging, prod];
