/**
 * The autoscaling run as a picture: servers in the group (a step line) and
 * each worker's CPU in % of one vCPU (a line per server), with the alarms'
 * thresholds and the scaling actions marked, over the run's time in the
 * template's seconds (the lab's seconds times FRACTALS_LAB_TIME_SCALE) and
 * in the lab's own seconds.
 *
 * `autoscalingSeries(<telemetry dir>)` collects the telemetry agent's and the
 * Heat endpoint's records into one JSON object; run as a script:
 * `node -r tsx/cjs sim/lab/plot-autoscaling.ts <series.json> <out.svg>`.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { parseCommandLine, runCommand, UsageError } from "../../cli-args";

export interface AutoscalingSeries {
  readonly time_scale: number;
  /** Lab seconds since the first poll. */
  readonly polls: { t: number; size: number; in_progress: boolean; servers: { name: string; cpu_percent: number | null }[] }[];
  readonly alarms: { t: number; alarm: string; state: string; notify: boolean; mean_percent: number | null; threshold_percent: number }[];
  readonly scaling: { t: number; policy: string; outcome: string; from: number; to: number }[];
  readonly min: number;
  readonly max: number;
  readonly evaluation_periods: number;
}

const lines = <T>(file: string): T[] =>
  existsSync(file)
    ? readFileSync(file, "utf8")
        .split("\n")
        .filter(Boolean)
        .map((l) => JSON.parse(l) as T)
    : [];

/**
 * One scaling group's run from the agent's files (series.jsonl, alarms.jsonl, scaling.jsonl), by the
 * group's name in its Heat stack (`workers`, `api`): an environment may scale more than one tier.
 */
export function autoscalingSeries(dir: string, groupName = "workers"): AutoscalingSeries {
  type Poll = {
    t: number;
    time_scale: number;
    groups: { stack_id: string; group: string; size: number; min: number; max: number; in_progress: boolean }[];
    servers: { name: string; group: string | null; cpu_percent: number | null }[];
  };
  type Alarm = {
    t: number;
    stack_id: string;
    alarm: string;
    state: string;
    notify: boolean;
    values: number[];
    threshold: number;
    granularity: number;
  };
  const alarms = lines<Alarm>(path.join(dir, "alarms.jsonl"));
  const ofGroup = (record: { stack_id?: string }) => record.stack_id === undefined || record.stack_id === stackId;
  type Scaling = { at_ms: number; stack_id: string; policy?: string; outcome: string; from?: number; to?: number };
  const polls = lines<Poll>(path.join(dir, "series.jsonl"))
    .map((p) => ({ ...p, group: p.groups.find((g) => g.group === groupName) }))
    .filter((p): p is Poll & { group: Poll["groups"][number] } => p.group !== undefined);
  const stackId = polls[0]?.group.stack_id;
  const t0 = polls[0]?.t ?? 0;
  const scale = polls[0]?.time_scale ?? 1;
  const rel = (t: number) => Math.round((t - t0) / 100) / 10;
  const percent = (ns: number, granularity: number) => Math.round((ns / (granularity * 1e9)) * 1000) / 10;
  return {
    time_scale: scale,
    min: polls[0]?.group.min ?? 0,
    max: polls[0]?.group.max ?? 0,
    polls: polls.map((p) => ({
      t: rel(p.t),
      size: p.group.size,
      in_progress: p.group.in_progress,
      servers: p.servers.filter((s) => s.group === stackId).map((s) => ({ name: s.name, cpu_percent: s.cpu_percent })),
    })),
    evaluation_periods: Math.max(1, ...alarms.filter(ofGroup).map((a) => a.values.length)),
    alarms: alarms
      .filter((a) => a.t >= t0 && ofGroup(a))
      .map((a) => ({
        t: rel(a.t),
        alarm: a.alarm,
        state: a.state,
        notify: a.notify,
        mean_percent: a.values.length > 0 ? percent(a.values[a.values.length - 1], a.granularity) : null,
        threshold_percent: percent(a.threshold, a.granularity),
      })),
    scaling: lines<Scaling>(path.join(dir, "scaling.jsonl"))
      .filter((e) => e.policy && e.at_ms >= t0 && ofGroup(e))
      .map((e) => ({ t: rel(e.at_ms), policy: e.policy!, outcome: e.outcome, from: e.from ?? 0, to: e.to ?? 0 })),
  };
}

