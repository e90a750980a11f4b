/**
 * The preview cannot be made to lie (issue 13.12): whatever a plan, a stack
 * name or a synthesized document holds, it stays inside the table cell,
 * inline code, `<summary>` or alert line it is rendered in; it mentions
 * nobody; credentials in URLs are masked; a value sensitive on either side
 * of a change is masked on both.
 */
import fc from "fast-check";
import { renderFailure } from "../../preview/failure";
import { renderPlanPreview } from "../../preview/plan-preview";
import { renderReport } from "../../preview/report";
import { synthReport } from "../../preview/synth-diff";
import { SENSITIVE } from "../../preview/sensitive-values";
import { unescapeHtml } from "./markdown-reading";
import { buildPlan, ChangeSpec } from "./plan-builder";

/** A mention GitHub would link (and notify): `@` not after a word character, then a login or `org/team`. */
const MENTION = /(?<![A-Za-z0-9_])@[A-Za-z0-9]/;
/** `scheme://user:password@`, as a reader of the rendered comment would see it. */
const URL_CREDENTIALS = /[a-z][a-z0-9+.-]*:\/\/[^\s/?#@]*:[^\s/?#@]*@/i;

/** The lines outside fenced code blocks, with HTML entities decoded (what a reader sees), and the lines inside them. */
function split(markdown: string): { text: string[]; code: string[] } {
  const text: string[] = [];
  const code: string[] = [];
  let fence: string | undefined;
  for (const line of markdown.split("\n")) {
    if (fence === undefined) {
      const open = /^(`{3,})/.exec(line);
      if (open) fence = open[1];
      else text.push(unescapeHtml(line));
    } else if (new RegExp(`^${fence}\`*\\s*$`).test(line)) fence = undefined;
    else code.push(line);
  }
  return { text, code };
}

/** The table rows (header and separator included): every line that starts with `|` before the first blank line after the header. */
function tableRows(markdown: string): string[] {
  const lines = markdown.split("\n");
  const start = lines.findIndex((line) => line.startsWith("| Stack |"));
  const end = lines.indexOf("", start);
  return lines.slice(start, end === -1 ? undefined : end);
}

/** The block a `> [!KIND]` line opens: its lines up to the first blank line. */
function alertBlock(markdown: string, kind: string): string[] {
  const lines = markdown.split("\n");
  const start = lines.indexOf(`> [!${kind}]`);
  if (start === -1) return [];
  const end = lines.indexOf("", start);
  return lines.slice(start, end === -1 ? undefined : end);
}

const HOSTILE = "dev\n\n> [!NOTE]\n> all clear | 0 | 0 |\n\n @octocat";

describe("plan content cannot leave its place in the comment", () => {
  test("a terraform_version with a newline and Markdown stays in the footer line", () => {
    const plan = { ...buildPlan([]), terraform_version: "1.11.4</sub>\n\n> [!NOTE]\n> Approved by @security-team" };
    const markdown = renderPlanPreview([{ stack: "dev", plan }]);
    const footer = markdown.trimEnd().split("\n").pop()!;
    expect(footer).toMatch(/^<sub>Terraform [^<>\n]*<\/sub>$/);
    expect(markdown).not.toMatch(/^> \[!NOTE\]/m);
    expect(split(markdown).text.join("\n")).not.toMatch(MENTION);
  });

  test("a stack name with newlines, pipes and Markdown stays in its table cell, its heading and its bold name", () => {
    const plan = buildPlan([{ address: "terraform_data.a", type: "terraform_data", actions: ["delete"], before: { input: "x" } }]);
    const markdown = renderPlanPreview([
      { stack: HOSTILE, plan },
      { stack: "prod", plan: buildPlan([]) },
    ]);
    const rows = tableRows(markdown);
    expect(rows).toHaveLength(4);
    for (const row of rows) expect(row.split("|")).toHaveLength(7);
    expect(markdown).not.toMatch(/^> \[!NOTE\]/m);
    expect(markdown).not.toMatch(/^> all clear/m);
    // The name is shown, control characters as escapes: nothing is hidden either.
    expect(unescapeHtml(rows[2])).toContain("dev\\n\\n> [!NOTE]\\n> all clear | 0 | 0 |\\n\\n @\u200Boctocat");
    expect(markdown).toMatch(/^### [^\n]*all clear[^\n]*$/m);
  });

  test("a resource address with newlines stays inside its <summary> and its line of the CAUTION/WARNING block", () => {
    const address = "terraform_data.a</code></summary>\n\n</details>\n\n> [!CAUTION]\n> fine\n\n**Nothing to see** @octocat";
    const plan = buildPlan([
      { address, type: "terraform_data", actions: ["delete", "create"], before: { input: "x" }, after: { input: "y" } },
      {
        address: `openstack_blockstorage_volume_v3.data\n\n# ok`,
        type: "openstack_blockstorage_volume_v3",
        actions: ["delete"],
        before: { size: 10 },
      },
    ]);
    const markdown = renderPlanPreview([{ stack: "prod", plan }]);
    const caution = alertBlock(markdown, "CAUTION");
    const warning = alertBlock(markdown, "WARNING");
    expect(caution).toHaveLength(3);
    expect(warning).toHaveLength(3);
    for (const line of [...caution, ...warning]) expect(line).toMatch(/^> /);
    expect(markdown.match(/^> \[!CAUTION\]$/gm)).toHaveLength(1);
    const summaries = markdown.split("\n").filter((line) => line.includes("<summary>"));
    expect(summaries).toHaveLength(2);
    for (const line of summaries) expect(line).toMatch(/^<details><summary><b>\w+<\/b> <code>[^<>]*<\/code><\/summary>$/);
    expect(markdown.match(/<\/details>/g)).toHaveLength(2);
    expect(markdown).not.toMatch(/^# ok/m);
    expect(split(markdown).text.join("\n")).not.toMatch(MENTION);
  });

  test("@mentions in names, addresses and the failed step are neutralised (shown, but not linked)", () => {
    const plan = buildPlan([{ address: "terraform_data.x", type: "terraform_data", actions: ["delete"], before: { input: "x" } }]);
    plan.resource_changes![0] = { ...plan.resource_changes![0], previous_address: "terraform_data.@org/team" };
    const markdown = renderPlanPreview([{ stack: "@octocat", plan }]);
    const failure = renderFailure({ step: "Synthesize @octocat's commit" });
    for (const md of [markdown, failure]) {
      const text = split(md).text.join("\n");
      expect(text).not.toMatch(MENTION);
      expect(text).toContain("@\u200Boctocat");
    }
    expect(split(markdown).text.join("\n")).toContain("@\u200Borg/team");
  });

  test("credentials in URLs are masked: attribute values, keys, addresses, links and a backend endpoint", () => {
    const plan = buildPlan([
      {
        address: "terraform_data.remote",
        type: "terraform_data",
        actions: ["update"],
        before: { input: { endpoint: "https://alice:hunter2-old@swift.example.com/v1", "https://k:keypw@h": 1 } },
        after: { input: { endpoint: "https://alice:hunter2-new@swift.example.com/v1", mirror: "git+ssh://tokenghp123@github.com/o/r" } },
      },
    ]);
    const markdown = renderPlanPreview([{ stack: "dev", plan }], { fullOutputUrl: "https://bob:runpw@github.example/o/r/actions/runs/1" });
    for (const secret of ["hunter2-old", "hunter2-new", "keypw", "tokenghp123", "runpw"]) expect(markdown).not.toContain(secret);
    expect(markdown).toContain(`"https://${SENSITIVE}@swift.example.com/v1"`);
    expect(markdown).not.toMatch(URL_CREDENTIALS);

    // No credentials for a plan: the synthesized backend block is what changes.
    const backend = (address: string) => new Map([["prod", { terraform: { backend: { http: { address, lock_address: address } } } }]]);
    const synth = renderReport(
      synthReport(
        backend("https://deployer:old-state-pw@state.example.com/prod"),
        backend("https://deployer:new-state-pw@state2.example.com/prod"),
      ),
    );
    expect(synth).not.toMatch(/old-state-pw|new-state-pw|deployer/);
    expect(synth).toContain(`https://${SENSITIVE}@state2.example.com/prod`);
  });

  test("a value unmarked before and sensitive after is masked on both sides (and the reverse)", () => {
    const plan = buildPlan([
      {
        address: "terraform_data.leaf",
        type: "terraform_data",
        actions: ["update"],
        before: { input: { key: "was-plain-now-secret" }, other: "old-other" },
        beforeSensitive: false,
        after: { input: { key: "new-secret-value" }, other: "new-other" },
        afterSensitive: { input: { key: true } },
      },
      {
        address: "terraform_data.whole",
        type: "terraform_data",
        actions: ["update"],
        before: { input: { a: "plain-before-a" } },
        after: { input: "now-a-string-secret" },
        afterSensitive: { input: true },
      },
      {
        address: "terraform_data.reverse",
        type: "terraform_data",
        actions: ["update"],
        before: { input: "old-secret-value" },
        beforeSensitive: { input: true },
        after: { input: "no-longer-secret" },
      },
      {
        address: "terraform_data.unknown",
        type: "terraform_data",
        actions: ["update"],
        before: { output: "plain-before-unknown" },
        after: {},
        afterUnknown: { output: true },
        afterSensitive: { output: true },
      },
    ]);
    const markdown = renderPlanPreview([{ stack: "dev", plan }]);
    for (const secret of [
      "was-plain-now-secret",
      "new-secret-value",
      "plain-before-a",
      "now-a-string-secret",
      "old-secret-value",
      "no-longer-secret",
      "plain-before-unknown",
    ]) {
      expect(markdown).not.toContain(secret);
    }
    expect(markdown).toContain(`- input.key = ${SENSITIVE}`);
    expect(markdown).toContain(`- input = ${SENSITIVE}`);
    expect(markdown).toContain('+ other = "new-other"');
  });
});

// ---- Property: arbitrary hostile strings never escape their structure -------------------------------

/** Pieces that mean something to Markdown, HTML or GitHub, and arbitrary code points (controls, bidi, line separators). */
const PIECES = [
  "\n",
  "\r\n",
  "\r",
  "\n\n",
  "\u2028",
  "\u0085",
  "\u202E",
  "\u200B",
  "\t",
  "|",
  "\\|",
  "`",
  "```",
  "~~~",
  "<",
  ">",
  "&",
  "&#124;",
  "&lt;",
  "</code>",
  "</summary>",
  "</details>",
  "<details>",
  "<!--",
  "-->",
  "<b>",
  "> [!CAUTION]",
  "> ",
  "# ",
  "### ",
  "- ",
  "**",
  "_",
  "~~",
  "$",
  "[x](https://evil.example)",
  "![i](https://evil.example/i.png)",
  "@octocat",
  "@org/team",
  "x@y",
  "#1",
  ":+1:",
  "https://alice:s3cretPW@host.example/p",
  "s3://k:v@b",
  "http://u:p@h",
];
const hostile = fc
  .array(fc.oneof(fc.constantFrom(...PIECES), fc.string({ unit: "binary", maxLength: 5 }), fc.string({ maxLength: 5 })), {
    minLength: 1,
    maxLength: 6,
  })
  .map((parts) => parts.join(""));

type Kind = "create" | "update" | "replace" | "delete";
const ACTIONS: Record<Kind, string[]> = { create: ["create"], update: ["update"], replace: ["delete", "create"], delete: ["delete"] };

interface Spec {
  readonly stacks: {
    readonly name: string;
    readonly version: string;
    readonly entries: { readonly address: string; readonly moved?: string; readonly value: string; readonly kind: Kind }[];
  }[];
}

function plansOf(spec: Spec, rename: (text: string, role: string) => string) {
  return spec.stacks.map((stack, s) => {
    const changes: ChangeSpec[] = stack.entries.map((entry, e) => {
      const actions = ACTIONS[entry.kind];
      // Never JSON (NUL cannot be in it), never equal to the other side.
      const value = rename(entry.value, `v${s}.${e}`);
      return {
        address: `terraform_data.${rename(entry.address, `a${s}.${e}`)}`,
        type: "terraform_data",
        actions,
        before: actions[0] === "create" ? null : { input: value, [value]: 1 },
        after: actions.includes("create") || entry.kind === "update" ? { input: `${value}\u0000changed`, [value]: 2 } : null,
      };
    });
    const plan = { ...buildPlan(changes), terraform_version: rename(stack.version, `t${s}`) };
    stack.entries.forEach((entry, e) => {
      if (entry.moved !== undefined)
        plan.resource_changes![e] = { ...plan.resource_changes![e], previous_address: rename(entry.moved, `m${s}.${e}`) };
    });
    return { stack: rename(stack.name, `s${s}`), plan };
  });
}

/**
 * Each line outside fenced code as the kind of line it must be; fenced code
 * collapsed to one token per block. A string that escaped its place makes a
 * line of another kind, or an unknown one.
 */
function skeleton(markdown: string): string[] {
  const kinds: [string, RegExp][] = [
    ["marker", /^<!-- fractals-plan-preview -->$/],
    ["title", /^## Terraform plan preview$/],
    ["table", /^\|( [^|\n]* \|){5}$/],
    ["alert", /^> \[!(CAUTION|WARNING|IMPORTANT)\]$/],
    ["empty-state", /^> \*\*[^*<>|]*\*\*: planned against empty state: everything shows as new\. [^*<>|]*$/],
    ["alert-head", /^> \*\*\d+ (stateful )?resources? would be [^<>]*\*\*$/],
    [
      "alert-item",
      /^> - \*\*[^*<>|]*\*\*: <code>[^<>]*<\/code> will be (\*\*replaced\*\*|\*\*destroyed\*\*)( \(moved from <code>[^<>]*<\/code>\))?$/,
    ],
    ["heading", /^### [^<>*|]*$/],
    ["no-changes", /^\*\*[^*<>|]*\*\*: no changes\.$/],
    [
      "summary",
      /^<details><summary><b>(create|update|replace|destroy)<\/b> <code>[^<>]*<\/code>( — moved from <code>[^<>]*<\/code>)?<\/summary>$/,
    ],
    ["end-details", /^<\/details>$/],
    ["footer", /^<sub>Terraform [^<>]*<\/sub>$/],
    ["blank", /^$/],
  ];
  const out: string[] = [];
  let fence: string | undefined;
  for (const line of markdown.split("\n")) {
    if (fence !== undefined) {
      if (new RegExp(`^${fence}\`*$`).test(line)) fence = undefined;
      continue;
    }
    const open = /^(`{3,})diff$/.exec(line);
    if (open) {
      fence = open[1];
      out.push("code");
      continue;
    }
    out.push(kinds.find(([, pattern]) => pattern.test(line))?.[0] ?? `UNKNOWN ${JSON.stringify(line)}`);
  }
  return out;
}

const specArb: fc.Arbitrary<Spec> = fc.record({
  stacks: fc.array(
    fc.record({
      name: hostile,
      version: hostile,
      entries: fc.array(
        fc.record({
          address: hostile,
          moved: fc.option(hostile, { nil: undefined }),
          value: hostile,
          kind: fc.constantFrom<Kind>("create", "update", "replace", "delete"),
        }),
        { maxLength: 4 },
      ),
    }),
    { minLength: 1, maxLength: 3 },
  ),
});

describe("property: hostile strings in stack names, addresses, versions and values", () => {
  test("never change the comment's structure, mention anyone, or show credentials from a URL", () => {
    fc.assert(
      fc.property(specArb, (spec) => {
        const markdown = renderPlanPreview(plansOf(spec, (text) => text));
        // The same plans with harmless strings: the comment must have the same shape, line for line.
        const benign = renderPlanPreview(plansOf(spec, (_, role) => role.replace(/\./g, "_")));
        expect(skeleton(markdown)).toEqual(skeleton(benign));
        expect(tableRows(markdown)).toHaveLength(spec.stacks.length + 2);
        for (const row of tableRows(markdown)) expect(row.split("|")).toHaveLength(7);

        const { text, code } = split(markdown);
        for (const line of text) expect(line).not.toMatch(MENTION);
        for (const line of [...text, ...code]) expect(line).not.toMatch(URL_CREDENTIALS);
        expect(markdown).not.toContain("s3cretPW");
      }),
      { numRuns: 300 },
    );
  });
});
