/**
 * The real-cloud preflight (issue 14.10): before cdktf deploy/diff/destroy
 * reach Terraform, one line per missing thing; nothing for synth, tests or
 * the simulator; no secret printed.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ENVIRONMENTS } from "../../config";
import { preflight, preflightCommand } from "../../stacks/preflight";
import { findCdktfInvocation, parseInvocation, ProcessInfo } from "../../stacks/preflight/command";

const OWN_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIK/puZztnmfgOKQh8tJDWAH08/tFg43Pb1fzu2QFWFvi ops@example";
/** The shipped environments with a real key and no documentation CIDRs: what a user has after README step 2. */
const READY = ENVIRONMENTS.map((e) => ({ ...e, access: { ...e.access, publicKey: OWN_KEY, adminCidrs: [] } }));
const reachable = async () => undefined;
const deploy = (...stacks: string[]) => ({ command: "deploy", stacks });

describe("which command is running", () => {
  test("reads cdktf's command and stacks from its argv, aliases resolved", () => {
    expect(parseInvocation(["node", "/p/node_modules/.bin/cdktf", "deploy", "dev", "--auto-approve"])).toEqual(deploy("dev"));
    expect(parseInvocation(["node", "/p/node_modules/cdktf-cli/bundle/bin/cdktf.js", "plan", "prod"])).toEqual({
      command: "diff",
      stacks: ["prod"],
    });
    expect(parseInvocation(["/bin/sh", "-c", "node -r tsx/cjs main.ts"])).toBeUndefined();
    expect(parseInvocation(["node", "/p/jest", "cdktf"])).toBeUndefined();
  });

  test("walks up the process tree to the CLI: app ← shell ← cdktf", () => {
    const table: Record<number, ProcessInfo> = {
      30: { argv: ["/bin/sh", "-c", "node -r tsx/cjs main.ts"], ppid: 20 },
      20: { argv: ["node", "/p/node_modules/.bin/cdktf", "destroy", "staging"], ppid: 10 },
      10: { argv: ["npm", "exec", "cdktf"], ppid: 1 },
    };
    expect(findCdktfInvocation(30, (pid) => table[pid])).toEqual({ command: "destroy", stacks: ["staging"] });
    expect(findCdktfInvocation(10, (pid) => table[pid])).toBeUndefined();
  });

  test("runs for deploy, diff and destroy only; never for the simulator; FRACTALS_PREFLIGHT overrides", () => {
    expect(preflightCommand({}, () => deploy("dev"))).toEqual(deploy("dev"));
    expect(preflightCommand({}, () => ({ command: "diff", stacks: [] }))).toBeDefined();
    expect(preflightCommand({}, () => ({ command: "synth", stacks: [] }))).toBeUndefined();
    expect(preflightCommand({}, () => undefined)).toBeUndefined();
    // sim/cli/cli.ts always sets FRACTALS_SIM_STATE for the cdktf it runs (the simulated provider reads it).
    expect(preflightCommand({ FRACTALS_SIM_STATE: "/x/cloud.json" }, () => deploy("dev"))).toBeUndefined();
    expect(preflightCommand({ FRACTALS_PREFLIGHT: "0" }, () => deploy("dev"))).toBeUndefined();
    expect(preflightCommand({ FRACTALS_PREFLIGHT: "1" }, () => undefined)).toEqual(deploy());
  });

  test("this very test process is no deploy", () => {
    expect(preflightCommand({})).toBeUndefined();
  });
});

describe("what is missing", () => {
  const tmp = mkdtempSync(join(tmpdir(), "preflight-"));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));
  const home = join(tmp, "home");
  mkdirSync(join(home, ".config", "openstack"), { recursive: true });
  writeFileSync(
    join(home, ".config", "openstack", "clouds.yaml"),
    "clouds:\n  mycloud:\n    auth:\n      auth_url: https://keystone.example.com/v3\n      password: hunter2-secret\n",
  );
  const base = { HOME: home };
  const check = (env: NodeJS.ProcessEnv, inputs: readonly unknown[] = READY, invocation = deploy("dev")) =>
    preflight(inputs, { env, invocation, cwd: tmp, probe: reachable });

  test("a ready config with OS_CLOUD naming a clouds.yaml entry, or OS_AUTH_URL: nothing to say", async () => {
    expect(await check({ ...base, OS_CLOUD: "mycloud" })).toEqual([]);
    expect(await check({ ...base, OS_AUTH_URL: "https://keystone.example.com/v3" })).toEqual([]);
  });

  test("no OS_CLOUD and no OS_AUTH_URL: one line", async () => {
    expect(await check(base)).toEqual([
      'no OpenStack credentials for dev: neither OS_CLOUD nor OS_AUTH_URL is set; export OS_CLOUD=<entry of clouds.yaml> or source your cloud\'s openrc file (README "Deploying to a real cloud")',
    ]);
  });

  test("a cloud: (or OS_CLOUD) name absent from every clouds.yaml, naming the clouds there but no secret", async () => {
    const pinned = READY.map((e) => ({ ...e, cloud: "othercloud" }));
    const [line, ...rest] = await check(base, pinned);
    expect(rest).toEqual([]);
    expect(line).toContain('dev: cloud names the cloud "othercloud", which no clouds.yaml defines');
    expect(line).toContain("clouds.yaml: mycloud");
    expect(line).not.toContain("hunter2");
    expect((await check({ ...base, OS_CLOUD: "typo" }))[0]).toContain('OS_CLOUD (for dev) names the cloud "typo"');
  });

  test("the placeholder key and documentation CIDRs, for the stacks about to deploy only", async () => {
    expect(await check({ ...base, OS_CLOUD: "mycloud" }, ENVIRONMENTS, deploy("dev"))).toEqual([
      "dev: access.publicKey is still the placeholder demo key; put your own public key in config/common.ts (PUBLIC_KEY)",
    ]);
    const prod = await check({ ...base, OS_CLOUD: "mycloud" }, ENVIRONMENTS, deploy("prod"));
    expect(prod).toHaveLength(2);
    expect(prod[1]).toBe(
      "prod: access.adminCidrs has 203.0.113.0/24, a documentation range (RFC 5737) that is nobody's network; put your admin network's CIDR in config/prod.ts",
    );
    // Destroying needs credentials, not a config fit to deploy.
    expect(await check({ ...base, OS_CLOUD: "mycloud" }, ENVIRONMENTS, { command: "destroy", stacks: ["prod"] })).toEqual([]);
    // No stack named (or a pattern): every stack is checked.
    expect(await check({ ...base, OS_CLOUD: "mycloud" }, ENVIRONMENTS, deploy("--output", "/tmp/x"))).toHaveLength(4);
  });

  test("the provider not installable: registry unreachable and no mirror, with the way out; a mirror config is enough", async () => {
    const offline = async () => "ENOTFOUND";
    const env = { ...base, OS_CLOUD: "mycloud" };
    const [line] = await preflight(READY, { env, invocation: deploy("dev"), cwd: tmp, probe: offline });
    expect(line).toMatch(
      /^the OpenStack provider cannot be installed: registry\.terraform\.io is unreachable \(ENOTFOUND\) and no provider mirror is configured; .*terraform providers mirror/,
    );
    const rc = join(tmp, "terraformrc");
    writeFileSync(rc, 'provider_installation {\n  filesystem_mirror {\n    path = "/srv/mirror"\n  }\n}\n');
    expect(
      await preflight(READY, { env: { ...env, TF_CLI_CONFIG_FILE: rc }, invocation: deploy("dev"), cwd: tmp, probe: offline }),
    ).toEqual([]);
  });
});
