/**
 * The lab's telemetry: Ceilometer's compute poller, Gnocchi's store and
 * Aodh's evaluator in one small detached daemon, so the alarms a Heat
 * template declares act on the servers' real CPU use.
 *
 * - Poller: every granularity (Ceilometer polls `cpu` every 300 s by default,
 *   the granularity of its default archive policy), each running server's
 *   cumulative CPU time in ns, as libvirt's cpu_time: its cgroup's
 *   cpuacct.usage (cpu.ts), or where there is none the utime+stime (and the
 *   reaped children's cutime+cstime) of every process under its nspawn
 *   process from /proc/<pid>/stat. Never decreasing.
 * - Store: measures.jsonl, one line per server and poll, with the server's
 *   Gnocchi attributes (`metering.*` metadata without the prefix).
 * - Evaluator: every 60 s (Aodh's evaluation_interval), each alarm of the
 *   cloud's stacks: `(aggregate rate:mean (metric cpu mean))` over the
 *   servers matching its query, the last evaluation_periods points against
 *   the threshold, state transitions as Aodh makes them, and its actions
 *   POSTed to their URLs ("trust+" dropped: the lab's Heat checks no token).
 * - Series: series.jsonl, one line per poll (servers per group, each
 *   server's CPU in % of one vCPU), and alarms.jsonl, one line per
 *   evaluation, for the plot (sim/lab/plot-autoscaling.ts).
 *
 * FRACTALS_LAB_TIME_SCALE divides every interval and multiplies the CPU time
 * stored (paths.ts, labTimeScale). Run as a script:
 * `node -r tsx/cjs sim/lab/telemetry-agent.ts <cloud file> <telemetry dir> <time scale>`.
 */
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync } from "node:fs";
import * as http from "node:http";
import * as path from "node:path";
import { Cloud } from "../openstack/cloud";
import { INSTANCE } from "../openstack/compute";
import { scalingGroups, StackAlarm, stackAlarms } from "../openstack/orchestration";
import {
  aggregateRateMean,
  AlarmState,
  bucketMeans,
  evaluateThreshold,
  matchesQuery,
  Measure,
  resourceAttributes,
} from "../openstack/telemetry";
import { cpuUsageNs } from "./cpu";
import { machineName } from "./paths";

/** Aodh's default evaluation_interval, and the granularity used when the cloud declares no alarm. */
const EVALUATION_INTERVAL_S = 60;
const DEFAULT_GRANULARITY_S = 300;
/** Linux clock ticks per second (USER_HZ), the unit of /proc/<pid>/stat times. */
const CLOCK_TICKS = 100;

interface Stored {
  readonly t: number;
  readonly resource: string;
  readonly name: string;
  /** Cumulative CPU-ns, time-scaled. */
  readonly cpu: number;
  readonly attributes: Record<string, string>;
}

interface ProcInfo {
  readonly ppid: number;
  readonly ticks: number;
}

/** Every process's parent and CPU ticks (its own utime+stime and its reaped children's cutime+cstime). */
function processTable(): Map<number, ProcInfo> {
  const table = new Map<number, ProcInfo>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      // Fields after the command name (which may hold spaces and parentheses): state is field 3, ppid 4, utime 14 .. cstime 17.
      const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      table.set(Number(entry), { ppid: Number(f[1]), ticks: Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]) });
    } catch {
      // gone meanwhile
    }
  }
  return table;
}

/** nspawn process per lab machine name. */
function nspawnByMachine(): Map<string, number> {
  const found = new Map<string, number>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const argv = readFileSync(`/proc/${entry}/cmdline`, "utf8").split("\0");
      if (argv[0]?.endsWith("systemd-nspawn") && argv.includes("-M")) found.set(argv[argv.indexOf("-M") + 1], Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

/** CPU-ns used so far by the processes under each root (the root itself excluded: nspawn is the host's helper, not the guest). */
export function cpuNsUnder(roots: number[], table: Map<number, ProcInfo> = processTable()): Map<number, number> {
  const children = new Map<number, number[]>();
  for (const [pid, p] of table) children.set(p.ppid, [...(children.get(p.ppid) ?? []), pid]);
  const out = new Map<number, number>();
  for (const root of roots) {
    let ticks = 0;
    const stack = [...(children.get(root) ?? [])];
    while (stack.length > 0) {
      const pid = stack.pop()!;
      ticks += table.get(pid)?.ticks ?? 0;
      stack.push(...(children.get(pid) ?? []));
    }
    out.set(root, (ticks * 1e9) / CLOCK_TICKS);
  }
  return out;
}

function post(url: string): Promise<number> {
  return new Promise((resolve) => {
    const req = http.request(url, { method: "POST", headers: { "content-type": "application/json" }, timeout: 10_000 }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode ?? 0));
    });
    req.on("error", () => resolve(0));
    req.on("timeout", () => req.destroy());
    req.end(JSON.stringify({ alarm_id: "", current: "alarm", reason: "lab telemetry" }));
  });
}

