/**
 * Typed Heat (HOT) template for an autoscaled group of Fractals workers.
 *
 * Built as a plain object and serialized once to JSON, which Heat accepts as
 * YAML. Nothing secret is inside the template: the AMQP URL arrives as a
 * parameter. Not a `hidden` one: Heat reports hidden parameters as "******",
 * provider 3.4.0 stores that in state, and every plan would update the stack;
 * and the group's nested stacks hold the resolved user data anyway (README,
 * "What runs on the servers", says who can read it).
 *
 * Each member of the group is a nested stack (`OS::Heat::Stack` with the
 * member template inline: provider 3.x cannot upload `files`) holding the
 * server and a wait condition its boot script signals, so a worker whose
 * setup fails fails the scaling action instead of counting as capacity.
 */

/** HOT intrinsic functions used here. */
type GetParam = { get_param: string };
type GetAttr = { get_attr: [string, string, ...(string | number | GetParam)[]] };
type GetResource = { get_resource: string };
type StrReplace = { str_replace: { template: string; params: Record<string, HeatValue> } };
export type HeatValue =
  string | number | boolean | GetParam | GetAttr | GetResource | StrReplace | HeatValue[] | { [key: string]: HeatValue };

export interface HeatParameter {
  readonly type: "string" | "number" | "json" | "comma_delimited_list" | "boolean";
  readonly description: string;
  readonly hidden?: boolean;
}

export interface HeatResource {
  readonly type: string;
  readonly properties?: Record<string, HeatValue>;
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
  readonly outputs?: Record<string, HeatOutput>;
}

const HOT_VERSION = "2018-08-31";

/** A group's bounds and the timing of its alarms and policies. */
export interface ScalingTimingProps {
  readonly minSize: number;
  readonly desiredSize: number;
  readonly maxSize: number;
  /** Seconds between two scaling actions. */
  readonly cooldownSeconds: number;
  /** Gnocchi granularity the alarms evaluate, in seconds. */
  readonly granularitySeconds: number;
  /** Periods an alarm's condition must hold before it signals its policy. */
  readonly evaluationPeriods: number;
}

export interface WorkerScalingTemplateProps extends ScalingTimingProps {
  readonly minSize: number;
  readonly desiredSize: number;
  readonly maxSize: number;
  /** Seconds between two scaling actions. */
  readonly cooldownSeconds: number;
  /** Gnocchi granularity the alarms evaluate, in seconds. */
  readonly granularitySeconds: number;
  /** Periods an alarm's condition must hold before it signals its policy. */
  readonly evaluationPeriods: number;
  /**
   * Cloud-init user data with the placeholders of `WORKER_USER_DATA_PLACEHOLDERS`:
   * the API and AMQP URLs and the wait condition's endpoint and token.
   */
  readonly userDataTemplate: string;
  /**
   * Seconds a new worker has to signal its wait condition.
   * @default 1200
   */
  readonly bootTimeoutSeconds?: number;
}

/** What the member template substitutes into the user data template. */
export const WORKER_USER_DATA_PLACEHOLDERS = {
  apiUrl: "$api_url",
  amqpUrl: "$amqp_url",
  waitEndpoint: "$wait_endpoint",
  waitToken: "$wait_token",
} as const;

/** Names of the template's parameters, set by the orchestration stack. */
export const WORKER_TEMPLATE_PARAMETERS = [
  "image",
  "flavor",
  "key_name",
  "network",
  "security_group",
  "api_url",
  "amqp_url",
  "cpu_high_threshold",
  "cpu_low_threshold",
] as const;
export type WorkerTemplateParameter = (typeof WORKER_TEMPLATE_PARAMETERS)[number];

/** What a scale output is and needs, for the template's and the stack's output descriptions. */
export const PRESIGNED_DESCRIPTION = (verb: "adds" | "removes"): string =>
  `A pre-signed URL (the scaling policy's alarm_url, served by heat-api-cfn): a POST with no token ${verb} one worker; ` +
  "anyone holding it can, so keep it secret";

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
 * OS::Heat::AutoScalingGroup of worker stacks, two ScalingPolicy (+1/-1)
 * and two Aodh alarms on mean CPU across the group's servers. Servers carry
 * `metering.server_group` = this stack's id, which Gnocchi exposes as the
 * `server_group` attribute the alarms query on.
 */
