import fc from "fast-check";
import { renderPlanPreview } from "../../preview/plan-preview";
import { SENSITIVE } from "../../preview/sensitive-values";
import { buildPlan } from "./plan-builder";

/**
 * A value tree in which some nodes are marked sensitive. Secrets (unique
 * tokens) are only placed under a marked node; plain strings come from an
 * alphabet that cannot form a token.
 */
type Tree =
  | { readonly leaf: "plain"; readonly text: string; readonly marked: boolean }
  | { readonly leaf: "secret"; readonly marked: boolean }
  | { readonly object: Record<string, Tree>; readonly marked: boolean }
  | { readonly list: Tree[]; readonly marked: boolean };

const keyArb = fc.stringMatching(/^[a-f]{1,4}$/);
const treeArb: fc.Arbitrary<Tree> = fc.letrec<{ tree: Tree }>((tie) => ({
  tree: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.record({ leaf: fc.constant("plain" as const), text: fc.stringMatching(/^[g-m]{3,8}$/), marked: fc.boolean() }),
    fc.record({ leaf: fc.constant("secret" as const), marked: fc.boolean() }),
    fc.record({ object: fc.dictionary(keyArb, tie("tree"), { maxKeys: 4 }), marked: fc.boolean() }),
    fc.record({ list: fc.array(tie("tree"), { maxLength: 3 }), marked: fc.boolean() }),
  ),
})).tree;

interface Built {
  value: unknown;
  marker: unknown;
  /** Unique tokens, found nowhere else. */
  secrets: string[];
  /** Plain strings that happen to be marked. */
  hidden: string[];
  visible: string[];
}

let tokens = 0;

/** Turns a tree into a value and its marker; a secret leaf outside any marked node gets marked itself. */
function build(tree: Tree, underMark = false): Built {
  const marked = tree.marked || underMark;
  if ("leaf" in tree) {
    if (tree.leaf === "plain") {
      return { value: tree.text, marker: tree.marked, secrets: [], hidden: marked ? [tree.text] : [], visible: marked ? [] : [tree.text] };
    }
    const token = `Zq${++tokens}xSECRETx${tokens}Zq`;
    return { value: token, marker: true, secrets: [token], hidden: [], visible: [] };
  }
  const parts: [string | number, Built][] =
    "object" in tree ? Object.entries(tree.object).map(([k, t]) => [k, build(t, marked)]) : tree.list.map((t, i) => [i, build(t, marked)]);
  const value = "object" in tree ? Object.fromEntries(parts.map(([k, b]) => [k, b.value])) : parts.map(([, b]) => b.value);
  const childMarkers = "object" in tree ? Object.fromEntries(parts.map(([k, b]) => [k, b.marker])) : parts.map(([, b]) => b.marker);
  return {
    value,
    marker: tree.marked ? true : childMarkers,
    secrets: parts.flatMap(([, b]) => b.secrets),
    hidden: parts.flatMap(([, b]) => b.hidden),
    visible: parts.flatMap(([, b]) => b.visible),
  };
}

const rootArb = fc.dictionary(keyArb, treeArb, { minKeys: 1, maxKeys: 5 }).map((object): Tree => ({ object, marked: false }));

