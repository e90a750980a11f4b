/**
 * staging's workers autoscale in the lab: the telemetry agent measures the
 * servers' CPU, Aodh's alarms (the template's own thresholds, granularity,
 * evaluation periods) signal the scaling policies, the simulated Heat resizes
 * the group within min..max and the lab boots or stops the workers. Load from
 * the workload's CLI scales the group out, the new workers render, and when
 * the queue is empty it scales back in to the minimum; every task is rendered
 * and stored exactly once. Time runs FRACTALS_LAB_TIME_SCALE times faster
 * (default here 30: 300 s buckets last 10 s, a 600 s cooldown 20 s).
 *
 * The run's time series (servers in the group, each one's CPU) is kept in
 * $FRACTALS_AUTOSCALING_SERIES (default $TMPDIR/fractals-autoscaling-series.json);
 * `node -r tsx/cjs sim/lab/plot-autoscaling.ts <that file> <out.svg>` draws it.
 */
import "./lab-env";
process.env.FRACTALS_LAB_TIME_SCALE ||= "30";
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { DEFAULT_CLOUD_STATE, REPO_ROOT } from "../../sim/cli/paths";
import { Cloud } from "../../sim/openstack/cloud";
import { GroupRecord, scalingGroups } from "../../sim/openstack/orchestration";
import { TELEMETRY_DIR } from "../../sim/lab/paths";
import { nspawnPid } from "../../sim/lab/servers";
import { sleepMs } from "../../sim/lab/sh";
import { topology } from "../../sim/lab/topology";
import { autoscalingSeries } from "../../sim/lab/plot-autoscaling";
import { deployBooted, expectSuccess, simCommand } from "./environments";
import { describeLabWithTerraform, hostLeftovers, inServer } from "./support";

const TASKS = Number(process.env.FRACTALS_AUTOSCALING_TASKS || 48);
/** Large enough that one worker stays busy for a few buckets: about 15 s of one core each. */
const SIZE = ["--width", "1024", "--height", "1024", "--iterations", "1024"];
const SERIES_OUT = process.env.FRACTALS_AUTOSCALING_SERIES || path.join(tmpdir(), "fractals-autoscaling-series.json");
const FIGURES_OUT = process.env.FRACTALS_AUTOSCALING_FIGURES || path.join(tmpdir(), "fractals-autoscaling-figures.json");

interface Fractal {
  readonly uuid: string;
  readonly checksum: string | null;
  readonly generated_by: string | null;
}

function cli(url: string, ...args: string[]): string {
  const r = spawnSync("/usr/bin/python3", [path.join(REPO_ROOT, "workload/bin/fractals"), "--url", url, ...args], {
    encoding: "utf8",
    env: { ...process.env, PYTHONPATH: path.join(REPO_ROOT, "workload") },
    timeout: 300_000,
  });
  if (r.status !== 0) throw new Error(`fractals ${args.join(" ")} exited ${r.status}: ${r.stderr}${r.stdout}`);
  return r.stdout;
}

function allFractals(url: string): Fractal[] {
  const out: Fractal[] = [];
  for (let page = 1; ; page++) {
    const r = spawnSync("curl", ["-s", "-f", "-m", "20", `${url}/v1/fractal?page=${page}&per_page=100`], { encoding: "utf8" });
    if (r.status !== 0) throw new Error(`GET /v1/fractal: curl exited ${r.status}`);
    const body = JSON.parse(r.stdout) as { objects: Fractal[]; total_pages: number };
    out.push(...body.objects);
    if (page >= body.total_pages) return out;
  }
}

/** The run's records, before a destroy's clean removes the telemetry directory. */
function keepSeries(): void {
  if (!existsSync(path.join(TELEMETRY_DIR, "series.jsonl"))) return;
  writeFileSync(SERIES_OUT, JSON.stringify(autoscalingSeries(TELEMETRY_DIR), null, 1));
  for (const f of ["scaling.jsonl", "alarms.jsonl"]) {
    if (existsSync(path.join(TELEMETRY_DIR, f))) copyFileSync(path.join(TELEMETRY_DIR, f), `${SERIES_OUT}.${f}`);
  }
  console.log(`autoscaling: time series in ${SERIES_OUT}`);
}

