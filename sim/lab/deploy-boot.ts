/**
 * What `sim:deploy -- <env> --boot` and `sim:destroy` add to the simulator:
 * reconcile the lab with the cloud Terraform just changed, then wait for the
 * environment's servers (and the app) as a user of a real cloud would.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { Cloud } from "../openstack/cloud";
import { waitForBoot } from "./boot";
import { leftovers } from "./clean";
import { serversOf } from "./find-server";
import { LAB_DIR, SERVERS_DIR } from "./paths";
import { reconcile } from "./reconcile";
import { isShutOff } from "./servers";
import { labUnavailable } from "./requirements";
import { sleepMs, tryRun } from "./sh";

export const BOOT_TIMEOUT_S = Number(process.env.FRACTALS_LAB_BOOT_TIMEOUT || 600);

/**
 * Boots what the cloud holds and waits for `env`'s servers; prints the outputs. Returns the exit code.
 * The caller has checked `labUnavailable()` before Terraform ran, so a deploy that cannot boot never starts.
 */
export function bootAfterDeploy(env: string, cloudFile: string, outputsFile: string): number {
  const started = Date.now();
  const result = reconcile({ cloudFile });
  const all = serversOf(result.topology, env);
  // A server stopped on purpose (SHUTOFF) is not waited for, as `openstack server list` would show it stopped.
  const stopped = all.filter((s) => isShutOff(s.id));
  if (stopped.length > 0) console.log(`lab: not waiting for ${stopped.map((s) => s.name).join(", ")}: stopped (SHUTOFF)`);
  const servers = all.filter((s) => !isShutOff(s.id));
  console.log(
    `lab: waiting for ${servers.length} server(s) of ${env} (cloud-init done${servers.some((s) => s.waitConditions.length > 0) ? ", Heat wait conditions signalled" : ""}; timeout ${BOOT_TIMEOUT_S} s)`,
  );
  const report = waitForBoot(servers, BOOT_TIMEOUT_S);
  const outputs = readOutputs(outputsFile, env);
  const appUrl = typeof outputs.app_url === "string" ? outputs.app_url : null;
  if (report.ok && appUrl && !waitForUrl(appUrl, 120)) return 1;
  console.log(`\n${env} outputs:`);
  for (const [key, value] of Object.entries(outputs))
    console.log(`  ${key} = ${typeof value === "string" ? value : JSON.stringify(value)}`);
  if (!report.ok) {
    console.error(
      `\nlab: ${report.failures.length} server(s) of ${env} failed to boot: ${report.failures.map((f) => f.server.name).join(", ")}`,
    );
    return 1;
  }
  console.log(`\nlab: ${env} booted in ${((Date.now() - started) / 1000).toFixed(0)} s${appUrl ? `; try: curl ${appUrl}` : ""}`);
  return 0;
}

/**
 * After a deploy without --boot: if the lab runs servers, keep it in step
 * (replaced servers rebooted, removed ones stopped, rules re-applied) without
 * waiting for anything; a deploy never starts the lab on its own.
 */
export function reconcileIfRunning(cloudFile: string): number {
  if (!existsSync(SERVERS_DIR) || readdirSync(SERVERS_DIR).length === 0 || labUnavailable()) return 0;
  reconcile({ cloudFile });
  console.log("lab: reconciled with the cloud (add --boot to wait for the servers)");
  return 0;
}

/** After a destroy: take down what the cloud no longer holds, and say what is left of the lab. */
export function reconcileAfterDestroy(cloudFile: string): number {
  if (!existsSync(LAB_DIR)) return 0; // the lab was never used here
  const problem = labUnavailable();
  if (problem) {
    console.error(`sim:destroy: the lab has state in ${LAB_DIR} but cannot be reconciled: ${problem}`);
    return 2;
  }
  const { topology: left } = reconcile({ cloudFile });
  if (Cloud.load(cloudFile).all().length === 0) {
    const leftover = leftovers();
    console.log(leftover.length === 0 ? "lab: nothing left running" : `lab: still left:\n  ${leftover.join("\n  ")}`);
    return leftover.length === 0 ? 0 : 1;
  }
  console.log(`lab: ${left.servers.length} server(s) of other environments still run`);
  return 0;
}

function readOutputs(file: string, env: string): Record<string, unknown> {
  if (!existsSync(file)) return {};
  const parsed = JSON.parse(readFileSync(file, "utf8")) as Record<string, Record<string, unknown>>;
  return parsed[env] ?? {};
}

/**
 * Polls until the app answers (any status below 500: a 502/503 is a load
 * balancer whose health monitor has not yet seen a member up, `rise` checks
 * after the member's first good answer), or the time is over.
 */
export function waitForUrl(url: string, timeoutSeconds: number): boolean {
  let last = "";
  for (const started = Date.now(); Date.now() - started < timeoutSeconds * 1000; sleepMs(1000)) {
    last = tryRun("curl", ["-s", "-o", "/dev/null", "-m", "3", "-w", "%{http_code}", url]).stdout;
    if (/^[1-4]\d\d$/.test(last)) return true;
  }
  console.error(`lab: ${url} did not answer within ${timeoutSeconds} s (last: ${last === "000" || !last ? "no answer" : `HTTP ${last}`})`);
  return false;
}