export function workerScalingTemplate(props: WorkerScalingTemplateProps): HeatTemplate {
  const stackId: GetParam = { get_param: "OS::stack_id" };
  const param = (name: string): GetParam => ({ get_param: name });
  const passed = ["image", "flavor", "key_name", "network", "security_group", "api_url", "amqp_url"] as const;
  return {
    heat_template_version: HOT_VERSION,
    description: "Fractals queue workers, scaled on CPU",
    parameters: {
      image: { type: "string", description: "Image id of the workers" },
      flavor: { type: "string", description: "Flavor id of the workers" },
      key_name: { type: "string", description: "Nova key pair" },
      network: { type: "string", description: "Network id of the application subnet" },
      security_group: { type: "string", description: "Security group id of the workers" },
      api_url: { type: "string", description: "Fractals API endpoint" },
      amqp_url: { type: "string", description: "AMQP URL of the queue" },
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
          // A new image or user data replaces one worker at a time, never the whole group at once.
          rolling_updates: { min_in_service: props.minSize, max_batch_size: 1, pause_time: 0 },
          resource: {
            type: "OS::Heat::Stack",
            properties: {
              template: JSON.stringify(workerMemberTemplate(props)),
              parameters: {
                ...Object.fromEntries(passed.map((p) => [p, param(p)])),
                server_group: stackId,
                placement_group: { get_resource: "placement" },
              },
            },
          },
        },
      },
      placement: PLACEMENT,
      ...scalingResources("workers", "a worker", props),
    },
    outputs: {
      // alarm_url, not signal_url: signal_url is the native API's URL and needs a Keystone token (Aodh gets one
      // through its trust, "trust+url" above); alarm_url is pre-signed (heat-api-cfn, EC2 signature) and needs none.
      [SCALE_UP_URL_OUTPUT]: { description: PRESIGNED_DESCRIPTION("adds"), value: { get_attr: ["scale_up_policy", "alarm_url"] } },
      [SCALE_DOWN_URL_OUTPUT]: { description: PRESIGNED_DESCRIPTION("removes"), value: { get_attr: ["scale_down_policy", "alarm_url"] } },
    },
  };
}

/** The group's two ScalingPolicy (+1/-1) and the two Aodh alarms on its servers' mean CPU that signal them. */
function scalingResources(group: string, one: string, props: ScalingTimingProps): Record<string, HeatResource> {
  const stackId: GetParam = { get_param: "OS::stack_id" };
  const alarm = (direction: "up" | "down"): HeatResource => ({
    type: "OS::Aodh::GnocchiAggregationByResourcesAlarm",
    properties: {
      description: direction === "up" ? `Add ${one} when mean CPU is high` : `Remove ${one} when mean CPU is low`,
      metric: "cpu",
      aggregation_method: "rate:mean",
      granularity: props.granularitySeconds,
      evaluation_periods: props.evaluationPeriods,
      threshold: { get_param: direction === "up" ? "cpu_high_threshold" : "cpu_low_threshold" },
      resource_type: "instance",
      comparison_operator: direction === "up" ? "gt" : "lt",
      alarm_actions: [
        {
          str_replace: {
            template: "trust+url",
            params: { url: { get_attr: [`scale_${direction}_policy`, "signal_url"] } },
          },
        },
      ],
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
      auto_scaling_group_id: { get_resource: group },
      cooldown: props.cooldownSeconds,
      scaling_adjustment: adjustment,
    },
  });
  return {
    scale_up_policy: policy(1),
    scale_down_policy: policy(-1),
    cpu_alarm_high: alarm("up"),
    cpu_alarm_low: alarm("down"),
  };
}

/**
 * The group's members in one Nova server group, so that Nova spreads them over hypervisors
 * where it can, as the fixed workers' group does: one host's failure then takes one member, not
 * the tier. Soft, not hard, anti-affinity: a hard policy fails a scale-out ("No valid host") once
 * the members outnumber the hosts, and a group that cannot grow under load is worse than two
 * members sharing a host. The member template's server names it in `scheduler_hints`.
 */
const PLACEMENT: HeatResource = { type: "OS::Nova::ServerGroup", properties: { policies: ["soft-anti-affinity"] } };