const COLOURS = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf"];
const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/** An SVG of the series: CPU per worker on the left axis (0-120 %), servers in the group on the right one. */
export function renderSvg(series: AutoscalingSeries, title = "Workers autoscaling in the lab (staging)"): string {
  const [W, H] = [900, 420];
  const m = { left: 60, right: 60, top: 50, bottom: 70 };
  const pw = W - m.left - m.right;
  const ph = H - m.top - m.bottom;
  const tMax = Math.max(1, ...series.polls.map((p) => p.t));
  const x = (t: number) => m.left + (t / tMax) * pw;
  const yCpu = (v: number) => m.top + ph - (Math.max(0, Math.min(120, v)) / 120) * ph;
  const maxServers = Math.max(series.max, 1);
  const yN = (n: number) => m.top + ph - (n / (maxServers + 0.5)) * ph;
  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="DejaVu Sans, sans-serif" font-size="12">`,
  );
  out.push(`<rect width="${W}" height="${H}" fill="white"/>`);
  out.push(`<text x="${W / 2}" y="22" text-anchor="middle" font-size="15" font-weight="bold">${esc(title)}</text>`);
  out.push(
    `<text x="${W / 2}" y="40" text-anchor="middle" fill="#555">time scaled ${series.time_scale}×: one lab second is ${series.time_scale} s of the template's (granularity, cooldown, evaluation interval)</text>`,
  );
  // Grid and axes.
  for (let v = 0; v <= 120; v += 20) {
    out.push(`<line x1="${m.left}" x2="${m.left + pw}" y1="${yCpu(v)}" y2="${yCpu(v)}" stroke="#eee"/>`);
    out.push(`<text x="${m.left - 6}" y="${yCpu(v) + 4}" text-anchor="end">${v}%</text>`);
  }
  for (let n = 0; n <= maxServers; n++) out.push(`<text x="${m.left + pw + 6}" y="${yN(n) + 4}" fill="#000">${n}</text>`);
  const step = tMax > 400 ? 60 : tMax > 150 ? 30 : 10;
  for (let t = 0; t <= tMax; t += step) {
    out.push(`<line x1="${x(t)}" x2="${x(t)}" y1="${m.top + ph}" y2="${m.top + ph + 4}" stroke="#000"/>`);
    out.push(`<text x="${x(t)}" y="${m.top + ph + 17}" text-anchor="middle">${t}</text>`);
  }
  out.push(`<rect x="${m.left}" y="${m.top}" width="${pw}" height="${ph}" fill="none" stroke="#000"/>`);
  out.push(
    `<text x="${m.left + pw / 2}" y="${m.top + ph + 34}" text-anchor="middle">lab seconds since the first poll (× ${series.time_scale} for the template's time)</text>`,
  );
  out.push(`<text transform="translate(16 ${m.top + ph / 2}) rotate(-90)" text-anchor="middle">CPU per worker (% of one vCPU)</text>`);
  out.push(`<text transform="translate(${W - 14} ${m.top + ph / 2}) rotate(90)" text-anchor="middle">servers in the group</text>`);
  // Thresholds.
  const thresholds = new Map<string, number>();
  for (const a of series.alarms) thresholds.set(a.alarm, a.threshold_percent);
  for (const [alarm, v] of thresholds) {
    const high = /high/.test(alarm);
    out.push(
      `<line x1="${m.left}" x2="${m.left + pw}" y1="${yCpu(v)}" y2="${yCpu(v)}" stroke="${high ? "#d62728" : "#2ca02c"}" stroke-dasharray="6 4"/>`,
    );
    out.push(
      `<text x="${m.left + pw - 4}" y="${yCpu(v) - 4}" text-anchor="end" fill="${high ? "#d62728" : "#2ca02c"}">${high ? `scale out: group mean above ${v}%` : `scale in: group mean below ${v}%`} for ${series.evaluation_periods ?? "the evaluation periods'"} buckets</text>`,
    );
  }
  // Scaling actions.
  for (const e of series.scaling.filter((s) => s.outcome === "scaled")) {
    out.push(`<line x1="${x(e.t)}" x2="${x(e.t)}" y1="${m.top}" y2="${m.top + ph}" stroke="#999" stroke-dasharray="2 3"/>`);
    out.push(`<text x="${x(e.t) + 3}" y="${m.top + 12}" fill="#555" font-size="10">${e.from}→${e.to}</text>`);
  }
  // Servers in the group, as Heat holds it: a step at each scaling action.
  let size = series.polls[0]?.size ?? 0;
  const steps = [`M${x(0).toFixed(1)},${yN(size).toFixed(1)}`];
  for (const e of series.scaling.filter((s) => s.outcome === "scaled")) {
    steps.push(`L${x(e.t).toFixed(1)},${yN(size).toFixed(1)}`, `L${x(e.t).toFixed(1)},${yN(e.to).toFixed(1)}`);
    size = e.to;
  }
  steps.push(`L${x(tMax).toFixed(1)},${yN(size).toFixed(1)}`);
  out.push(`<path d="${steps.join(" ")}" fill="none" stroke="#000" stroke-width="2.5"/>`);
  // The aggregate Aodh compared (the high alarm's newest point), as dots.
  // (A negative sample, a server joining with a small counter, shows on the 0 % line.)
  for (const a of series.alarms.filter((al) => /high/.test(al.alarm) && al.mean_percent !== null && al.t <= tMax)) {
    out.push(`<circle cx="${x(a.t).toFixed(1)}" cy="${yCpu(a.mean_percent!).toFixed(1)}" r="1.6" fill="#555"/>`);
  }
  // CPU per worker.
  const names = [...new Set(series.polls.flatMap((p) => p.servers.map((s) => s.name)))];
  names.forEach((name, i) => {
    const pts = series.polls.flatMap((p) =>
      p.servers.filter((s) => s.name === name && s.cpu_percent !== null).map((s) => [p.t, s.cpu_percent!] as const),
    );
    if (pts.length === 0) return;
    const d = pts.map(([t, v], j) => `${j === 0 ? "M" : "L"}${x(t).toFixed(1)},${yCpu(v).toFixed(1)}`).join(" ");
    out.push(`<path d="${d}" fill="none" stroke="${COLOURS[i % COLOURS.length]}" stroke-width="1.5"/>`);
  });
  // Legend.
  let lx = m.left;
  const ly = H - 14;
  out.push(
    `<line x1="${lx}" x2="${lx + 20}" y1="${ly - 4}" y2="${ly - 4}" stroke="#000" stroke-width="2.5"/><text x="${lx + 24}" y="${ly}">servers in the group</text>`,
  );
  lx += 165;
  out.push(`<circle cx="${lx + 10}" cy="${ly - 4}" r="2.5" fill="#555"/><text x="${lx + 24}" y="${ly}">group mean (Aodh)</text>`);
  lx += 150;
  names.forEach((name, i) => {
    const label = `worker ${/-(\d+)$/.exec(name)?.[1] ?? name} CPU`;
    out.push(
      `<line x1="${lx}" x2="${lx + 20}" y1="${ly - 4}" y2="${ly - 4}" stroke="${COLOURS[i % COLOURS.length]}" stroke-width="2"/><text x="${lx + 24}" y="${ly}">${esc(label)}</text>`,
    );
    lx += 120;
  });
  out.push("</svg>");
  return `${out.join("\n")}\n`;
}

const USAGE = `Usage: node -r tsx/cjs sim/lab/plot-autoscaling.ts <series.json | telemetry dir> <out.svg>
  Plots a lab autoscaling run (servers in the group, CPU per server, the group mean Aodh compared, the
  scaling actions) as an SVG: from the series a lab test wrote, or from a lab's telemetry directory.`;

function main(argv: string[]): number {
  const { values, positionals } = parseCommandLine(argv, {}, true);
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (positionals.length !== 2)
    throw new UsageError(`expected <series.json | telemetry dir> <out.svg>, got ${positionals.length} argument(s)`);
  const [input, output] = positionals;
  const series = input.endsWith(".json") ? (JSON.parse(readFileSync(input, "utf8")) as AutoscalingSeries) : autoscalingSeries(input);
  writeFileSync(output, renderSvg(series));
  console.log(
    `wrote ${output} (${series.polls.length} polls, ${series.scaling.filter((s) => s.outcome === "scaled").length} scaling actions)`,
  );
  return 0;
}

if (require.main === module) runCommand("plot-autoscaling", () => main(process.argv.slice(2)));