describeLabWithTerraform("staging's workers autoscale in the lab", () => {
  let appUrl = "";
  const cloud = () => Cloud.load(DEFAULT_CLOUD_STATE);
  /** The workers' group (staging's API tier scales too, in a group of its own). */
  const group = (): GroupRecord => {
    const groups = scalingGroups(cloud()).filter((g) => g.group === "workers");
    expect(groups).toHaveLength(1);
    return groups[0];
  };
  /** The group's servers running in the lab. */
  const running = () => topology(cloud()).servers.filter((s) => s.name.includes("-workers-") && nspawnPid(s.id) !== null);

  beforeAll(() => {
    appUrl = deployBooted("staging").replace(/\/$/, "");
  });

  afterAll(() => {
    keepSeries();
    simCommand("destroy", "staging");
  });

  test("load scales the workers out, the new ones render; idle scales them back in; every task stored once", () => {
    const initial = group();
    const [min, max] = [initial.min, initial.max];
    expect([min, max]).toEqual([1, 3]);
    expect(initial.members).toHaveLength(min);
    const firstWorkers = new Set(running().map((s) => s.name));
    expect(firstWorkers.size).toBe(min);

    const loadStart = Date.now();
    const created = cli(appUrl, "create", "--tasks", String(TASKS), ...SIZE);
    const uuids = [...created.matchAll(/created ([0-9a-f-]{36})/g)].map((m) => m[1]);
    expect(uuids).toHaveLength(TASKS);

    // Scale out: the group grows, and a worker that was not there at the start renders a fractal.
    let scaleOutS: number | null = null;
    let largest = min;
    let fractals: Fractal[] = [];
    const renderedBy = (f: Fractal) => f.generated_by ?? "";
    for (const started = Date.now(); ; sleepMs(2000)) {
      largest = Math.max(largest, group().members.length);
      fractals = allFractals(appUrl).filter((f) => uuids.includes(f.uuid));
      if (
        scaleOutS === null &&
        fractals.some((f) => f.checksum && ![...firstWorkers].some((w) => w.startsWith(renderedBy(f)) || renderedBy(f).startsWith(w)))
      ) {
        scaleOutS = (Date.now() - loadStart) / 1000;
        console.log(
          `autoscaling: a new worker rendered ${scaleOutS.toFixed(0)} s after the load started (group at ${group().members.length})`,
        );
      }
      if (fractals.length === TASKS && fractals.every((f) => f.checksum)) break;
      if (Date.now() - started > 25 * 60_000) {
        throw new Error(
          `only ${fractals.filter((f) => f.checksum).length} of ${TASKS} rendered after 25 min; group ${group().members.length}`,
        );
      }
    }
    const loadEnd = Date.now();
    console.log(
      `autoscaling: all ${TASKS} rendered in ${((loadEnd - loadStart) / 1000).toFixed(0)} s; the group reached ${largest} of max ${max}`,
    );
    expect(scaleOutS).not.toBeNull();
    expect(largest).toBeGreaterThan(min);
    expect(largest).toBeLessThanOrEqual(max);
    const by = new Map<string, number>();
    for (const f of fractals) by.set(renderedBy(f), (by.get(renderedBy(f)) ?? 0) + 1);
    console.log(`autoscaling: rendered by ${[...by].map(([w, n]) => `${w}: ${n}`).join(", ")}`);
    expect(by.size).toBeGreaterThan(1);

    // Scale in: back to the minimum, in Heat and in the lab.
    let scaleInS: number | null = null;
    for (const started = Date.now(); Date.now() - started < 10 * 60_000; sleepMs(2000)) {
      if (group().members.length === min && group().in_progress === null && running().length === min) {
        scaleInS = (Date.now() - loadEnd) / 1000;
        break;
      }
    }
    console.log(`autoscaling: back at ${min} worker(s) ${scaleInS?.toFixed(0) ?? "never (10 min)"} s after the last render`);
    expect(scaleInS).not.toBeNull();

    // No task lost or rendered twice: the API servers stored each fractal exactly once.
    const apis = topology(cloud()).servers.filter((s) => s.name.includes("-api-"));
    const log = apis
      .map((a) => inServer(a.id, "journalctl -u fractals-api --no-pager -o cat | grep 'stored fractal' || true", 120_000).out)
      .join("\n");
    for (const uuid of uuids) expect(log.split(`stored fractal ${uuid}`).length - 1).toBe(1);
    const rendered = allFractals(appUrl).filter((f) => uuids.includes(f.uuid));
    expect(rendered.filter((f) => f.checksum)).toHaveLength(TASKS);

    const events = group().events;
    expect(events.some((e) => e.policy === "scale_up_policy" && e.outcome === "scaled")).toBe(true);
    expect(events.some((e) => e.policy === "scale_down_policy" && e.outcome === "scaled")).toBe(true);
    writeFileSync(
      FIGURES_OUT,
      JSON.stringify({
        lab_scale_out_s: scaleOutS,
        lab_scale_in_s: scaleInS,
        tasks: TASKS,
        largest,
        time_scale: Number(process.env.FRACTALS_LAB_TIME_SCALE),
      }),
    );
  });

  test("a plain deploy after scaling plans nothing for the stack and leaves the group as Heat sized it", () => {
    const before = group();
    const run = simCommand("deploy", "staging");
    expectSuccess(run, "npm run sim:deploy -- staging (after scaling)");
    expect(run.output).toMatch(/No changes|0 to add, 0 to change, 0 to destroy/);
    expect(group().members.map((m) => m.index)).toEqual(before.members.map((m) => m.index));
  });

  test("destroy leaves nothing", () => {
    keepSeries();
    const run = simCommand("destroy", "staging");
    expectSuccess(run, "npm run sim:destroy -- staging");
    expect(hostLeftovers()).toEqual([]);
  });
});