const param = (name: string): GetParam => ({ get_param: name });
const string = (description: string): HeatParameter => ({ type: "string", description });

/**
 * What every member stack holds (workers' and API servers'): the server, booted from the user data
 * template with `params` and the wait-condition handle filled in, and the wait condition its boot
 * script signals. The member template declares the parameters it reads (image, flavor, key_name,
 * network, security_group, server_group, placement_group).
 */
function bootedServer(
  userDataTemplate: string,
  params: Record<string, HeatValue>,
  props: { readonly bootTimeoutSeconds?: number },
  placeholders: { readonly waitEndpoint: string; readonly waitToken: string },
): Record<string, HeatResource> {
  return {
    boot_handle: { type: "OS::Heat::WaitConditionHandle" },
    server: {
      type: "OS::Nova::Server",
      properties: {
        image: param("image"),
        flavor: param("flavor"),
        key_name: param("key_name"),
        networks: [{ network: param("network") }],
        security_groups: [param("security_group")],
        metadata: { "metering.server_group": param("server_group") },
        scheduler_hints: { group: param("placement_group") },
        user_data_format: "RAW",
        user_data: {
          str_replace: {
            template: userDataTemplate,
            params: {
              ...params,
              [placeholders.waitEndpoint]: { get_attr: ["boot_handle", "endpoint"] },
              [placeholders.waitToken]: { get_attr: ["boot_handle", "token"] },
            },
          },
        },
      },
    },
    boot_complete: {
      type: "OS::Heat::WaitCondition",
      depends_on: ["server"],
      properties: { handle: { get_resource: "boot_handle" }, count: 1, timeout: props.bootTimeoutSeconds ?? 1200 },
    },
  };
}

/** One worker: its server, and the wait condition its boot script signals. */
function workerMemberTemplate(props: WorkerScalingTemplateProps): HeatTemplate {
  const p = WORKER_USER_DATA_PLACEHOLDERS;
  return {
    heat_template_version: HOT_VERSION,
    description: "One Fractals worker",
    parameters: {
      image: string("Image id"),
      flavor: string("Flavor id"),
      key_name: string("Nova key pair"),
      network: string("Network id"),
      security_group: string("Security group id"),
      api_url: string("Fractals API endpoint"),
      amqp_url: string("AMQP URL of the queue"),
      server_group: string("Id of the scaling stack, which the alarms query on"),
      placement_group: string("Nova server group the server is placed by"),
    },
    resources: bootedServer(props.userDataTemplate, { [p.apiUrl]: param("api_url"), [p.amqpUrl]: param("amqp_url") }, props, p),
  };
}

// The API tier's group: each member an API server and its OS::Octavia::PoolMember, as openstack/heat-templates'
// hot/lb_server.yaml has them, so members join and leave the load balancer's pool as the group changes.

export interface ApiScalingTemplateProps extends ScalingTimingProps {
  /**
   * Cloud-init user data with the placeholders of `API_USER_DATA_PLACEHOLDERS`:
   * the database and AMQP URLs and the wait condition's endpoint and token.
   */
  readonly userDataTemplate: string;
  /**
   * Seconds a new API server has to signal its wait condition.
   * @default 1200
   */
  readonly bootTimeoutSeconds?: number;
}

/** What the API member template substitutes into the user data template. */
export const API_USER_DATA_PLACEHOLDERS = {
  databaseUrl: "$database_url",
  amqpUrl: "$amqp_url",
  waitEndpoint: "$wait_endpoint",
  waitToken: "$wait_token",
} as const;

/** Names of the API template's parameters, set by the orchestration stack. */
export const API_TEMPLATE_PARAMETERS = [
  "image",
  "flavor",
  "key_name",
  "network",
  "subnet",
  "security_group",
  "pool_id",
  "api_port",
  "database_url",
  "amqp_url",
  "cpu_high_threshold",
  "cpu_low_threshold",
] as const;
export type ApiTemplateParameter = (typeof API_TEMPLATE_PARAMETERS)[number];

/**
 * OS::Heat::AutoScalingGroup of API member stacks on the Terraform-managed pool, its
 * ScalingPolicies and Aodh CPU alarms (as the workers'). Heat creates and deletes the pool
 * members; the pool's health monitor decides when a new member takes traffic.
 */
