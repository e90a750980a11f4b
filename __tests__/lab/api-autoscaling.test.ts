/**
 * staging's API tier autoscales in the lab: a Heat group whose member stacks each hold an API server
 * and its OS::Octavia::PoolMember on the load balancer's pool. Concurrent HTTP requests through the
 * load balancer's floating IP push the API servers' CPU over the scale-up alarm, Heat adds members,
 * haproxy (Octavia's amphora) takes them in once the health monitor passes them, and each takes
 * requests; when the load stops the group scales back in, each leaving member dropped from the pool
 * before its server stops. A steady client loop runs throughout, the load loops beside it, and no request of either fails.
 *
 * The API's alarms are lowered for the run (25 % up, 8 % down, FRACTALS_CONFIG): on a 2-core machine
 * the load generator, haproxy and MariaDB share the cores with the API servers, and 80 % mean CPU
 * across two of them is out of reach. Time runs FRACTALS_LAB_TIME_SCALE times faster (default 30).
 * Figures go to $FRACTALS_API_AUTOSCALING_FIGURES (default $TMPDIR/fractals-api-autoscaling-figures.json).
 */
import "./lab-env";
process.env.FRACTALS_LAB_TIME_SCALE ||= "30";
import { ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { DEFAULT_CLOUD_STATE, REPO_ROOT } from "../../sim/cli/paths";
import { Cloud } from "../../sim/openstack/cloud";
import { GroupRecord, scalingGroups } from "../../sim/openstack/orchestration";
import { cleanLab } from "../../sim/lab/clean";
import { lbDir, memberHealth } from "../../sim/lab/loadbalancer";
import { reconcileRunLog, SIGNALS_DIR } from "../../sim/lab/paths";
import { stoppingIds } from "../../sim/lab/reconcile";
import { nspawnPid } from "../../sim/lab/servers";
import { sleepMs } from "../../sim/lab/sh";
import { topology } from "../../sim/lab/topology";
import { expectSuccess, freshLab, outputs, simCommandWith } from "./environments";
import { describeLabWithTerraform, inServer } from "./support";

const FIGURES_OUT = process.env.FRACTALS_API_AUTOSCALING_FIGURES || path.join(tmpdir(), "fractals-api-autoscaling-figures.json");
const LOAD_CONCURRENCY = Number(process.env.FRACTALS_API_LOAD_CONCURRENCY || 12);

/**
 * The clients, in a process of their own: a steady loop (one GET every 250 ms, each given 30 s) from start to
 * `stop`, and LOAD_CONCURRENCY loops of GETs while `load` exists. Counts go to stats.json every second.
 */
const CLIENT = `
const http = require("node:http"), fs = require("node:fs"), path = require("node:path");
const [url, dir, concurrency] = [process.argv[1], process.argv[2], Number(process.argv[3])];
const stats = { steady: { ok: 0, failed: 0, failures: [] }, load: { ok: 0, failed: 0, failures: [] } };
const get = (query) => new Promise((resolve) => {
  const req = http.get(url + "/v1/fractal?" + query, { agent: false, timeout: 30000 }, (res) => {
    res.resume();
    res.on("end", () => resolve(res.statusCode === 200 ? null : "HTTP " + res.statusCode));
  });
  req.on("timeout", () => req.destroy(new Error("timeout")));
  req.on("error", (err) => resolve(err.message));
});
const count = (kind, failure) => {
  if (failure === null) stats[kind].ok++;
  else { stats[kind].failed++; if (stats[kind].failures.length < 20) stats[kind].failures.push(new Date().toISOString() + " " + failure); }
};
const has = (f) => fs.existsSync(path.join(dir, f));
const save = () => fs.writeFileSync(path.join(dir, "stats.json"), JSON.stringify(stats));
setInterval(save, 1000);
(async () => { while (!has("stop")) { count("steady", await get("steady=1")); await new Promise((r) => setTimeout(r, 250)); } save(); process.exit(0); })();
for (let i = 0; i < concurrency; i++) {
  (async () => { for (;;) { if (has("load")) count("load", await get("per_page=100&load=1")); else await new Promise((r) => setTimeout(r, 200)); } })();
}
`;

interface ClientStats {
  readonly steady: { ok: number; failed: number; failures: string[] };
  readonly load: { ok: number; failed: number; failures: string[] };
}

describeLabWithTerraform("staging's API tier autoscales in the lab", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "fractals-api-autoscaling-"));
  const config = path.join(dir, "environments.js");
  writeFileSync(
    config,
    `const { ENVIRONMENTS } = require(${JSON.stringify(path.join(REPO_ROOT, "config"))});
module.exports = { ENVIRONMENTS: ENVIRONMENTS.map((e) => e.env === "staging"
  ? { ...e, api: { ...e.api, scaling: { ...e.api.scaling, scaleUpCpuPercent: 25, scaleDownCpuPercent: 8 } } } : e) };
`,
  );
  const vars = { FRACTALS_CONFIG: config };
  let appUrl = "";
  let client: ChildProcess | undefined;
  const cloud = () => Cloud.load(DEFAULT_CLOUD_STATE);
  const apiGroup = (): GroupRecord => scalingGroups(cloud()).find((g) => g.group === "api")!;
  /** The API group's servers the cloud holds: name, fixed IP, whether their container runs. */
  const apiServers = () =>
    topology(cloud())
      .servers.filter((s) => s.name.includes("-api-"))
      .map((s) => ({ ...s, running: nspawnPid(s.id) !== null }));
  /** The member addresses haproxy is configured with. */
  const pooled = (lbId: string): Set<string> => {
    const file = path.join(lbDir(lbId), "haproxy.cfg");
    return new Set(existsSync(file) ? [...readFileSync(file, "utf8").matchAll(/^\s+server \S+ ([\d.]+):\d+/gm)].map((m) => m[1]) : []);
  };
  const stats = (): ClientStats => JSON.parse(readFileSync(path.join(dir, "stats.json"), "utf8")) as ClientStats;
  const logCount = (serverId: string, marker: string) =>
    Number(inServer(serverId, `journalctl -u fractals-api --no-pager -o cat | grep -c '${marker}' || true`, 120_000).out.trim() || 0);

  beforeAll(() => {
    freshLab();
    const run = simCommandWith(vars, "deploy", "staging", "--boot");
    expectSuccess(run, "npm run sim:deploy -- staging --boot (API alarms lowered)");
    console.log(`api-autoscaling: deploy --boot took ${run.seconds.toFixed(0)} s`);
    appUrl = String(outputs("staging").app_url).replace(/\/$/, "");
  });

  afterAll(() => {
    writeFileSync(path.join(dir, "stop"), "");
    if (client && client.exitCode === null) client.kill();
    const run = simCommandWith(vars, "destroy", "staging");
    if (run.code !== 0) cleanLab({ log: () => undefined });
    rmSync(dir, { recursive: true, force: true });
  });

  test("load scales the API out, new members take traffic through the load balancer; idle scales it in, members leaving the pool before their servers stop; no request fails", () => {
    const initial = apiGroup();
    expect([initial.min, initial.max, initial.members.length]).toEqual([2, 4, 2]);
    const lb = topology(cloud()).loadBalancers[0];
    const firstIps = new Set(apiServers().map((s) => s.fixedIp));
    expect([...pooled(lb.id)].sort()).toEqual([...firstIps].sort());

    client = spawn(process.execPath, ["-e", CLIENT, appUrl, dir, String(LOAD_CONCURRENCY)], { stdio: "ignore" });
    for (const started = Date.now(); !existsSync(path.join(dir, "stats.json")) || stats().steady.ok < 4; sleepMs(500)) {
      if (Date.now() - started > 60_000)
        throw new Error(
          `the steady client got no answers in 60 s: ${existsSync(path.join(dir, "stats.json")) ? JSON.stringify(stats()) : "no stats"}`,
        );
    }

    // Per address (one poll a second): its server's id, whether it was ever in haproxy's pool, and the modification
    // time of the first haproxy.cfg seen without it (when it left the pool, to the millisecond; taken after the
    // file is read, so never earlier than the version read).
    const seen = new Map<string, { id?: string; inPool: boolean; leftPoolAt?: number }>();
    const observe = () => {
      const pool = pooled(lb.id);
      const poolWritten = statSync(path.join(lbDir(lb.id), "haproxy.cfg")).mtimeMs;
      for (const s of apiServers()) seen.set(s.fixedIp, { inPool: false, ...seen.get(s.fixedIp), id: s.id });
      for (const ip of pool) if (!seen.has(ip)) seen.set(ip, { inPool: false });
      for (const [ip, rec] of seen) {
        if (pool.has(ip)) rec.inPool = true;
        else if (rec.inPool && rec.leftPoolAt === undefined) rec.leftPoolAt = poolWritten;
      }
    };

    // Scale out: a new member joins, the monitor passes it, and it answers load requests.
    writeFileSync(path.join(dir, "load"), "");
    const loadStart = Date.now();
    let scaleOutS: number | null = null;
    let largest = initial.members.length;
    let allUpSince: number | null = null;
    for (; ; sleepMs(1000)) {
      observe();
      largest = Math.max(largest, apiGroup().members.length);
      const fresh = apiServers().filter((s) => !firstIps.has(s.fixedIp) && s.running);
      const up = new Set(
        memberHealth(lb.id)
          .filter((m) => m.status.startsWith("UP"))
          .map((m) => m.server),
      );
      const serving = fresh.filter((s) => up.has(`member_${s.fixedIp.replace(/\./g, "_")}_80`));
      if (scaleOutS === null && serving.length > 0 && serving.some((s) => logCount(s.id, "load=1") > 0)) {
        scaleOutS = (Date.now() - loadStart) / 1000;
        console.log(
          `api-autoscaling: a new API member took load ${scaleOutS.toFixed(0)} s after the load started (group at ${apiGroup().members.length})`,
        );
      }
      // More load once a member serves, until every member has been UP for 10 s, so that each takes a share.
      const running = apiServers().filter((s) => s.running);
      const allUp =
        running.length === apiGroup().members.length && running.every((s) => up.has(`member_${s.fixedIp.replace(/\./g, "_")}_80`));
      allUpSince = allUp ? (allUpSince ?? Date.now()) : null;
      if (scaleOutS !== null && allUpSince !== null && Date.now() - allUpSince > 10_000) break;
      if (Date.now() - loadStart > 10 * 60_000)
        throw new Error(`no new API member took load in 10 min; group ${apiGroup().members.length}, ${JSON.stringify(stats())}`);
    }
    const perMember = apiServers()
      .filter((s) => s.running)
      .map((s) => ({ name: s.name, ip: s.fixedIp, load: logCount(s.id, "load=1"), steady: logCount(s.id, "steady=1") }));
    rmSync(path.join(dir, "load"));
    const loadEnd = Date.now();
    console.log(
      `api-autoscaling: requests per member at the peak (${largest} of max 4): ${perMember.map((m) => `${m.ip} load ${m.load}, steady ${m.steady}`).join("; ")}`,
    );
    expect(perMember.length).toBeGreaterThan(2);
    for (const m of perMember) expect({ ip: m.ip, took: m.load + m.steady > 0 }).toEqual({ ip: m.ip, took: true });

    // Scale in: back to the minimum in Heat, in the pool and in the lab.
    let scaleInS: number | null = null;
    for (; ; sleepMs(1000)) {
      observe();
      const group = apiGroup();
      if (
        group.members.length === 2 &&
        group.in_progress === null &&
        apiServers().filter((s) => s.running).length === 2 &&
        pooled(lb.id).size === 2
      ) {
        scaleInS = (Date.now() - loadEnd) / 1000;
        break;
      }
      if (Date.now() - loadEnd > 10 * 60_000) break;
    }
    console.log(`api-autoscaling: back at 2 API members ${scaleInS?.toFixed(0) ?? "never (10 min)"} s after the load stopped`);
    expect(scaleInS).not.toBeNull();
    sleepMs(3000);
    writeFileSync(path.join(dir, "stop"), "");
    for (const started = Date.now(); client.exitCode === null && Date.now() - started < 40_000;) sleepMs(200);
    const final = stats();
    console.log(
      `api-autoscaling: steady client ${final.steady.ok} ok, ${final.steady.failed} failed; load ${final.load.ok} ok, ${final.load.failed} failed ${final.load.failures.slice(0, 3).join("; ")}`,
    );

    // Every member that left: out of haproxy's pool (the config without it written) before the lab began to stop
    // its server (reconcile-run.log's stamped "stopping" line naming it), to the millisecond; a poll a second
    // could not tell the two apart.
    const stops = new Map<string, number>();
    for (const line of readFileSync(reconcileRunLog(SIGNALS_DIR), "utf8").split("\n")) {
      // reconcile-run.ts stamps each line with its time.
      for (const id of stoppingIds(line) ?? []) stops.set(id, Date.parse(line.split(" ")[0]));
    }
    const finalPool = pooled(lb.id);
    const left = [...seen].filter(([ip, r]) => !finalPool.has(ip) && r.inPool);
    expect(left.length).toBeGreaterThan(0);
    const order = left.map(([ip, r]) => {
      const stopping = stops.get(r.id ?? "") ?? NaN;
      return { ip, leftPoolBeforeStop: r.leftPoolAt !== undefined && r.leftPoolAt < stopping, drainMs: stopping - (r.leftPoolAt ?? NaN) };
    });
    console.log(
      `api-autoscaling: members that left (pool config without them written, then their stop begun): ${order.map((o) => `${o.ip} ${Math.round(o.drainMs)} ms before`).join("; ")}`,
    );
    for (const o of order) expect({ ip: o.ip, leftPoolBeforeStop: o.leftPoolBeforeStop }).toEqual({ ip: o.ip, leftPoolBeforeStop: true });

    // No request fails, the steady client's nor the load's (a load request waits up to 30 s for its answer).
    expect({ steady: final.steady.failures, load: final.load.failures }).toEqual({ steady: [], load: [] });
    expect([final.steady.failed, final.load.failed]).toEqual([0, 0]);
    expect(final.steady.ok).toBeGreaterThan(20);
    const events = apiGroup().events;
    expect(events.some((e) => e.policy === "scale_up_policy" && e.outcome === "scaled")).toBe(true);
    expect(events.some((e) => e.policy === "scale_down_policy" && e.outcome === "scaled")).toBe(true);
    writeFileSync(
      FIGURES_OUT,
      JSON.stringify({
        lab_api_scale_out_s: scaleOutS,
        lab_api_scale_in_s: scaleInS,
        largest,
        per_member: perMember,
        steady: { ok: final.steady.ok, failed: final.steady.failed },
        load: { ok: final.load.ok, failed: final.load.failed },
        time_scale: Number(process.env.FRACTALS_LAB_TIME_SCALE),
      }),
    );
  });
});