export function runAgent(cloudFile: string, dir: string, timeScale: number): void {
  mkdirSync(dir, { recursive: true });
  const measuresFile = path.join(dir, "measures.jsonl");
  const store: Stored[] = existsSync(measuresFile)
    ? readFileSync(measuresFile, "utf8")
        .split("\n")
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Stored)
    : [];
  const last = new Map<string, Stored>();
  for (const s of store) last.set(s.resource, s);
  const states = new Map<string, AlarmState>();

  const granularityS = () => {
    const alarms = stackAlarms(Cloud.load(cloudFile));
    return alarms.length > 0 ? Math.min(...alarms.map((a) => a.granularity)) : DEFAULT_GRANULARITY_S;
  };
  const pollMs = () => (granularityS() * 1000) / timeScale;

  function poll(): void {
    const cloud = Cloud.load(cloudFile);
    const nspawns = nspawnByMachine();
    const servers = cloud.list(INSTANCE).filter((s) => nspawns.has(machineName(s.id)));
    const now = Date.now();
    const cpu = cpuNsUnder(servers.map((s) => nspawns.get(machineName(s.id))!));
    const row: { id: string; name: string; group: string | null; cpu_percent: number | null }[] = [];
    for (const server of servers) {
      const measured = (cpuUsageNs(server.id) ?? cpu.get(nspawns.get(machineName(server.id))!)!) * timeScale;
      const prior = last.get(server.id);
      const metadata =
        server.state.metadata && typeof server.state.metadata === "object" ? (server.state.metadata as Record<string, unknown>) : {};
      const stored: Stored = {
        t: now,
        resource: server.id,
        name: String(server.state.name ?? server.id),
        cpu: Math.max(measured, prior?.cpu ?? 0),
        attributes: resourceAttributes(server.id, metadata),
      };
      store.push(stored);
      appendFileSync(measuresFile, `${JSON.stringify(stored)}\n`);
      last.set(server.id, stored);
      // % of one vCPU over the interval, in the template's time (the stored counter is scaled, so is the interval).
      const percent = prior ? ((stored.cpu - prior.cpu) / ((now - prior.t) * 1e6 * timeScale)) * 100 : null;
      row.push({
        id: server.id,
        name: stored.name,
        group: stored.attributes.server_group ?? null,
        cpu_percent: percent === null ? null : Math.round(percent * 10) / 10,
      });
    }
    const groups = scalingGroups(cloud).map((g) => ({
      stack: g.stack_name,
      stack_id: g.stack_id,
      group: g.group,
      size: g.members.length,
      min: g.min,
      max: g.max,
      in_progress: g.in_progress !== null,
    }));
    appendFileSync(path.join(dir, "series.jsonl"), `${JSON.stringify({ t: now, time_scale: timeScale, groups, servers: row })}\n`);
  }

  async function evaluate(): Promise<void> {
    const cloud = Cloud.load(cloudFile);
    for (const alarm of stackAlarms(cloud)) {
      if (!alarm.enabled || alarm.metric !== "cpu" || alarm.type !== "OS::Aodh::GnocchiAggregationByResourcesAlarm") continue;
      const evaluation = evaluateAlarm(alarm, store, Date.now(), timeScale, states.get(alarm.id) ?? "insufficient data");
      states.set(alarm.id, evaluation.state);
      const actions =
        evaluation.state === "alarm" ? alarm.alarmActions : evaluation.state === "ok" ? alarm.okActions : alarm.insufficientDataActions;
      const posted: { url: string; status: number }[] = [];
      if (evaluation.notify) {
        for (const action of actions) {
          const url = action.replace(/^trust\+/, "");
          posted.push({ url, status: await post(url) });
        }
      }
      appendFileSync(
        path.join(dir, "alarms.jsonl"),
        `${JSON.stringify({
          t: Date.now(),
          alarm: alarm.name,
          stack_id: alarm.stackId,
          state: evaluation.state,
          notify: evaluation.notify,
          values: evaluation.values,
          threshold: alarm.threshold,
          granularity: alarm.granularity,
          reason: evaluation.reason,
          actions: posted.map((p) => `${p.status} ${p.url.replace(/\?.*/, "")}`),
        })}\n`,
      );
    }
  }

  // Polls at the middle of each (scaled) granularity bucket, so every bucket holds exactly one point.
  const schedulePoll = () => {
    const period = pollMs();
    const wait = period - ((Date.now() - period / 2) % period);
    setTimeout(() => {
      try {
        poll();
      } catch (err) {
        console.error(`${new Date().toISOString()} poll failed: ${(err as Error).message}`);
      }
      schedulePoll();
    }, wait);
  };
  const scheduleEvaluation = () => {
    setTimeout(
      () => {
        evaluate()
          .catch((err) => console.error(`${new Date().toISOString()} evaluation failed: ${(err as Error).message}`))
          .finally(scheduleEvaluation);
      },
      Math.max(500, (EVALUATION_INTERVAL_S * 1000) / timeScale),
    );
  };
  schedulePoll();
  scheduleEvaluation();
}

/**
 * One evaluation of a GnocchiAggregationByResourcesAlarm on the `cpu` meter:
 * the servers matching its query (deleted ones included, as Gnocchi keeps
 * their resources: they only stop having points), their series at the
 * alarm's granularity (scaled), the aggregate over the last
 * evaluation_periods + 1 buckets, and Aodh's threshold evaluation.
 */
export function evaluateAlarm(alarm: StackAlarm, store: readonly Stored[], nowMs: number, timeScale: number, previous: AlarmState) {
  const granularityMs = (alarm.granularity * 1000) / timeScale;
  const byResource = new Map<string, Measure[]>();
  for (const s of store) {
    if (!matchesQuery(alarm.query as never, s.attributes)) continue;
    byResource.set(s.resource, [...(byResource.get(s.resource) ?? []), { t: s.t, value: s.cpu }]);
  }
  const from = Math.floor(nowMs / granularityMs) * granularityMs - granularityMs * (alarm.evaluationPeriods + 1);
  const points = aggregateRateMean(
    [...byResource.values()].map((m) => bucketMeans(m, granularityMs)),
    from,
    nowMs,
  );
  return evaluateThreshold(alarm, points, previous);
}

if (require.main === module) {
  const [cloudFile, dir, timeScale] = process.argv.slice(2);
  runAgent(cloudFile, dir, Number(timeScale || 1));
}
