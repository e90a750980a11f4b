/**
 * Environment inputs for the scale benchmarks, derived from the real ones so
 * the curve measures the constructs the app actually uses.
 */
import type { EnvironmentInput } from "../../config";
import { dev } from "../../config/dev";
import { prod } from "../../config/prod";
import { staging } from "../../config/staging";

/**
 * dev (the fixed-worker environment) with `count` workers, on a subnet just
 * large enough for them (the config refuses more ports than the subnet holds).
 */
export function devWithWorkers(count: number): EnvironmentInput {
  if (dev.workers.mode !== "fixed") throw new Error("config/dev.ts no longer has fixed workers; pick another base for synth_workers");
  let prefix = 24;
  // Room for the workers plus the controller, router, DHCP and a margin.
  while (2 ** (32 - prefix) - 3 < count + 16) prefix--;
  return { ...dev, network: { ...dev.network, cidr: `10.10.0.0/${prefix}` }, workers: { ...dev.workers, count } };
}

/**
 * `count` environments cycling through dev, staging and prod's shapes, with
 * distinct names and disjoint subnets (10.101.0.0/24, 10.102.0.0/24, ...), as
 * `loadEnvironments` demands of environments sharing one project.
 */
export function manyEnvironments(count: number): EnvironmentInput[] {
  if (count > 150) throw new Error(`at most 150 environments fit the 10.101-250 subnet plan, asked for ${count}`);
  const shapes = [dev, staging, prod];
  return Array.from({ length: count }, (_, i) => ({
    ...shapes[i % shapes.length],
    env: `bench-${i + 1}`,
    network: { ...shapes[i % shapes.length].network, cidr: `10.${101 + i}.0.0/24` },
  }));
}
