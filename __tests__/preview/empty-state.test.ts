/** Empty state is said (issue 14.3): a plan against a state without resources shows everything as new, and the comment says so. */
import { renderPlanPreview } from "../../preview/plan-preview";
import { EMPTY_STATE_WARNING } from "../../preview/report";
import { buildPlan } from "./plan-builder";

const create = {
  address: "openstack_networking_network_v2.net",
  type: "openstack_networking_network_v2",
  actions: ["create"],
  after: { name: "n" },
};
const priorState = (...resources: { mode: string }[]) => ({ values: { root_module: { resources } } });

describe("planned against empty state", () => {
  test("no prior state, or only data sources read during the plan: said once, above the warnings, naming the stacks", () => {
    const markdown = renderPlanPreview([
      { stack: "dev", plan: buildPlan([create]) },
      { stack: "staging", plan: { ...buildPlan([create]), prior_state: priorState({ mode: "data" }) } },
    ]);
    expect(markdown).toContain(`> [!IMPORTANT]\n> **dev, staging**: ${EMPTY_STATE_WARNING}.`);
    expect(EMPTY_STATE_WARNING).toBe("planned against empty state: everything shows as new");
  });

  test("a state with a managed resource is not empty; a stack without changes says nothing", () => {
    const markdown = renderPlanPreview([
      { stack: "dev", plan: { ...buildPlan([create]), prior_state: priorState({ mode: "managed" }) } },
      { stack: "prod", plan: buildPlan([]) },
    ]);
    expect(markdown).not.toContain(EMPTY_STATE_WARNING);
  });
});
