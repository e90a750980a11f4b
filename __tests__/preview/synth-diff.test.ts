import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ENVIRONMENTS } from "../../config";
import { readSynthDir } from "../../preview/load-inputs";
import { loadForceNew, renderSynthDiff } from "../../preview/synth-diff";
import { buildApp } from "../../stacks/app";
import { alertAddresses } from "./markdown-reading";
import { tableCounts } from "./plan-builder";

const ROOT = join(__dirname, "..", "..");

/** Synthesizes `inputs` the way `cdktf synth` does, into a fresh temp dir. */
function synth(inputs: readonly unknown[], into: string): string {
  buildApp(inputs, { outdir: into, stateDir: join(into, "state"), skipValidation: true }).synth();
  return into;
}

describe("synth diff (no credentials)", () => {
  const tmp = mkdtempSync(join(tmpdir(), "synth-diff-"));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  // Staging with fixed API servers (its own config autoscales them in Heat, where user data is in no Terraform resource).
  const [dev, staging, prod] = [ENVIRONMENTS[0], { ...ENVIRONMENTS[1], api: { flavor: "m1.small", count: 2 } }, ENVIRONMENTS[2]];
  const head = [
    { ...dev, workers: { ...dev.workers, flavor: "m1.medium" } },
    // image_id is rebuilt in place by the provider; user_data (it carries the API port) is ForceNew.
    { ...staging, image: "ubuntu-24.04", fractals: { apiPort: 8080 } },
    {
      ...prod,
      topology: "all-in-one",
      services: undefined,
      loadBalancer: undefined,
      api: { ...prod.api, count: 1, antiAffinity: false, floatingIp: true },
    },
    { ...dev, env: "qa", network: { cidr: "10.40.0.0/24" } },
  ];
  const base = readSynthDir(synth([dev, staging, prod], join(tmp, "base")), "--base");
  const headStacks = readSynthDir(synth(head, join(tmp, "head")), "--head");
  const markdown = renderSynthDiff(base, headStacks, { forceNew: loadForceNew(join(ROOT, "providers")) });
  const warnings = markdown.slice(0, markdown.indexOf("\n### "));

  test("identical synth outputs show no changes", () => {
    const same = renderSynthDiff(base, base);
    expect(Object.values(tableCounts(same))).toEqual([
      [0, 0, 0, 0],
      [0, 0, 0, 0],
      [0, 0, 0, 0],
    ]);
    expect(same).toContain("**prod**: no changes.");
    expect(same).not.toContain("[!WARNING]");
  });

  test("a new stack is all additions and says so", () => {
    const qa = tableCounts(markdown).qa;
    expect(qa[0]).toBeGreaterThan(5);
    expect(qa.slice(1)).toEqual([0, 0, 0]);
    expect(markdown).toContain("New stack: not in the base commit.");
  });

  test("a changed ForceNew attribute is a likely replacement, named in the warnings", () => {
    const [, changed, replaced] = tableCounts(markdown).staging;
    expect(replaced).toBeGreaterThanOrEqual(1);
    expect(changed + replaced).toBeGreaterThanOrEqual(2);
    expect(warnings).toMatch(
      /\*\*staging\*\*: <code>openstack_compute_instance_v2\.[^<]*<\/code> will likely be \*\*replaced\*\* \(ForceNew: <code>user_data<\/code>\)/,
    );
    expect(markdown).toMatch(
      /<b>replaced \(likely\)<\/b>[^\n]*\n\n```diff\n(.*\n)*- image_id = "\$\{data\.openstack_images_image_v2\.catalog_image-ubuntu-22-04/,
    );
  });

  test("an in-place change stays an update", () => {
    // flavor_id: the provider resizes in place.
    expect(tableCounts(markdown).dev[1]).toBeGreaterThanOrEqual(1);
    expect(markdown).toMatch(
      /<b>changed<\/b> <code>openstack_compute_instance_v2\.[^<]*worker[^<]*<\/code><\/summary>\n\n```diff\n- flavor_id = /,
    );
  });

  test("removing prod's services node and volume is the loudest warning", () => {
    const caution = warnings.slice(warnings.indexOf("[!CAUTION]"), warnings.indexOf("[!WARNING]"));
    expect(caution).toMatch(
      /\*\*prod\*\*: <code>openstack_blockstorage_volume_v3\.[^<]+<\/code> is removed: Terraform will \*\*destroy\*\* it/,
    );
    expect(caution).toMatch(/<code>openstack_compute_instance_v2\.services[^<]+<\/code>/);
    expect(tableCounts(markdown).prod[3]).toBeGreaterThanOrEqual(2);
  });

  test("values of secret-looking attributes are masked (synthesized JSON has no sensitivity markers)", () => {
    const stack = (password: string) =>
      new Map([
        [
          "dev",
          { resource: { openstack_compute_instance_v2: { api: { name: "api", admin_pass: password, metadata: { db_token: password } } } } },
        ],
      ]);
    const diff = renderSynthDiff(stack("old-literal-secret"), stack("new-literal-secret"));
    expect(diff).not.toMatch(/literal-secret/);
    expect(diff).toContain("- admin_pass = (sensitive value)\n+ admin_pass = (sensitive value)");
    expect(diff).toContain("- metadata.db_token = (sensitive value)\n+ metadata.db_token = (sensitive value)");
  });

  test("removing a block marked prevent_destroy is stateful, whatever its type", () => {
    const base = new Map([
      [
        "prod",
        {
          resource: {
            openstack_networking_network_v2: { keep: { name: "k", lifecycle: { prevent_destroy: true } }, plain: { name: "p" } },
          },
        },
      ],
    ]);
    const head = new Map([["prod", { resource: {} }]]);
    const diff = renderSynthDiff(base, head);
    expect(alertAddresses(diff, "CAUTION")).toEqual(["openstack_networking_network_v2.keep"]);
    expect(alertAddresses(diff, "WARNING")).toEqual(["openstack_networking_network_v2.plain"]);
    expect(diff).toContain("**Marked prevent_destroy in the base commit.**");
  });

  test("a changed state backend is warned about; other terraform-block changes are not", () => {
    const stack = (path: string, version: string) =>
      new Map([["dev", { terraform: { backend: { local: { path } }, required_providers: { openstack: { version } } } }]]);
    const moved = renderSynthDiff(stack("terraform.dev.tfstate", "3.4.0"), stack("../../terraform.dev.tfstate", "3.4.0"));
    expect(alertAddresses(moved, "WARNING")).toEqual(["terraform"]);
    expect(moved).toContain("<code>terraform</code> changes: its state backend moves: migrate the state");
    expect(tableCounts(moved).dev).toEqual([0, 0, 0, 0]);
    const bumped = renderSynthDiff(stack("terraform.dev.tfstate", "3.4.0"), stack("terraform.dev.tfstate", "3.5.0"));
    expect(bumped).not.toContain("[!WARNING]");
    expect(bumped).toContain("<b>changed</b> <code>terraform</code>");
  });

  test("cdktf's // metadata never shows as a change", () => {
    expect(markdown).not.toMatch(/\["\/\/"\]|^[-+] \/\/|uniqueId|"metadata":\{"path"/m);
  });
});
