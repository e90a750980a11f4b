/**
 * The renderer on real `terraform show -json` plans of the real stacks,
 * recorded against the simulated OpenStack by preview/fixtures/record.ts
 * (re-record: `node -r tsx/cjs preview/fixtures/record.ts`).
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { SCENARIOS as RECORDED } from "../../preview/fixtures/record";
import { DEFAULT_MAX_CHARS, PlanJson, PREVIEW_MARKER, readPlanDir, renderPlanPreview, StackPlan } from "../../preview";
import { alertAddresses, EntryLabel, headOf, shownEntries } from "./markdown-reading";
import { countsFromPlan, tableCounts } from "./plan-builder";

const FIXTURES = join(__dirname, "fixtures");
const ORDER = ["dev", "staging", "prod"];

function load(scenario: string): { plans: StackPlan[]; markdown: string } {
  const plans = readPlanDir(join(FIXTURES, scenario), { order: ORDER });
  return { plans, markdown: renderPlanPreview(plans) };
}

function changes(plan: PlanJson | undefined, ...actions: string[]): string[] {
  return (plan?.resource_changes ?? []).filter((rc) => actions.includes(rc.change.actions.join(","))).map((rc) => rc.address);
}

/**
 * Every string of eight characters or more that sits under a sensitivity
 * marker anywhere in the plan: an independent walk, not the renderer's.
 */
function markedStrings(plan: unknown): string[] {
  const found: string[] = [];
  const all = (value: unknown): void => {
    if (typeof value === "string") {
      if (value.length >= 8) found.push(value);
    } else if (value !== null && typeof value === "object") Object.values(value).forEach(all);
  };
  const pair = (value: unknown, marker: unknown): void => {
    if (marker === true) all(value);
    else if (marker !== null && typeof marker === "object" && value !== null && typeof value === "object") {
      for (const [key, item] of Object.entries(value)) pair(item, (marker as Record<string, unknown>)[key]);
    }
  };
  const visit = (node: unknown): void => {
    if (node === null || typeof node !== "object") return;
    const record = node as Record<string, unknown>;
    pair(record.before, record.before_sensitive);
    pair(record.after, record.after_sensitive);
    pair(record.values, record.sensitive_values);
    Object.values(record).forEach(visit);
  };
  visit(plan);
  return [...new Set(found)];
}

const SCENARIOS = readdirSync(FIXTURES).sort();

