import fc from "fast-check";
import { renderPlanPreview, StackPlan } from "../../preview/plan-preview";
import { DEFAULT_MAX_CHARS, GITHUB_COMMENT_LIMIT } from "../../preview/report";
import { EntryLabel, headOf, shownEntries, unescapeHtml } from "./markdown-reading";
import { buildPlan, ChangeSpec, countsFromPlan, serverAttributes, tableCounts } from "./plan-builder";

function bigPlans(): StackPlan[] {
  const dev: ChangeSpec[] = Array.from({ length: 3000 }, (_, i) => ({
    address: `openstack_compute_instance_v2.worker_${i}`,
    type: "openstack_compute_instance_v2",
    actions: ["create"],
    after: serverAttributes(i, 8),
    afterUnknown: { id: true, access_ip_v4: true },
  }));
  const staging: ChangeSpec[] = [
    ...Array.from({ length: 150 }, (_, i) => ({
      address: `openstack_networking_secgroup_rule_v2.rule_${i}`,
      type: "openstack_networking_secgroup_rule_v2",
      actions: ["update"],
      before: { description: `old ${i}`, port_range_min: 80 },
      after: { description: `new ${i}`, port_range_min: 8080 },
    })),
    ...Array.from({ length: 40 }, (_, i) => ({
      address: `openstack_compute_instance_v2.api_${i}`,
      type: "openstack_compute_instance_v2",
      actions: ["delete", "create"],
      before: serverAttributes(i, 30, "ubuntu-22.04"),
      after: serverAttributes(i, 30, "ubuntu-24.04"),
      replacePaths: [["image_name"]],
    })),
  ];
  const prod: ChangeSpec[] = [
    {
      address: "openstack_blockstorage_volume_v3.services_volume_1A2B3C4D",
      type: "openstack_blockstorage_volume_v3",
      actions: ["delete"],
      before: { name: "fractals-prod-services-data", size: 100 },
    },
    {
      address: "openstack_compute_instance_v2.services_server_5E6F7A8B",
      type: "openstack_compute_instance_v2",
      actions: ["create", "delete"],
      before: serverAttributes(0, 3),
      after: serverAttributes(0, 3, "ubuntu-24.04"),
      replacePaths: [["image_name"]],
    },
    ...Array.from({ length: 12 }, (_, i) => ({
      address: `openstack_networking_port_v2.old_${i}`,
      type: "openstack_networking_port_v2",
      actions: ["delete"],
      before: { name: `port-${i}` },
    })),
    {
      address: "openstack_networking_network_v2.net",
      type: "openstack_networking_network_v2",
      actions: ["no-op"],
      before: { name: "n" },
      after: { name: "n" },
    },
    { address: "data.openstack_images_image_v2.ubuntu", type: "openstack_images_image_v2", actions: ["read"], after: { name: "u" } },
  ];
  return [
    { stack: "dev", plan: buildPlan(dev) },
    { stack: "staging", plan: buildPlan(staging) },
    { stack: "prod", plan: buildPlan(prod) },
  ];
}

