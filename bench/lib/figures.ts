/**
 * Figures: repeated samples of a named quantity, summarized as median, min and max.
 *
 * Medians because the machine is shared: one slow run (another engineer's test
 * suite) moves the mean but not the median.
 */

export interface Summary {
  readonly name: string;
  readonly unit: string;
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly n: number;
}

/** One sample of several figures taken in the same run (e.g. seconds and RSS of one child). */
export type Sample = Readonly<Record<string, number>>;

export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error("median of no values");
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export function summarize(name: string, unit: string, values: readonly number[]): Summary {
  return { name, unit, median: median(values), min: Math.min(...values), max: Math.max(...values), n: values.length };
}

/** The unit is read off the figure's name: `_s` seconds, `_mb` MiB, anything else a plain ratio. */
export function unitOf(name: string): string {
  if (name.endsWith("_s")) return "s";
  if (name.endsWith("_mb")) return "MiB";
  return "x";
}

/** Turns N samples (each a record of figures) into one summary per figure, in first-seen order. */
export function summarizeSamples(samples: readonly Sample[]): Summary[] {
  const names = [...new Set(samples.flatMap((s) => Object.keys(s)))];
  return names.map((name) =>
    summarize(
      name,
      unitOf(name),
      samples.map((s) => s[name]).filter((v) => v !== undefined),
    ),
  );
}

/** `synth_all_s: 3.21 s (min 3.10, max 3.40, n=3)` */
export function formatSummary(s: Summary): string {
  const digits = s.unit === "MiB" ? 0 : 2;
  const v = (x: number) => x.toFixed(digits);
  return `${s.name}: ${v(s.median)} ${s.unit} (min ${v(s.min)}, max ${v(s.max)}, n=${s.n})`;
}