describe("recorded plans", () => {
  test("every scenario of record.ts is recorded, from real Terraform", () => {
    expect(SCENARIOS).toEqual(RECORDED.map((s) => s.name).sort());
    for (const scenario of RECORDED) {
      const { plans } = load(scenario.name);
      expect(plans.map((p) => p.stack).sort()).toEqual(scenario.head.map((e) => e.env).sort());
      for (const { plan } of plans) expect(plan?.terraform_version).toMatch(/^1\.\d+\.\d+$/);
    }
  });

  describe.each(SCENARIOS)("%s", (scenario) => {
    const { plans, markdown } = load(scenario);
    const shown = shownEntries(markdown);
    const entries = shown.filter((e) => !e.address.startsWith("output."));

    test("the table's counts match resource_changes, one row per stack", () => {
      // A failed plan's row shows — (read as NaN), not counts.
      const expected = Object.fromEntries(
        plans.map(({ stack, plan }) => [stack, plan!.errored ? [NaN, NaN, NaN, NaN] : countsFromPlan(plan!)]),
      );
      expect(tableCounts(markdown)).toEqual(expected);
    });

    test("fits one comment, starts with the marker, and lists every change", () => {
      expect(markdown.startsWith(`${PREVIEW_MARKER}\n`)).toBe(true);
      expect(markdown.length).toBeLessThanOrEqual(DEFAULT_MAX_CHARS);
      const planned = plans.flatMap(({ plan }) => changes(plan, "create", "update", "delete", "delete,create", "create,delete"));
      expect(entries.map((e) => e.address).sort()).toEqual(planned.sort());
    });

    test("changed outputs are listed after each stack's resources, not counted", () => {
      for (const { stack, plan } of plans) {
        const changed = Object.entries(plan!.output_changes ?? {}).filter(([, c]) => !["no-op", "read"].includes(c.actions.join(",")));
        const inStack = shown.filter((e) => e.stack === stack);
        const outputs = inStack.filter((e) => e.address.startsWith("output."));
        expect(outputs.map((e) => e.address).sort()).toEqual(changed.map(([name]) => `output.${name}`).sort());
        expect(inStack.slice(inStack.length - outputs.length)).toEqual(outputs);
      }
    });

    test("replacements and deletions are warned about above the details, and come first in each stack", () => {
      const warned = [...alertAddresses(markdown, "CAUTION"), ...alertAddresses(markdown, "WARNING")];
      for (const { plan } of plans)
        for (const address of changes(plan, "delete", "delete,create", "create,delete")) expect(warned).toContain(address);
      const rank: Record<EntryLabel, number> = { destroy: 0, replace: 1, update: 2, create: 3 };
      for (const { stack } of plans) {
        const ranks = entries.filter((e) => e.stack === stack).map((e) => rank[e.label]);
        expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
      }
    });

    test("no value marked sensitive in the plan JSON reaches the Markdown", () => {
      for (const { plan } of plans) for (const secret of markedStrings(plan)) expect(markdown).not.toContain(secret);
    });
  });

  test("fresh deploy: only creates, no warnings, every stack", () => {
    const { plans, markdown } = load("fresh-deploy");
    expect(plans.map((p) => p.stack)).toEqual(ORDER);
    for (const counts of Object.values(tableCounts(markdown))) expect(counts.slice(1)).toEqual([0, 0, 0]);
    expect(headOf(markdown)).not.toMatch(/\[!(CAUTION|WARNING)\]/);
    // Recorded against an empty simulated cloud: the comment says so instead of leaving it to the reader.
    expect(headOf(markdown)).toContain("> [!IMPORTANT]\n> **dev, staging, prod**: planned against empty state: everything shows as new.");
  });

  test("scale change: new API servers, and the Heat template's changed key shown by itself", () => {
    const { markdown } = load("scale-change");
    expect(tableCounts(markdown)).toMatchObject({ staging: [3, 1, 0, 0], prod: [3, 1, 0, 0] });
    expect(markdown).toContain(
      "- template_opts.Bin » resources.workers.properties.max_size = 3\n+ template_opts.Bin » resources.workers.properties.max_size = 5",
    );
  });

  test("image change: servers are rebuilt in place; the services node and dev's all-in-one controller (MySQL on its root disk) loudest", () => {
    const { plans, markdown } = load("image-change");
    const servers = plans.flatMap(({ plan }) => changes(plan, "update").filter((a) => a.startsWith("openstack_compute_instance_v2.")));
    expect(servers.length).toBeGreaterThanOrEqual(4);
    const stateful = (a: string) => a.includes(".services_") || a.includes(".controller_server_");
    expect(alertAddresses(markdown, "CAUTION").sort()).toEqual(servers.filter(stateful).sort());
    expect(alertAddresses(markdown, "WARNING").sort()).toEqual(servers.filter((a) => !stateful(a)).sort());
    expect(headOf(markdown)).toContain(
      "will be updated in place: rebuild from the new image: root disk wiped; ID, addresses and attached volumes kept",
    );
    expect(headOf(markdown)).not.toContain("not on its volume");
    expect(plans.every(({ plan }) => !plan!.errored)).toBe(true);
    expect(headOf(markdown)).not.toContain("planned against empty state");
  });

  test("destroying prod's volume is the loudest warning, first in the comment", () => {
    const { plans, markdown } = load("prod-volume-destroy");
    const volume = changes(plans[0].plan, "delete").find((a) => a.startsWith("openstack_blockstorage_volume_v3."));
    expect(volume).toBeDefined();
    const head = headOf(markdown);
    expect(head.indexOf("[!CAUTION]")).toBeLessThan(head.indexOf("[!WARNING]"));
    expect(alertAddresses(markdown, "CAUTION")[0]).toBe(volume);
    expect(head).toMatch(
      /<code>openstack_blockstorage_volume_v3\.[^<]+<\/code> will be \*\*destroyed\*\*[^\n]*\*\*Cinder volume: the data on it \(MySQL\) is lost\.\*\*/,
    );
  });

  test("a replacement that prevent_destroy blocks: the failed plan is still shown, marked failed, the volume loudest", () => {
    const { plans, markdown } = load("prod-volume-replace-blocked");
    expect(plans[0].plan!.errored).toBe(true);
    expect(markdown).toContain("| prod ❌ | — | — | — | — |");
    expect(markdown).toContain("❌ The plan failed");
    expect(alertAddresses(markdown, "CAUTION")).toEqual(changes(plans[0].plan, "delete,create", "create,delete"));
    expect(alertAddresses(markdown, "CAUTION")[0]).toMatch(/^openstack_blockstorage_volume_v3\./);
  });

  test("password rotation: the old passwords are in the plan JSON, never in the Markdown", () => {
    const file = join(FIXTURES, "password-rotation", "staging.json");
    const { plans, markdown } = load("password-rotation");
    const plan = plans[0].plan!;
    const passwords = (plan.prior_state!.values!.root_module!.resources ?? [])
      .filter((r) => (r as { type?: string }).type === "random_password")
      .map((r) => (r.values as { result: string }).result);
    expect(passwords).toHaveLength(2);
    // The per-scenario secrecy test above walks these very values.
    expect(markedStrings(plan)).toEqual(expect.arrayContaining(passwords));
    const raw = readFileSync(file, "utf8");
    for (const password of passwords) {
      expect(password.length).toBeGreaterThanOrEqual(16);
      expect(raw).toContain(password);
      expect(markdown).not.toContain(password);
    }
    expect(changes(plan, "delete,create", "create,delete").filter((a) => a.startsWith("random_password."))).toHaveLength(2);
    expect(markdown).toMatch(/<b>replace<\/b> <code>random_password\.[^\n]*\n\n```diff\n# known after apply: bcrypt_hash, id, result\n/);
  });
});
