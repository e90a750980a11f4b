import type { EnvironmentInput } from "./schema";
import { APP, IMAGE, PUBLIC_KEY } from "./common";

/** Production's shape at a smaller size: services node, autoscaled API servers (2..4) behind Octavia, autoscaled workers. */
export const staging: EnvironmentInput = {
  app: APP,
  env: "staging",
  image: IMAGE,
  network: { cidr: "10.20.0.0/24" },
  access: { publicKey: PUBLIC_KEY },
  topology: "tiered",
  services: { flavor: "m1.medium", volumeSizeGb: 20 },
  api: { flavor: "m1.small", scaling: { mode: "autoscale", min: 2, max: 4 } },
  workers: { mode: "autoscale", flavor: "m1.small", min: 1, desired: 1, max: 3 },
  loadBalancer: {},
};
