import type { EnvironmentInput } from "./schema";
import { APP, PINNED_IMAGE, PUBLIC_KEY } from "./common";

/** Three API instances on separate hypervisors, a protected database volume, SSH only from the admin network. */
export const prod: EnvironmentInput = {
  app: APP,
  env: "prod",
  image: PINNED_IMAGE,
  network: { cidr: "10.30.0.0/24" },
  access: { publicKey: PUBLIC_KEY, adminCidrs: ["203.0.113.0/24"] },
  topology: "tiered",
  services: { flavor: "m1.large", volumeSizeGb: 100, preventDestroy: true },
  api: { flavor: "m1.medium", count: 3, antiAffinity: true },
  workers: {
    mode: "autoscale",
    flavor: "m1.medium",
    min: 2,
    desired: 2,
    max: 10,
    scaleUpCpuPercent: 80,
    scaleDownCpuPercent: 20,
  },
  loadBalancer: { algorithm: "ROUND_ROBIN" },
};
