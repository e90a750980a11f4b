/**
 * Gnocchi and Aodh, as far as a Heat autoscaling group uses them: the `cpu`
 * meter stored per resource (cumulative CPU-nanoseconds, one point per
 * granularity bucket, the bucket's mean), the cross-resource aggregation an
 * OS::Aodh::GnocchiAggregationByResourcesAlarm asks for, and Aodh's threshold
 * evaluation with its state transitions. Pure functions: the lab's telemetry
 * agent (sim/lab/telemetry-agent.ts) measures and keeps the data.
 */
import type { StackAlarm } from "./orchestration";

type Json = null | string | number | boolean | Json[] | { [key: string]: Json };

export interface Measure {
  /** Epoch ms. */
  readonly t: number;
  readonly value: number;
}

export interface Point {
  /** Start of the granularity bucket, epoch ms. */
  readonly t: number;
  readonly value: number;
}

/** One resource's series at a granularity: the mean of the measures in each bucket (Gnocchi's `mean` aggregate). */
export function bucketMeans(measures: readonly Measure[], granularityMs: number): Point[] {
  const buckets = new Map<number, { sum: number; n: number }>();
  for (const m of measures) {
    const t = Math.floor(m.t / granularityMs) * granularityMs;
    const b = buckets.get(t) ?? { sum: 0, n: 0 };
    b.sum += m.value;
    b.n += 1;
    buckets.set(t, b);
  }
  return [...buckets.entries()].sort((a, b) => a[0] - b[0]).map(([t, b]) => ({ t, value: b.sum / b.n }));
}

/**
 * `(aggregate rate:mean (metric cpu mean))` over several resources, as Aodh
 * asks Gnocchi with `needed_overlap=0`: per timestamp the mean across the
 * resources that have a point there (a deleted server simply has no new
 * points), then the difference between consecutive timestamps. So a server
 * joining with a small cumulative counter pulls the mean down for one
 * bucket: one large negative sample.
 */
export function aggregateRateMean(series: readonly Point[][], fromMs: number, toMs: number): Point[] {
  const byTime = new Map<number, number[]>();
  for (const s of series) {
    for (const p of s) {
      if (p.t < fromMs || p.t > toMs) continue;
      byTime.set(p.t, [...(byTime.get(p.t) ?? []), p.value]);
    }
  }
  const means = [...byTime.entries()].sort((a, b) => a[0] - b[0]).map(([t, v]) => ({ t, value: v.reduce((a, b) => a + b, 0) / v.length }));
  return means.slice(1).map((p, i) => ({ t: p.t, value: p.value - means[i].value }));
}

export type AlarmState = "ok" | "alarm" | "insufficient data";

const COMPARE: Record<string, (a: number, b: number) => boolean> = {
  gt: (a, b) => a > b,
  lt: (a, b) => a < b,
  ge: (a, b) => a >= b,
  le: (a, b) => a <= b,
  eq: (a, b) => a === b,
  ne: (a, b) => a !== b,
};

export interface Evaluation {
  /** The state Aodh moves to. */
  readonly state: AlarmState;
  /** True when Aodh runs the state's actions (a change, or repeat_actions while the state holds). */
  readonly notify: boolean;
  /** The points compared, newest last. */
  readonly values: number[];
  readonly reason: string;
}

/**
 * Aodh's threshold evaluator: the last `evaluation_periods` points; too few
 * is "insufficient data"; all breaching is "alarm", none is "ok"; a mix keeps
 * the current state (or takes the newest point's side when the state was
 * insufficient data). Actions run on a change of state, and with
 * repeat_actions at every evaluation that confirms it.
 */
export function evaluateThreshold(
  alarm: Pick<StackAlarm, "evaluationPeriods" | "threshold" | "comparisonOperator" | "repeatActions">,
  points: readonly Point[],
  previous: AlarmState,
): Evaluation {
  const values = points.slice(-alarm.evaluationPeriods).map((p) => p.value);
  if (values.length < alarm.evaluationPeriods) {
    const reason = `${values.length} datapoints are unknown`;
    return { state: "insufficient data", notify: previous !== "insufficient data", values, reason };
  }
  const compare = COMPARE[alarm.comparisonOperator] ?? COMPARE.eq;
  const compared = values.map((v) => compare(v, alarm.threshold));
  const outside = compared.filter(Boolean).length;
  if (outside === compared.length || outside === 0) {
    const state: AlarmState = outside > 0 ? "alarm" : "ok";
    const reason = `${outside} of the last ${compared.length} points ${outside > 0 ? "crossed" : "within"} threshold ${alarm.threshold}`;
    return { state, notify: state !== previous || alarm.repeatActions, values, reason };
  }
  if (previous === "insufficient data") {
    const state: AlarmState = compared[compared.length - 1] ? "alarm" : "ok";
    return { state, notify: true, values, reason: `transition to ${state} due to ${outside} points crossing the threshold, trending` };
  }
  return { state: previous, notify: false, values, reason: `mixed: ${outside} of ${compared.length} points crossed the threshold` };
}

/** Gnocchi's resource search: `=`, `==`, `eq`, `!=`, `in`, `and`, `or`, `not` over a resource's attributes. */
export function matchesQuery(query: Json, attributes: Record<string, string>): boolean {
  if (!query || typeof query !== "object" || Array.isArray(query)) return true;
  const [op, arg] = Object.entries(query)[0] ?? [];
  if (op === undefined) return true;
  const lower = op.toLowerCase();
  if (lower === "and" && Array.isArray(arg)) return arg.every((q) => matchesQuery(q, attributes));
  if (lower === "or" && Array.isArray(arg)) return arg.some((q) => matchesQuery(q, attributes));
  if (lower === "not") return !matchesQuery(arg ?? null, attributes);
  if (!arg || typeof arg !== "object" || Array.isArray(arg)) return false;
  const [field, value] = Object.entries(arg)[0] ?? [];
  if (field === undefined) return false;
  const actual = attributes[field];
  if (["=", "==", "eq"].includes(lower)) return actual === String(value);
  if (["!=", "≠", "ne"].includes(lower)) return actual !== String(value);
  if (lower === "in" && Array.isArray(value)) return value.map(String).includes(actual);
  return false;
}

/**
 * Gnocchi's instance resource attributes from Nova's metadata: Ceilometer
 * copies `metering.*` keys without the prefix (`metering.server_group` is
 * queried as `server_group`).
 */
export function resourceAttributes(serverId: string, metadata: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = { id: serverId };
  for (const [k, v] of Object.entries(metadata)) if (k.startsWith("metering.")) out[k.slice("metering.".length)] = String(v);
  return out;
}
