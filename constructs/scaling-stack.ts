/**
 * What an autoscaled tier (workers, API servers) hands to Heat: the group's bounds and timing from its
 * Scaling, CPU thresholds scaled to the flavor, and the Terraform resource of the scaling stack.
 */
import { Construct } from "constructs";
import { Fn, ITerraformDependable, Op, Token } from "cdktf";
import { DataOpenstackComputeFlavorV2 } from "../.gen/providers/openstack/data-openstack-compute-flavor-v2";
import { OrchestrationStackV1 } from "../.gen/providers/openstack/orchestration-stack-v1";
import { cpuThresholdNs, HeatTemplate, ScalingTimingProps } from "./heat-template";
import { openstackName } from "./naming";
import { AutoscaleScaling } from "./worker-scaling";

/** The group's bounds and timing, as the scaling templates take them. */
export function scalingTiming(scaling: AutoscaleScaling): ScalingTimingProps {
  return {
    minSize: scaling.min,
    desiredSize: scaling.desired,
    maxSize: scaling.max,
    cooldownSeconds: scaling.cooldownSeconds,
    granularitySeconds: scaling.granularitySeconds,
    evaluationPeriods: scaling.evaluationPeriods,
  };
}

/** The alarms' thresholds, which scale with the flavor's vCPUs: known only once Terraform reads the flavor. */
export function cpuThresholdParameters(
  scaling: AutoscaleScaling,
  flavor: DataOpenstackComputeFlavorV2,
): { cpu_high_threshold: string; cpu_low_threshold: string } {
  const threshold = (percent: number) => Token.asString(Op.mul(flavor.vcpus, cpuThresholdNs(percent, 1, scaling.granularitySeconds)));
  return { cpu_high_threshold: threshold(scaling.scaleUpCpuPercent), cpu_low_threshold: threshold(scaling.scaleDownCpuPercent) };
}

/**
 * The Heat stack of a scaling group, named `<prefix>-<tier>-<plan time>`.
 *
 * The suffix from the plan's time: provider 3.4.0 records a stack's id only once it is CREATE_COMPLETE, so a create
 * that fails leaves the named stack in Heat (ROLLBACK_COMPLETE) but not in the state, and a create under the same
 * name would collide with it ("The Stack (…) already exists"); the next attempt plans a new name. Once the stack
 * exists the name is ignored, so later plans change nothing (Heat cannot rename a stack anyway). A stack left by
 * a failed create stays until deleted: `openstack stack list` shows it, `openstack stack delete <id>` removes it.
 */
export function scalingHeatStack(
  scope: Construct,
  tier: string,
  template: HeatTemplate,
  parameters: Record<string, string>,
  dependsOn: ITerraformDependable[],
): OrchestrationStackV1 {
  return new OrchestrationStackV1(scope, "stack", {
    name: `${openstackName(scope, tier)}-${Fn.formatdate("YYYYMMDDhhmmss", Fn.plantimestamp())}`,
    lifecycle: { ignoreChanges: ["name"] },
    templateOpts: { Bin: JSON.stringify(template) },
    parameters,
    disableRollback: false,
    timeout: 30,
    dependsOn,
  });
}
