/** Pull-request labels as tfcmt sets them (issue 14.6), derived from the same report as the comment. */
import { MANAGED_LABELS, PLAN_LABELS, planLabels } from "../../preview/labels";
import { planReport } from "../../preview/plan-preview";
import { buildPlan } from "./plan-builder";

const net = { type: "openstack_networking_network_v2", before: { name: "a" }, after: { name: "b" } };
const labelsOf = (...stacks: Parameters<typeof planReport>[0]) => planLabels(planReport(stacks));

describe("plan labels", () => {
  test("no changes anywhere: 'plan: no changes'", () => {
    expect(labelsOf({ stack: "dev", plan: buildPlan([{ ...net, address: "n.a", actions: ["no-op"] }]) })).toEqual([PLAN_LABELS.noChanges]);
  });

  test("creates and updates only: no label", () => {
    expect(
      labelsOf({
        stack: "dev",
        plan: buildPlan([
          { ...net, address: "n.a", actions: ["update"] },
          { ...net, address: "n.b", actions: ["create"] },
        ]),
      }),
    ).toEqual([]);
  });

  test("destroy and replace, across stacks", () => {
    const labels = labelsOf(
      { stack: "dev", plan: buildPlan([{ ...net, address: "n.a", actions: ["delete"] }]) },
      { stack: "prod", plan: buildPlan([{ ...net, address: "n.b", actions: ["create", "delete"] }]) },
    );
    expect(labels).toEqual([PLAN_LABELS.destroy, PLAN_LABELS.replace]);
  });

  test("a failed stack: 'plan: failed', and never 'no changes' (its changes are unknown)", () => {
    expect(labelsOf({ stack: "dev", plan: buildPlan([]) }, { stack: "prod" })).toEqual([PLAN_LABELS.failed]);
  });

  test("the managed set is what the workflow removes when it no longer applies", () => {
    expect([...MANAGED_LABELS].sort()).toEqual(["plan: destroy", "plan: failed", "plan: no changes", "plan: replace"]);
  });
});
