/**
 * What a benchmark is: named cases, each sampled `runs` times; a sample is a
 * record of figures taken in the same run (so paired figures like
 * synth_all_s / synth_floor_s share their machine load).
 */
import { formatSummary, Sample, Summary, summarizeSamples } from "./figures";

export interface BenchContext {
  /** Samples per case (the median of these is printed). */
  readonly runs: number;
  /** Smaller sizes, fewer runs: a smoke run of the harness. */
  readonly quick: boolean;
}

export interface BenchCase {
  /** The case's name; a filter names it, one of `figures`, its group, or a prefix of these up to a `_`. */
  readonly name: string;
  /** A filter that selects a family of cases (`synth_workers`, `alternatives`). */
  readonly group: string;
  /** Names of the figures a sample holds (for filtering and for `--list`). */
  readonly figures: readonly string[];
  /** Runs only when a filter names it (alternatives that take minutes). */
  readonly onlyOnRequest?: boolean;
  /** Left out of `--quick` unless a filter names it. */
  readonly slow?: boolean;
  /** One unmeasured run first, so the first sample does not pay for cold disk caches. */
  readonly warmup?: boolean;
  /** Runs per case when it differs from the context's (e.g. a case that samples internally). */
  readonly runs?: number;
  sample(ctx: BenchContext): Promise<Sample>;
  /** Why a figure can be missing from the samples (e.g. its package is not installed). */
  readonly unavailable?: string;
  /** Replaces sampling entirely, for cases that relay figures already summarized elsewhere. */
  summarize?(ctx: BenchContext): Promise<Summary[] | string[]>;
}

/** Runs one case and returns its printed lines; a figure no sample held prints as `n/a`. */
export async function runCase(c: BenchCase, ctx: BenchContext): Promise<string[]> {
  if (c.summarize) return (await c.summarize(ctx)).map((s) => (typeof s === "string" ? s : formatSummary(s)));
  if (c.warmup) await c.sample(ctx);
  const samples: Sample[] = [];
  for (let i = 0; i < (c.runs ?? ctx.runs); i++) samples.push(await c.sample(ctx));
  const summaries = summarizeSamples(samples);
  const missing = c.figures.filter((f) => !summaries.some((s) => s.name === f));
  return [...summaries.map(formatSummary), ...missing.map((f) => `${f}: n/a (${c.unavailable ?? "not measured"})`)];
}

/** `synth_workers` selects synth_workers_1..1000; `synth_workers_1` selects synth_workers_1 alone. */
export function matches(c: BenchCase, filter: string): boolean {
  return c.group === filter || [c.name, ...c.figures].some((n) => n === filter || n.startsWith(`${filter}_`));
}
