/**
 * Typed Heat (HOT) template for an autoscaled group of faafo workers.
 *
 * Built as a plain object and serialized once to JSON, which Heat accepts as
 * YAML. Nothing secret is inside: the AMQP URL arrives as a hidden parameter.
 */

/** HOT intrinsic functions used here. */
type GetParam = { get_param: string };
type GetAttr = { get_attr: [string, string] };
type GetResource = { get_resource: string };
type StrReplace = { str_replace: { template: string; params: Record<string, HeatValue> } };
export type HeatValue = string | number | boolean | GetParam | GetAttr | GetResource | StrReplace | HeatValue[] | { [key: string]: HeatValue };

export interface HeatParameter {
  readonly type: "string" | "number" | "json" | "comma_delimited_list" | "boolean";
  readonly description: string;
  readonly hidden?: boolean;
}

export interface HeatResource {
  readonly type: string;
  readonly properties: Record<string, HeatValue>;
  readonly depends_on?: string[];
}

export interface HeatOutput {
  readonly description: string;
  readonly value: HeatValue;
}

export interface HeatTemplate {
  readonly heat_template_version: string;
  readonly description: string;
  readonly parameters: Record<string, HeatParameter>;
  readonly resources: Record<string, HeatResource>;
  readonly outputs: Record<string, HeatOutput>;
}

export interface WorkerScalingTemplateProps {
  readonly minSize: number;
  readonly desiredSize: number;
  readonly maxSize: number;
  /** Seconds between two scaling actions. */
  readonly cooldownSeconds: number;
  /** Gnocchi granularity the alarms evaluate, in seconds. */
  readonly granularitySeconds: number;
  /** Cloud-init user data with `$api_url` and `$amqp_url` placeholders. */
  readonly userDataTemplate: string;
}

/** Names of the template's parameters, set by the orchestration stack. */
export const WORKER_TEMPLATE_PARAMETERS = [
  "image", "flavor", "key_name", "network", "security_group",
  "api_url", "amqp_url", "cpu_high_threshold", "cpu_low_threshold",
] as const;
export type WorkerTemplateParameter = (typeof WORKER_TEMPLATE_PARAMETERS)[number];

/** Names of the template's outputs. */
export const SCALE_UP_URL_OUTPUT = "scale_up_url";
export const SCALE_DOWN_URL_OUTPUT = "scale_down_url";

/**
 * Threshold of a Gnocchi `rate:mean` alarm on the `cpu` metric, in CPU-nanoseconds
 * per granularity period: `cpu` counts nanoseconds of CPU time, so one fully busy
 * vCPU accrues `1e9 * granularity` per period.
 */
export function cpuThresholdNs(percent: number, vcpus: number, granularitySeconds: number): number {
  return Math.round((percent / 100) * vcpus * 1e9 * granularitySeconds);
}

/**
 * OS::Heat::AutoScalingGroup of OS::Nova::Server, two ScalingPolicy (+1/-1)
 * and two Aodh alarms on mean CPU across the group's servers. Servers carry
 * `metering.server_group` = this stack's id, which Gnocchi exposes as the
 * `server_group` attribute the alarms query on.
 */
export function workerScalingTemplate(props: WorkerScalingTemplateProps): HeatTemplate {
  const stackId: GetParam = { get_param: "OS::stack_id" };
  const alarm = (direction: "up" | "down"): HeatResource => ({
    type: "OS::Aodh::GnocchiAggregationByResourcesAlarm",
    properties: {
      description: direction === "up" ? "Add a worker when mean CPU is high" : "Remove a worker when mean CPU is low",
      metric: "cpu",
      aggregation_method: "rate:mean",
      granularity: props.granularitySeconds,
      evaluation_periods: 1,
      threshold: { get_param: direction === "up" ? "cpu_high_threshold" : "cpu_low_threshold" },
      resource_type: "instance",
      comparison_operator: direction === "up" ? "gt" : "lt",
      alarm_actions: [{
        str_replace: {
          template: "trust+url",
          params: { url: { get_attr: [`scale_${direction}_policy`, "signal_url"] } },
        },
      }],
      query: {
        str_replace: {
          template: '{"=": {"server_group": "stack_id"}}',
          params: { stack_id: stackId },
        },
      },
    },
  });
  const policy = (adjustment: number): HeatResource => ({
    type: "OS::Heat::ScalingPolicy",
    properties: {
      adjustment_type: "change_in_capacity",
      auto_scaling_group_id: { get_resource: "workers" },
      cooldown: props.cooldownSeconds,
      scaling_adjustment: adjustment,
    },
  });

  return {
    heat_template_version: "2018-08-31",
    description: "Fractals queue workers, scaled on CPU",
    parameters: {
      image: { type: "string", description: "Image id of the workers" },
      flavor: { type: "string", description: "Flavor id of the workers" },
      key_name: { type: "string", description: "Nova key pair" },
      network: { type: "string", description: "Network id of the application subnet" },
      security_group: { type: "string", description: "Security group id of the workers" },
      api_url: { type: "string", description: "Fractals API endpoint" },
      amqp_url: { type: "string", description: "AMQP URL of the queue", hidden: true },
      cpu_high_threshold: { type: "number", description: "CPU-nanoseconds per period above which to scale up" },
      cpu_low_threshold: { type: "number", description: "CPU-nanoseconds per period below which to scale down" },
    },
    resources: {
      workers: {
        type: "OS::Heat::AutoScalingGroup",
        properties: {
          min_size: props.minSize,
          desired_capacity: props.desiredSize,
          max_size: props.maxSize,
          resource: {
            type: "OS::Nova::Server",
            properties: {
              image: { get_param: "image" },
              flavor: { get_param: "flavor" },
              key_name: { get_param: "key_name" },
              networks: [{ network: { get_param: "network" } }],
              security_groups: [{ get_param: "security_group" }],
              metadata: { "metering.server_group": stackId },
              user_data_format: "RAW",
              user_data: {
                str_replace: {
                  template: props.userDataTemplate,
                  params: { $api_url: { get_param: "api_url" }, $amqp_url: { get_param: "amqp_url" } },
                },
              },
            },
          },
        },
      },
      scale_up_policy: policy(1),
      scale_down_policy: policy(-1),
      cpu_alarm_high: alarm("up"),
      cpu_alarm_low: alarm("down"),
    },
    outputs: {
      [SCALE_UP_URL_OUTPUT]: { description: "Signal URL that adds a worker", value: { get_attr: ["scale_up_policy", "signal_url"] } },
      [SCALE_DOWN_URL_OUTPUT]: { description: "Signal URL that removes a worker", value: { get_attr: ["scale_down_policy", "signal_url"] } },
    },
  };
}
