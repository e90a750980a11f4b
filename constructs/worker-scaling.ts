import { integerIssues, PropIssue } from "./validation";

/** The granularity of the `cpu` metric in Ceilometer's default archive policy. */
export const DEFAULT_GRANULARITY_SECONDS = 300;
/** Mean CPU above which the group adds a worker. */
export const DEFAULT_SCALE_UP_CPU_PERCENT = 80;
/** Mean CPU below which the group removes a worker. */
export const DEFAULT_SCALE_DOWN_CPU_PERCENT = 20;
/** Periods an alarm's condition must hold before it acts. */
export const DEFAULT_EVALUATION_PERIODS = 2;
/** Cooldown as a multiple of the granularity: an action is measured before the next. */
const COOLDOWN_GRANULARITIES = 2;
/** The largest group either mode accepts. */
const MAX_WORKERS = 1000;

export interface FixedScalingOptions {
  /** Number of workers, 0 to 1000, spread with a soft-anti-affinity server group. */
  readonly count: number;
  /** Flavor name of every worker. */
  readonly flavor: string;
}

export interface AutoscaleOptions {
  /** Fewest workers, 0 to 1000. */
  readonly min: number;
  /** Most workers, 1 to 1000, at least `desired`. */
  readonly max: number;
  /** Flavor name of every worker; the CPU thresholds scale with its vCPUs. */
  readonly flavor: string;
  /**
   * Workers at creation, from `min` to `max`.
   * @default min
   */
  readonly desired?: number;
  /**
   * Mean CPU (percent, above 0, at most 100) above which one worker is added.
   * @default 80
   */
  readonly scaleUpCpuPercent?: number;
  /**
   * Mean CPU (percent, above 0) below which one worker is removed; lower than `scaleUpCpuPercent`.
   * @default 20
   */
  readonly scaleDownCpuPercent?: number;
  /**
   * Gnocchi granularity the alarms evaluate, 60 to 86400 seconds. Ceilometer's default archive
   * policy keeps the `cpu` metric at 300 s only: another value needs `archivePolicy`.
   * @default 300
   */
  readonly granularitySeconds?: number;
  /**
   * The Gnocchi archive policy the cloud keeps `cpu` under, when it has points at `granularitySeconds`.
   * @default none: Ceilometer's default policy
   */
  readonly archivePolicy?: string;
  /**
   * Periods (2 to 20) an alarm's condition must hold before it acts. At least 2: when a worker joins,
   * `rate:mean` of the cumulative `cpu` counter gives one large negative sample, and a
   * single period would scale straight back in.
   * @default 2
   */
  readonly evaluationPeriods?: number;
  /**
   * Seconds (up to 86400) between two scaling actions; at least twice `granularitySeconds`,
   * so that an action shows in the metric before the next.
   * @default twice granularitySeconds (600 s)
   */
  readonly cooldownSeconds?: number;
}

/**
 * How many workers a WorkerGroup runs: `WorkerScaling.fixed({ count, flavor })`, or
 * `WorkerScaling.autoscale({ min, max, flavor })` with Heat and Aodh CPU alarms.
 * The WorkerGroup checks the values (`issues()`) and names itself in the message.
 */
export abstract class WorkerScaling {
  static fixed(options: FixedScalingOptions): FixedScaling {
    return new FixedScaling(options);
  }

  static autoscale(options: AutoscaleOptions): AutoscaleScaling {
    return new AutoscaleScaling(options);
  }

  abstract readonly mode: "fixed" | "autoscale";
  abstract readonly flavor: string;

  /** What is wrong with the values, by option name (the config loader reports these against `workers.*`). */
  abstract issues(): PropIssue[];
}

/** A fixed number of workers. */
export class FixedScaling extends WorkerScaling {
  readonly mode = "fixed";
  readonly count: number;
  readonly flavor: string;

  constructor(options: FixedScalingOptions) {
    super();
    this.count = options.count;
    this.flavor = options.flavor;
  }

  issues(): PropIssue[] {
    return integerIssues("count", this.count, 0, MAX_WORKERS);
  }
}

