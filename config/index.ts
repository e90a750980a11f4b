import { dev } from "./dev";
import { prod } from "./prod";
import { staging } from "./staging";

export * from "./schema";
export * from "./load";

/** The environments `main.ts` synthesizes, in order. */
export const ENVIRONMENTS = [dev, staging, prod];
