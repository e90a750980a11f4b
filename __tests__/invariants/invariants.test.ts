/**
 * Invariants of every environment's synthesized output, each with a control
 * showing the check catches a violation.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ENVIRONMENTS, loadEnvironments } from "../../config";
import { buildApp } from "../../stacks/app";
import {
  concurrentLoadBalancerChanges,
  duplicateNames,
  duplicateRules,
  floatingIpsWithoutRoute,
  foreignRemoteGroups,
  heatPoolMemberStacks,
  protectedResources,
  secretLiterals,
  sshFromAnywhere,
  sshFromOutsideAdmins,
  sshPastTheBastion,
  StackJson,
} from "./stack-invariants";

const ENVS = ["dev", "staging", "prod"];

/** Every file `app.synth()` writes, relative path -> content. */
function synthFiles(environments: readonly unknown[]): Map<string, string> {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "invariants-"));
  try {
    buildApp(environments, { outdir, skipValidation: true }).synth();
    const files = fs
      .readdirSync(outdir, { recursive: true })
      .map(String)
      .filter((f) => fs.statSync(path.join(outdir, f)).isFile())
      .sort();
    return new Map(files.map((f) => [f, fs.readFileSync(path.join(outdir, f), "utf8")]));
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

const clone = <T>(value: T): T => JSON.parse(JSON.stringify(value));

describe("invariants of dev, staging and prod", () => {
  const files = synthFiles(ENVIRONMENTS);
  const stacks: Record<string, StackJson> = Object.fromEntries(
    ENVS.map((env) => [env, JSON.parse(files.get(path.join("stacks", env, "cdk.tf.json"))!) as StackJson]),
  );
  const configs = Object.fromEntries(loadEnvironments(ENVIRONMENTS).map((c) => [c.env, c]));

  test("every environment was synthesized", () => {
    expect(Object.keys(configs)).toEqual(ENVS);
    for (const env of ENVS) expect(Object.keys(stacks[env].resource ?? {}).length).toBeGreaterThan(5);
  });

  describe("no secret literal and no private key in any synthesized file", () => {
    test.each([...files.keys()])("%s", (file) => expect(secretLiterals(file, files.get(file)!)).toEqual([]));

    test("control: a literal password, a private key and a credential URL are caught", () => {
      const stack = clone(stacks.staging) as any;
      const server = Object.values(stack.resource.openstack_compute_instance_v2)[0] as Record<string, unknown>;
      server.admin_pass = "hunter2";
      server.user_data = "#cloud-config\nruncmd:\n  - mysql://faafo:hunter2@10.0.0.5/faafo\n";
      expect(secretLiterals("staging", JSON.stringify(stack)).sort()).toEqual([
        expect.stringMatching(/admin_pass: literal value for a secret$/),
        expect.stringMatching(/user_data: URL with a literal password 'mysql:\/\/faafo:hunter2@'$/),
      ]);
      expect(secretLiterals("x", JSON.stringify({ key: "-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA" }))).toEqual([
        "x: contains a private key",
      ]);
    });

    test("control: a literal password inside an embedded Heat template is caught", () => {
      const template = JSON.stringify({ resources: { db: { properties: { password: "hunter2" } } } });
      expect(secretLiterals("x", JSON.stringify({ template_opts: { Bin: template } }))).toEqual([
        "x: template_opts.Bin(json).resources.db.properties.password: literal value for a secret",
      ]);
    });
  });

  test("synth is byte-identical when run twice", () => {
    const again = synthFiles(ENVIRONMENTS);
    expect([...again.keys()]).toEqual([...files.keys()]);
    for (const [file, content] of files) expect({ file, content: again.get(file) }).toEqual({ file, content });
  });

  test("OpenStack names are unique across all environments", () => {
    expect(duplicateNames(stacks)).toEqual([]);
  });

  test("control: a name shared by two environments is caught", () => {
    const broken = clone(stacks);
    const devNet = Object.values(broken.dev.resource!.openstack_networking_network_v2)[0];
    const prodNet = Object.values(broken.prod.resource!.openstack_networking_network_v2)[0];
    devNet.name = prodNet.name;
    expect(duplicateNames(broken)).toEqual([
      expect.stringMatching(/^'fractals-prod-net' is used by dev: openstack_networking_network_v2\.\S+ and prod: /),
    ]);
  });

  test.each(ENVS)("%s: every floating IP association depends on the router interface of its subnet", (env) => {
    expect(Object.keys(stacks[env].resource!.openstack_networking_floatingip_associate_v2 ?? {}).length).toBeGreaterThan(0);
    expect(floatingIpsWithoutRoute(env, stacks[env])).toEqual([]);
  });

  test("control: an association that no longer waits for the router interface is caught", () => {
    const stack = clone(stacks.staging);
    const associations = stack.resource!.openstack_networking_floatingip_associate_v2;
    for (const association of Object.values(associations)) delete association.depends_on;
    expect(floatingIpsWithoutRoute("staging", stack)).toEqual(
      Object.keys(associations).map((n) =>
        expect.stringMatching(
          new RegExp(
            `^staging: openstack_networking_floatingip_associate_v2\\.${n}: does not depend on the router interface of openstack_networking_subnet_v2\\.`,
          ),
        ),
      ),
    );
  });

  test.each(ENVS)("%s: every remote_group_id points to a group in the same stack", (env) => {
    expect(foreignRemoteGroups(env, stacks[env])).toEqual([]);
  });

  test("control: a remote group from elsewhere is caught", () => {
    const stack = clone(stacks.prod);
    const rule = Object.values(stack.resource!.openstack_networking_secgroup_rule_v2).find((r) => r.remote_group_id)!;
    rule.remote_group_id = "0b4cbd2e-64d5-4e2b-9c1c-6d2e0f9b2f11";
    expect(foreignRemoteGroups("prod", stack)).toEqual([
      expect.stringMatching(/remote_group_id "0b4cbd2e-.*" is not a group of this stack/),
    ]);
  });

  test.each(ENVS)("%s: no rule admits port 22 from 0.0.0.0/0 (none opts in)", (env) => {
    expect(configs[env].access.allowSshFromAnywhere).toBe(false);
    expect(sshFromAnywhere(env, stacks[env])).toEqual([]);
  });

  test.each(ENVS)("%s: SSH is admitted only from the configured admin CIDRs", (env) => {
    expect(sshFromOutsideAdmins(env, stacks[env], configs[env].access.adminCidrs)).toEqual([]);
  });

  test("prod admits SSH from its admin network, and a rule from elsewhere is caught", () => {
    const rules = Object.values(stacks.prod.resource!.openstack_networking_secgroup_rule_v2);
    expect(rules.filter((r) => r.port_range_min === 22).map((r) => r.remote_ip_prefix)).toContain("203.0.113.0/24");
    expect(sshFromOutsideAdmins("prod", stacks.prod, ["198.51.100.0/24"]).length).toBeGreaterThan(0);
  });

  test.each(ENVS)("%s: the admin CIDRs reach SSH on the bastion only, never a server directly", (env) => {
    expect(sshPastTheBastion(env, stacks[env])).toEqual([]);
  });

  test("control: an admin CIDR's SSH rule on the API group, and a jump group that admits more than the admins, are caught", () => {
    const stack = clone(stacks.prod);
    const rules = stack.resource!.openstack_networking_secgroup_rule_v2;
    const [name, fromBastion] = Object.entries(rules).find(([, r]) => r.port_range_min === 22 && r.remote_group_id)!;
    rules[`${name}-direct`] = { ...fromBastion, remote_group_id: undefined, remote_ip_prefix: "203.0.113.0/24" };
    expect(sshPastTheBastion("prod", stack)).toEqual([
      expect.stringContaining(`${name}-direct: admits port 22 from 203.0.113.0/24 straight to a server`),
    ]);
    const [adminName, fromAdmins] = Object.entries(rules).find(
      ([, r]) => r.port_range_min === 22 && r.remote_ip_prefix === "203.0.113.0/24" && !r.remote_group_id,
    )!;
    rules[`${adminName}-wide`] = { ...fromAdmins, remote_ip_prefix: "192.0.2.0/24" };
    expect(sshFromOutsideAdmins("prod", stack, ["203.0.113.0/24"]).length).toBeGreaterThan(1);
  });

  test.each(ENVS)("%s: no two identical security group rules (Neutron answers 409)", (env) => {
    expect(duplicateRules(env, stacks[env])).toEqual([]);
  });

  test("control: a duplicated rule is caught", () => {
    const stack = clone(stacks.prod);
    const rules = stack.resource!.openstack_networking_secgroup_rule_v2;
    const [name, rule] = Object.entries(rules)[0];
    rules.copy = clone(rule);
    expect(duplicateRules("prod", stack)).toEqual([
      `prod: openstack_networking_secgroup_rule_v2.copy duplicates openstack_networking_secgroup_rule_v2.${name}`,
    ]);
  });

  test.each(["staging", "prod"])("%s: the load balancer's listener, pool, monitor and members are created one at a time", (env) => {
    // Terraform's members (prod), or the Heat group that creates them (staging).
    expect(
      Object.keys(stacks[env].resource!.openstack_lb_member_v2 ?? {}).length + heatPoolMemberStacks(stacks[env]).length,
    ).toBeGreaterThan(0);
    expect(concurrentLoadBalancerChanges(env, stacks[env])).toEqual([]);
  });

  test("control: two members that do not wait for each other are caught", () => {
    const stack = clone(stacks.prod);
    const members = Object.entries(stack.resource!.openstack_lb_member_v2);
    for (const [, member] of members.slice(1)) delete member.depends_on;
    expect(concurrentLoadBalancerChanges("prod", stack)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^prod: openstack_lb_member_v2\.\S+ and openstack_lb_member_v2\.\S+ can be created at the same time$/),
      ]),
    );
  });

  test.each(ENVS)("%s: exactly the stateful resources the config protects have prevent_destroy", (env) => {
    const volumes = Object.keys(stacks[env].resource!.openstack_blockstorage_volume_v3 ?? {}).map(
      (n) => `openstack_blockstorage_volume_v3.${n}`,
    );
    expect(volumes.length).toBe(configs[env].services ? 1 : 0);
    expect(protectedResources(stacks[env])).toEqual(configs[env].services?.preventDestroy ? volumes : []);
  });

  test("with the opt-in, the rule appears; without it, synth is refused", () => {
    const envs = clone(ENVIRONMENTS) as any[];
    envs[0].access = { ...envs[0].access, adminCidrs: ["0.0.0.0/0"], allowSshFromAnywhere: true };
    const dev = JSON.parse(synthFiles(envs).get(path.join("stacks", "dev", "cdk.tf.json"))!) as StackJson;
    expect(sshFromAnywhere("dev", dev).length).toBeGreaterThan(0);
    envs[0].access.allowSshFromAnywhere = false;
    expect(() => buildApp(envs)).toThrow(/allowSshFromAnywhere/);
  });
});
