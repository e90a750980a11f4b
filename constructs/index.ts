/** The public surface of the constructs: what a stack of your own composes. */
export * from "./app-network";
export * from "./bastion";
export * from "./compute-catalog";
export * from "./connections";
export * from "./controller";
export * from "./instance";
export * from "./key-pair";
export * from "./lbaas-pool";
export * from "./naming";
export * from "./peer";
export * from "./port";
export * from "./security-group";
export * from "./server-group";
export * from "./services-node";
export * from "./validation";
export * from "./worker-group";
export * from "./worker-scaling";