export function apiScalingTemplate(props: ApiScalingTemplateProps): HeatTemplate {
  const param = (name: string): GetParam => ({ get_param: name });
  const passed = [
    "image",
    "flavor",
    "key_name",
    "network",
    "subnet",
    "security_group",
    "pool_id",
    "api_port",
    "database_url",
    "amqp_url",
  ] as const;
  return {
    heat_template_version: HOT_VERSION,
    description: "Fractals API servers on the load balancer's pool, scaled on CPU",
    parameters: {
      image: { type: "string", description: "Image id of the API servers" },
      flavor: { type: "string", description: "Flavor id of the API servers" },
      key_name: { type: "string", description: "Nova key pair" },
      network: { type: "string", description: "Network id of the application subnet" },
      subnet: { type: "string", description: "Subnet id the pool members are on" },
      security_group: { type: "string", description: "Security group id of the API servers" },
      pool_id: { type: "string", description: "Octavia pool the API servers join" },
      api_port: { type: "number", description: "Port the API listens on, the members' protocol_port" },
      database_url: { type: "string", description: "Database URL of the API" },
      amqp_url: { type: "string", description: "AMQP URL of the queue" },
      cpu_high_threshold: { type: "number", description: "CPU-nanoseconds per period above which to scale up" },
      cpu_low_threshold: { type: "number", description: "CPU-nanoseconds per period below which to scale down" },
    },
    resources: {
      api: {
        type: "OS::Heat::AutoScalingGroup",
        properties: {
          min_size: props.minSize,
          desired_capacity: props.desiredSize,
          max_size: props.maxSize,
          // A new image or user data replaces one API server at a time, never the whole tier at once.
          rolling_updates: { min_in_service: props.minSize, max_batch_size: 1, pause_time: 0 },
          resource: {
            type: "OS::Heat::Stack",
            properties: {
              template: JSON.stringify(apiMemberTemplate(props)),
              parameters: {
                ...Object.fromEntries(passed.map((p) => [p, param(p)])),
                server_group: { get_param: "OS::stack_id" },
                placement_group: { get_resource: "placement" },
              },
            },
          },
        },
      },
      placement: PLACEMENT,
      ...scalingResources("api", "an API server", props),
    },
    outputs: {
      [SCALE_UP_URL_OUTPUT]: { description: PRESIGNED_DESCRIPTION("adds"), value: { get_attr: ["scale_up_policy", "alarm_url"] } },
      [SCALE_DOWN_URL_OUTPUT]: { description: PRESIGNED_DESCRIPTION("removes"), value: { get_attr: ["scale_down_policy", "alarm_url"] } },
    },
  };
}

/**
 * One API server: the server, the wait condition its boot script signals, and its pool member.
 * The member refers to the server's address, so Heat creates it after the server and, on scale-in,
 * deletes it before the server: the load balancer stops sending to a server before it stops.
 */
function apiMemberTemplate(props: ApiScalingTemplateProps): HeatTemplate {
  const p = API_USER_DATA_PLACEHOLDERS;
  return {
    heat_template_version: HOT_VERSION,
    description: "One Fractals API server and its pool member",
    parameters: {
      image: string("Image id"),
      flavor: string("Flavor id"),
      key_name: string("Nova key pair"),
      network: string("Network id"),
      subnet: string("Subnet id of the pool member"),
      security_group: string("Security group id"),
      pool_id: string("Octavia pool id"),
      api_port: { type: "number", description: "Port the API listens on" },
      database_url: string("Database URL"),
      amqp_url: string("AMQP URL of the queue"),
      server_group: string("Id of the scaling stack, which the alarms query on"),
      placement_group: string("Nova server group the server is placed by"),
    },
    resources: {
      ...bootedServer(props.userDataTemplate, { [p.databaseUrl]: param("database_url"), [p.amqpUrl]: param("amqp_url") }, props, p),
      pool_member: {
        type: "OS::Octavia::PoolMember",
        properties: {
          pool: param("pool_id"),
          // The networks attribute is keyed by network name and id; first_address is deprecated.
          address: { get_attr: ["server", "networks", param("network"), 0] },
          protocol_port: param("api_port"),
          subnet: param("subnet"),
        },
      },
    },
  };
}
