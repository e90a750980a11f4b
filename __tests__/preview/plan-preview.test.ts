import fc from "fast-check";
import { parsePlanJson, PlanJson, PreviewError, renderPlanPreview } from "../../preview";
import { buildPlan, tableCounts } from "./plan-builder";

const net = { type: "openstack_networking_network_v2", before: { name: "a" }, after: { name: "b" } };

describe("plan preview", () => {
  test("no-op, read and forget are not counted; a stack without changes is one line", () => {
    const plan = buildPlan([
      { ...net, address: "openstack_networking_network_v2.same", actions: ["no-op"] },
      { ...net, address: "data.openstack_images_image_v2.ubuntu", actions: ["read"] },
      { ...net, address: "openstack_networking_network_v2.kept", actions: ["forget"] },
    ]);
    const markdown = renderPlanPreview([{ stack: "prod", plan }]);
    expect(tableCounts(markdown)).toEqual({ prod: [0, 0, 0, 0] });
    expect(markdown.split("\n").filter((line) => line.includes("prod"))).toEqual(["| prod | 0 | 0 | 0 | 0 |", "**prod**: no changes."]);
  });

  test("why Terraform acts is said: moved, imported, tainted, removed from the configuration", () => {
    const base = buildPlan([
      { ...net, address: "openstack_networking_network_v2.moved", actions: ["update"] },
      { ...net, address: "openstack_networking_network_v2.imported", actions: ["update"] },
      { ...net, address: "openstack_networking_network_v2.tainted", actions: ["delete", "create"] },
      { ...net, address: "openstack_networking_network_v2.gone", actions: ["delete"], after: null },
    ]);
    const [moved, imported, tainted, gone] = base.resource_changes!;
    const plan: PlanJson = {
      ...base,
      resource_changes: [
        { ...moved, previous_address: "openstack_networking_network_v2.old" },
        { ...imported, change: { ...imported.change, importing: { id: "9f1c" } } },
        { ...tainted, action_reason: "replace_because_tainted" },
        { ...gone, action_reason: "delete_because_no_resource_config" },
      ],
    };
    const markdown = renderPlanPreview([{ stack: "dev", plan }]);
    expect(markdown).toContain(
      "<code>openstack_networking_network_v2.moved</code> — moved from <code>openstack_networking_network_v2.old</code>",
    );
    expect(markdown).toContain("<code>openstack_networking_network_v2.imported</code> — imported from <code>9f1c</code>");
    expect(markdown).toContain("<code>openstack_networking_network_v2.tainted</code> will be **replaced** (tainted)");
    expect(markdown).toContain("<code>openstack_networking_network_v2.gone</code> will be **destroyed** (removed from the configuration)");
  });

  test("an errored plan shows — for its counts (never numbers that read as all there is); an incomplete one is flagged", () => {
    const changes = [{ ...net, address: "openstack_networking_network_v2.x", actions: ["update"] }];
    const markdown = renderPlanPreview([
      { stack: "staging", plan: { ...buildPlan(changes), errored: true } },
      { stack: "prod", plan: { ...buildPlan(changes), complete: false } },
    ]);
    expect(tableCounts(markdown)).toEqual({ staging: [NaN, NaN, NaN, NaN], prod: [0, 1, 0, 0] });
    expect(markdown).toContain("| staging ❌ | — | — | — | — |");
    expect(markdown).toContain("| prod ⚠️ | 0 | 1 | 0 | 0 |");
    expect(markdown).toMatch(/### staging\n\n❌ The plan failed/);
    expect(markdown).toMatch(/### prod\n\n⚠️ The plan is incomplete/);
  });

  test("plan content cannot break out of code, tags or table cells", () => {
    const plan = buildPlan([
      {
        address: 'openstack_networking_network_v2.x["</summary></details><script>|"]',
        type: "openstack_networking_network_v2",
        actions: ["update"],
        before: { name: "```\n</details>" },
        after: { name: "````` | <img src=x>" },
      },
    ]);
    const markdown = renderPlanPreview([{ stack: "dev|<b>", plan }]);
    const outsideCode = markdown.replace(/^(`{3,})diff\n[\s\S]*?\n\1$/gm, "");
    expect(outsideCode).not.toMatch(/<script>|<img|<\/summary><\/details>|dev\|/);
    // The values sit in a fence longer than any backtick run they contain.
    expect(markdown).toContain('``````diff\n- name = "```\\n</details>"\n+ name = "````` | <img src=x>"\n``````');
  });
});

describe("robustness", () => {
  test("any JSON is either rejected as not a plan or rendered, never a crash", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        let plan: PlanJson;
        try {
          plan = parsePlanJson(value, "x.json");
        } catch (err) {
          expect(err).toBeInstanceOf(PreviewError);
          return;
        }
        expect(typeof renderPlanPreview([{ stack: "dev", plan }])).toBe("string");
      }),
      { numRuns: 300 },
    );
  });

  test("any values and markers in a change render without a crash", () => {
    const any = fc.jsonValue({ maxDepth: 4 });
    fc.assert(
      fc.property(
        any,
        any,
        any,
        any,
        any,
        fc.constantFrom(["create"], ["update"], ["delete"], ["delete", "create"]),
        (before, after, unknown, bs, as, actions) => {
          const plan = buildPlan([
            { address: "x.y", type: "x", actions, before, after, afterUnknown: unknown, beforeSensitive: bs, afterSensitive: as },
          ]);
          expect(tableCounts(renderPlanPreview([{ stack: "dev", plan }])).dev.reduce((a, b) => a + b)).toBe(1);
        },
      ),
      { numRuns: 300 },
    );
  });
});
