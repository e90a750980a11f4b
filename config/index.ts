export * from "./schema";
export * from "./load";
export { ENVIRONMENTS } from "./environments";