/** A Heat autoscaling group between `min` and `max`, every option resolved to its value. */
export class AutoscaleScaling extends WorkerScaling {
  readonly mode = "autoscale";
  readonly min: number;
  readonly max: number;
  readonly desired: number;
  readonly flavor: string;
  readonly scaleUpCpuPercent: number;
  readonly scaleDownCpuPercent: number;
  readonly granularitySeconds: number;
  readonly archivePolicy?: string;
  readonly evaluationPeriods: number;
  readonly cooldownSeconds: number;

  constructor(private readonly options: AutoscaleOptions) {
    super();
    this.min = options.min;
    this.max = options.max;
    this.desired = options.desired ?? options.min;
    this.flavor = options.flavor;
    this.scaleUpCpuPercent = options.scaleUpCpuPercent ?? DEFAULT_SCALE_UP_CPU_PERCENT;
    this.scaleDownCpuPercent = options.scaleDownCpuPercent ?? DEFAULT_SCALE_DOWN_CPU_PERCENT;
    this.granularitySeconds = options.granularitySeconds ?? DEFAULT_GRANULARITY_SECONDS;
    this.archivePolicy = options.archivePolicy;
    this.evaluationPeriods = options.evaluationPeriods ?? DEFAULT_EVALUATION_PERIODS;
    this.cooldownSeconds = options.cooldownSeconds ?? COOLDOWN_GRANULARITIES * this.granularitySeconds;
  }

  issues(): PropIssue[] {
    const o = this.options;
    const issues = [
      ...integerIssues("min", o.min, 0, MAX_WORKERS),
      ...integerIssues("desired", o.desired, 0, MAX_WORKERS),
      ...integerIssues("max", o.max, 1, MAX_WORKERS),
    ];
    if (issues.length === 0) {
      if (o.desired === undefined && this.min > this.max)
        issues.push({ prop: "max", message: `must be >= min (${this.min}), got ${this.max}` });
      else {
        if (this.min > this.desired) issues.push({ prop: "desired", message: `must be >= min (${this.min}), got ${this.desired}` });
        if (this.desired > this.max) issues.push({ prop: "max", message: `must be >= desired (${this.desired}), got ${this.max}` });
      }
    }
    const percents = (["scaleUpCpuPercent", "scaleDownCpuPercent"] as const).flatMap((prop) => {
      const value = this[prop];
      return typeof value === "number" && value > 0 && value <= 100
        ? []
        : [{ prop, message: `must be greater than 0 and at most 100, got ${value}` }];
    });
    issues.push(...percents);
    if (percents.length === 0 && this.scaleDownCpuPercent >= this.scaleUpCpuPercent) {
      issues.push({
        prop: "scaleDownCpuPercent",
        message: `must be lower than scaleUpCpuPercent (${this.scaleUpCpuPercent}), got ${this.scaleDownCpuPercent}`,
      });
    }
    const granularity = integerIssues("granularitySeconds", this.granularitySeconds, 60, 86400);
    issues.push(...granularity);
    if (granularity.length === 0 && this.granularitySeconds !== DEFAULT_GRANULARITY_SECONDS && !this.archivePolicy) {
      issues.push({
        prop: "granularitySeconds",
        message:
          `must be ${DEFAULT_GRANULARITY_SECONDS} (the granularity of Ceilometer's default archive policy for cpu), got ${this.granularitySeconds}; ` +
          "set archivePolicy to the policy your cloud keeps cpu at that granularity under",
      });
    }
    issues.push(...integerIssues("evaluationPeriods", this.evaluationPeriods, 2, 20, " (one period flaps when a worker joins)"));
    const cooldown = integerIssues("cooldownSeconds", this.cooldownSeconds, 0, 86400);
    issues.push(...cooldown);
    if (cooldown.length === 0 && granularity.length === 0 && this.cooldownSeconds < COOLDOWN_GRANULARITIES * this.granularitySeconds) {
      issues.push({
        prop: "cooldownSeconds",
        message:
          `must be at least twice granularitySeconds (${COOLDOWN_GRANULARITIES * this.granularitySeconds}), got ${this.cooldownSeconds}; ` +
          "a shorter cooldown acts again before the last action shows in the metric",
      });
    }
    return issues;
  }
}

/**
 * The same value object for any autoscaled tier (the API's `ApiGroup` takes it too):
 * `Scaling.fixed({ count, flavor })` or `Scaling.autoscale({ min, max, flavor })`.
 */
export const Scaling = WorkerScaling;
export type Scaling = WorkerScaling;