describe("size limit", () => {
  const plans = bigPlans();
  const markdown = renderPlanPreview(plans, { fullOutputUrl: "https://example.invalid/run/1" });
  const entries = shownEntries(markdown);
  const totalChanges = plans.reduce((n, p) => n + countsFromPlan(p.plan!).reduce((a, b) => a + b), 0);

  test("the plan is big enough to need truncation, and the comment fits", () => {
    const untruncated = renderPlanPreview(plans, { maxChars: Number.MAX_SAFE_INTEGER });
    expect(untruncated.length).toBeGreaterThan(10 * GITHUB_COMMENT_LIMIT);
    expect(markdown.length).toBeLessThanOrEqual(DEFAULT_MAX_CHARS);
    expect(markdown.length).toBeGreaterThan(DEFAULT_MAX_CHARS - 5_000);
  });

  test("the summary table is complete", () => {
    const table = tableCounts(markdown);
    for (const { stack, plan } of plans) expect(table[stack]).toEqual(countsFromPlan(plan!));
  });

  test("every replacement and deletion is in the warnings, the stateful ones first", () => {
    const top = headOf(markdown);
    const caution = top.indexOf("[!CAUTION]");
    const warning = top.indexOf("[!WARNING]");
    expect(caution).toBeGreaterThan(0);
    expect(warning).toBeGreaterThan(caution);
    expect(top.slice(caution, warning)).toContain("services_volume_1A2B3C4D");
    expect(top.slice(caution, warning)).toContain("services_server_5E6F7A8B");
    const destructive = plans.flatMap((p) => p.plan!.resource_changes!.filter((rc) => rc.change.actions.includes("delete")));
    expect(destructive).toHaveLength(54);
    for (const rc of destructive) expect(unescapeHtml(top)).toContain(`<code>${rc.address}</code>`);
  });

  test("details go least important first: creates, then updates, then replacements and deletions", () => {
    // A kind loses its details only once every less important entry is gone.
    const rankOf: Record<EntryLabel, number> = { create: 0, update: 1, replace: 2, destroy: 2 };
    for (const cut of entries.filter((e) => !e.detailed)) expect(entries.filter((e) => rankOf[e.label] < rankOf[cut.label])).toEqual([]);
    const rank: Record<EntryLabel, number> = { create: 0, update: 1, replace: 2, destroy: 2 };
    const lowestDetailed = Math.min(...entries.filter((e) => e.detailed).map((e) => rank[e.label]));
    const highestUndetailed = Math.max(-1, ...entries.filter((e) => !e.detailed).map((e) => rank[e.label]));
    expect(highestUndetailed).toBeLessThanOrEqual(lowestDetailed);
    // This plan loses every create's details and many create entries, and nothing else.
    expect(entries.filter((e) => e.label === "create").every((e) => !e.detailed)).toBe(true);
    expect(entries.filter((e) => e.label === "create").length).toBeLessThan(3000);
    expect(entries.filter((e) => rank[e.label] > 0).every((e) => e.detailed)).toBe(true);
  });

  test("the note says honestly what was left out", () => {
    const number = (pattern: RegExp) => Number(pattern.exec(markdown)?.[1].replace(/,/g, "") ?? NaN);
    const withoutDetails = number(/Attribute details are left out for ([\d,]+) resources? \(/);
    const unlisted = number(/\. ([\d,]+) resources? \([^)]*\) are not listed at all: /);
    expect(withoutDetails).toBe(entries.filter((e) => !e.detailed).length);
    expect(withoutDetails + unlisted + entries.filter((e) => e.detailed).length).toBe(totalChanges);
    expect(unlisted).toBeGreaterThan(0);
    const perStack = [...markdown.matchAll(/^_([\d,]+) resources? \(.*\) not listed here/gm)].map((m) => Number(m[1].replace(/,/g, "")));
    expect(perStack.reduce((a, b) => a + b, 0)).toBe(unlisted);
    expect(markdown).toContain("(https://example.invalid/run/1)");
  });

  test("within a stack, deletions come first, then replacements, updates and creates", () => {
    const order: Record<EntryLabel, number> = { destroy: 0, replace: 1, update: 2, create: 3 };
    for (const stack of ["dev", "staging", "prod"]) {
      const ranks = entries.filter((e) => e.stack === stack).map((e) => order[e.label]);
      expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
    }
  });

  test("the note quotes the limit in force and names the stacks and rows it cut", () => {
    const note = /^> \[!NOTE\]\n> (.*)$/m.exec(markdown)?.[1] ?? "";
    expect(note).toContain(`shortened to stay within ${DEFAULT_MAX_CHARS.toLocaleString("en-US")} characters (GitHub's limit is 65,536)`);
    // Only dev's creates lose anything in this plan: dev is named, with its first cut rows by address.
    expect(note).toMatch(
      /left out for [\d,]+ resources \([^)]*\): \*\*dev\*\* [\d,]+ \(<code>openstack_compute_instance_v2\.worker_\d+<\/code>, /,
    );
    expect(note).not.toContain("**staging**");
    const small = renderPlanPreview(plans, { maxChars: 20_000 });
    expect(small).toContain("shortened to stay within 20,000 characters");
    expect(small).not.toContain("stay under GitHub's 65,536");
    const summary = renderPlanPreview(plans, { maxChars: 1_000_000 });
    expect(/^> \[!NOTE\]\n> (.*)$/m.exec(summary)?.[1]).toContain("shortened to stay within 1,000,000 characters.");
  });

  test("a plan that fits is not truncated and says nothing about it", () => {
    const small = renderPlanPreview([{ stack: "prod", plan: bigPlans()[2].plan }]);
    expect(small).not.toContain("shortened");
    expect(shownEntries(small).every((e) => e.detailed || e.label === "destroy")).toBe(true);
  });

  test("when the warnings alone overflow a small budget, the least serious are cut and the note says how many", () => {
    const tiny = renderPlanPreview(plans, { maxChars: 4_000 });
    expect(tiny.length).toBeLessThanOrEqual(4_000);
    expect(tiny).toContain("services_volume_1A2B3C4D");
    expect(tiny).toMatch(/less serious replacements or deletions are missing from the warnings/);
    expect(tableCounts(tiny)).toEqual(tableCounts(markdown));
  });

  test("any plan, any budget: never over the budget, table complete, details cut in priority order", () => {
    const kinds: readonly (readonly string[])[] = [["create"], ["update"], ["delete", "create"], ["delete"]];
    let truncated = 0;
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom(...kinds), fc.integer({ min: 0, max: 40 })), { minLength: 1, maxLength: 400, size: "max" }),
        fc.integer({ min: 3_000, max: 70_000 }),
        (specs, maxChars) => {
          const plan = buildPlan(
            specs.map(([actions, width], i) => ({
              address: `openstack_compute_instance_v2.r${i}`,
              type: "openstack_compute_instance_v2",
              actions,
              before: actions[0] === "create" ? null : serverAttributes(i, width, "old"),
              after: actions.includes("create") || actions[0] === "update" ? serverAttributes(i, width, "new") : null,
            })),
          );
          const markdown = renderPlanPreview([{ stack: "prod", plan }], { maxChars });
          expect(markdown.length).toBeLessThanOrEqual(maxChars);
          if (markdown.includes("This comment was shortened")) truncated++;
          expect(tableCounts(markdown).prod).toEqual(countsFromPlan(plan));
          const shown = shownEntries(markdown);
          const rank: Record<EntryLabel, number> = { create: 0, update: 1, replace: 2, destroy: 2 };
          const cut = shown.filter((e) => !e.detailed).map((e) => rank[e.label]);
          const kept = shown.filter((e) => e.detailed).map((e) => rank[e.label]);
          expect(Math.max(-1, ...cut)).toBeLessThanOrEqual(Math.min(3, ...kept));
          // Details of a kind go only once every less important entry is gone.
          for (const r of cut) expect(shown.filter((e) => rank[e.label] < r)).toEqual([]);
        },
      ),
      { numRuns: 40 },
    );
    expect(truncated).toBeGreaterThan(10);
  });
});
