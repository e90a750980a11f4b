import type { EnvironmentInput } from "./schema";
import { APP, IMAGE, PUBLIC_KEY } from "./common";

/** Small topology: one controller runs the API, MySQL and RabbitMQ; one worker. */
export const dev: EnvironmentInput = {
  app: APP,
  env: "dev",
  image: IMAGE,
  network: { cidr: "10.10.0.0/24" },
  access: { publicKey: PUBLIC_KEY },
  topology: "all-in-one",
  api: { flavor: "m1.small", count: 1, floatingIp: true },
  workers: { mode: "fixed", flavor: "m1.small", count: 1 },
};