describe("sensitive values", () => {
  test("no value under a sensitivity marker reaches the Markdown, at any depth, for any action", () => {
    fc.assert(
      fc.property(
        rootArb,
        rootArb,
        fc.constantFrom<readonly string[]>(["create"], ["update"], ["delete"], ["delete", "create"]),
        (beforeTree, afterTree, actions) => {
          const before = build(beforeTree);
          const after = build(afterTree);
          const plan = buildPlan([
            {
              address: "terraform_data.x",
              type: "terraform_data",
              actions,
              before: actions[0] === "create" ? null : before.value,
              beforeSensitive: before.marker,
              after: actions.includes("create") || actions[0] === "update" ? after.value : null,
              afterSensitive: after.marker,
            },
          ]);
          const markdown = renderPlanPreview([{ stack: "dev", plan }]);
          for (const secret of [...before.secrets, ...after.secrets]) expect(markdown).not.toContain(secret);
        },
      ),
      { numRuns: 300 },
    );
  });

  test("values outside any marker are shown (masking is not a blanket)", () => {
    fc.assert(
      fc.property(rootArb, (tree) => {
        const after = build(tree);
        const plan = buildPlan([
          { address: "terraform_data.x", type: "terraform_data", actions: ["create"], after: after.value, afterSensitive: after.marker },
        ]);
        const markdown = renderPlanPreview([{ stack: "dev", plan }]);
        // A string containing a marked one is masked too, on purpose (see Redactor).
        const unrelated = after.visible.filter((text) => !after.hidden.some((hidden) => hidden.length >= 4 && text.includes(hidden)));
        for (const text of unrelated) expect(markdown).toContain(text);
      }),
      { numRuns: 200 },
    );
  });

  test("secret-looking attribute names are masked even without markers, in plans and provider-specific fields", () => {
    const plan = buildPlan([
      {
        address: "openstack_orchestration_stack_v1.workers",
        type: "openstack_orchestration_stack_v1",
        actions: ["update"],
        before: { parameters: { db_password: "old-pass-123", flavor: "m1.small", admin_pass: "old-admin-1" }, token: "tok-abc-999" },
        after: { parameters: { db_password: "new-pass-456", flavor: "m1.large", admin_pass: "new-admin-2" }, token: "tok-abc-999" },
      },
      {
        address: "random_password.db",
        type: "random_password",
        actions: ["delete", "create"],
        // A provider that forgot its markers: `result` is masked by type.
        before: { length: 24, result: "unmarked-result-value" },
        after: { length: 32 },
        afterUnknown: { result: true },
      },
    ]);
    const markdown = renderPlanPreview([{ stack: "prod", plan }]);
    for (const secret of ["old-pass-123", "new-pass-456", "old-admin-1", "new-admin-2", "unmarked-result-value"])
      expect(markdown).not.toContain(secret);
    expect(markdown).toContain(`parameters.db_password = ${SENSITIVE}`);
    expect(markdown).toContain('+ parameters.flavor = "m1.large"');
  });

  test("outputs: sensitive ones masked, and so are values that carry a credential (pre-signed URLs)", () => {
    const signed = "http://heat.example:8000/v1/signal/arn?AWSAccessKeyId=cc9e&SignatureVersion=2&Signature=6xRdBY-TyY";
    const plan = {
      ...buildPlan([]),
      output_changes: {
        scale_up_url: {
          actions: ["create"],
          before: null,
          after: signed,
          after_unknown: false,
          before_sensitive: false,
          after_sensitive: false,
        },
        db_password: {
          actions: ["update"],
          before: "old-output-secret",
          after: "new-output-secret",
          before_sensitive: true,
          after_sensitive: true,
        },
        app_url: {
          actions: ["create"],
          before: null,
          after: "http://203.0.113.1:80",
          after_unknown: false,
          before_sensitive: false,
          after_sensitive: false,
        },
      },
    };
    const markdown = renderPlanPreview([{ stack: "prod", plan }]);
    for (const secret of ["6xRdBY", "cc9e", "old-output-secret", "new-output-secret"]) expect(markdown).not.toContain(secret);
    expect(markdown).toContain(`+ scale_up_url = ${SENSITIVE}`);
    expect(markdown).toContain('+ app_url = "http://203.0.113.1:80"');
  });

  test("a value marked sensitive in one place is masked where Terraform dropped the marker", () => {
    const plan = buildPlan([
      {
        address: "terraform_data.copy",
        type: "terraform_data",
        actions: ["delete", "create"],
        before: { input: { key: "copied-secret-value" }, output: { key: "copied-secret-value" } },
        beforeSensitive: { input: { key: true } },
        after: { input: { key: "copied-secret-value" } },
        afterSensitive: { input: { key: true } },
        afterUnknown: { output: true },
      },
    ]);
    const markdown = renderPlanPreview([{ stack: "dev", plan }]);
    expect(markdown).not.toContain("copied-secret-value");
  });
});
