/**
 * The bastion in the lab (issue 16.3): dev with admin CIDRs (the lab's external network, where the host
 * is) and a key generated for this run, deployed with the real `sim:deploy --boot`. From the host, SSH
 * reaches the bastion, and the servers behind it only through it (`ssh -J`, as the `ssh_example` output
 * says); the servers' port 22 does not answer the host directly, not even at the controller's floating IP.
 */
import "./lab-env";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { REPO_ROOT, DEFAULT_CLOUD_STATE } from "../../sim/cli/paths";
import { Cloud } from "../../sim/openstack/cloud";
import { tryRun } from "../../sim/lab/sh";
import { topology } from "../../sim/lab/topology";
import { expectSuccess, freshLab, outputs, simCommandWith } from "./environments";
import { describeLabWithTerraform, hostLeftovers } from "./support";

const dir = mkdtempSync(path.join(tmpdir(), "fractals-lab-bastion-"));
const key = path.join(dir, "id_ed25519");
const sshConfig = path.join(dir, "ssh_config");
const config = path.join(dir, "environments.js");
// The lab boots Debian 12 whatever image a server names: its cloud-init's default user is `debian`.
const LOGIN_USER = "debian";
const ADMIN_CIDR = "203.0.113.0/24";

/** An `ssh` run from the host with the test's key; -F carries the options to the jump host's ssh too. */
function ssh(args: string[]): { code: number; out: string } {
  const r = spawnSync("ssh", ["-F", sshConfig, ...args], { encoding: "utf8", timeout: 60_000 });
  return { code: r.status ?? -1, out: `${r.stdout}${r.stderr}`.trim() };
}

describeLabWithTerraform("the bastion in the lab", () => {
  const servers = () => topology(Cloud.load(DEFAULT_CLOUD_STATE)).servers;
  const vars = () => ({ FRACTALS_CONFIG: config });
  let out: Record<string, unknown> = {};

  beforeAll(() => {
    expect(spawnSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "fractals-lab-bastion-test", "-f", key]).status).toBe(0);
    writeFileSync(
      sshConfig,
      [
        "Host *",
        `  IdentityFile ${key}`,
        "  IdentitiesOnly yes",
        "  StrictHostKeyChecking no",
        "  UserKnownHostsFile /dev/null",
        "  BatchMode yes",
        "  ConnectTimeout 5",
        "  LogLevel ERROR",
        "",
      ].join("\n"),
    );
    const publicKey = readFileSync(`${key}.pub`, "utf8").trim();
    // FRACTALS_CONFIG (main.ts): dev with admin CIDRs, the image's login user and this run's key.
    writeFileSync(
      config,
      `const { ENVIRONMENTS } = require(${JSON.stringify(path.join(REPO_ROOT, "config"))});
module.exports = { ENVIRONMENTS: ENVIRONMENTS.map((e) => e.env === "dev"
  ? { ...e, access: { ...e.access, publicKey: ${JSON.stringify(publicKey)}, adminCidrs: [${JSON.stringify(ADMIN_CIDR)}], loginUser: ${JSON.stringify(LOGIN_USER)} } }
  : e) };
`,
    );
    freshLab();
    const run = simCommandWith(vars(), "deploy", "dev", "--boot");
    expectSuccess(run, "npm run sim:deploy -- dev --boot (with a bastion)");
    console.log(`dev with a bastion: deploy --boot took ${run.seconds.toFixed(0)} s`);
    out = outputs("dev");
  });

  test("the outputs give the bastion's floating IP and an ssh -J example to the controller", () => {
    const bastion = servers().find((s) => s.name.endsWith("-bastion"))!;
    const controller = servers().find((s) => s.name.endsWith("-controller"))!;
    expect(out.bastion_address).toBe(bastion.floatingIp);
    expect(out.ssh_example).toBe(`ssh -J ${LOGIN_USER}@${bastion.floatingIp} ${LOGIN_USER}@${controller.fixedIp}`);
  });

  test("ssh_example, run as it is: the controller answers through the bastion", () => {
    const [, jumpFlag, jump, target] = String(out.ssh_example).split(" ");
    const started = Date.now();
    const r = ssh([jumpFlag, jump, target, "hostname"]);
    console.log(`ssh -J to the controller: exit ${r.code} in ${((Date.now() - started) / 1000).toFixed(1)} s: ${r.out}`);
    expect(r).toEqual({ code: 0, out: expect.stringMatching(/controller$/) });
  });

  test("every server behind the bastion answers SSH through it; the bastion itself answers the admin network", () => {
    const bastion = servers().find((s) => s.name.endsWith("-bastion"))!;
    expect(ssh([`${LOGIN_USER}@${bastion.floatingIp}`, "hostname"])).toEqual({ code: 0, out: expect.stringMatching(/bastion$/) });
    for (const s of servers().filter((x) => x !== bastion && x.id !== bastion.id)) {
      const r = ssh(["-J", `${LOGIN_USER}@${bastion.floatingIp}`, `${LOGIN_USER}@${s.fixedIp}`, "hostname"]);
      expect({ server: s.name, ...r }).toEqual({ server: s.name, code: 0, out: expect.stringMatching(/(controller|worker-\d+)$/) });
    }
  });

  test("not directly: the servers' port 22 does not answer the host, at the controller's floating IP or at any fixed IP", () => {
    const controller = servers().find((s) => s.name.endsWith("-controller"))!;
    expect(controller.floatingIp).toBeTruthy();
    expect(tryRun("nc", ["-z", "-w", "3", controller.floatingIp!, "22"]).code).not.toBe(0);
    const direct = ssh([`${LOGIN_USER}@${controller.floatingIp}`, "hostname"]);
    console.log(`ssh straight to the controller's floating IP: exit ${direct.code}: ${direct.out}`);
    expect(direct.code).not.toBe(0);
    const answered = servers()
      .filter((s) => !s.name.endsWith("-bastion"))
      .filter((s) => ssh([`${LOGIN_USER}@${s.fixedIp}`, "true"]).code === 0);
    expect(answered.map((s) => s.name)).toEqual([]);
  });

  test("the lab enforces the groups: the bastion admits SSH from the admin CIDR, the others from the bastion's address only", () => {
    const bastion = servers().find((s) => s.name.endsWith("-bastion"))!;
    const sshSources = (s: typeof bastion) =>
      s.ingress.filter((r) => r.protocol === "tcp" && (r.portMin ?? 0) <= 22 && (r.portMax ?? 65535) >= 22).flatMap((r) => r.sources);
    expect(sshSources(bastion)).toEqual([ADMIN_CIDR]);
    for (const s of servers().filter((x) => x.id !== bastion.id))
      expect({ server: s.name, sources: sshSources(s) }).toEqual({ server: s.name, sources: [`${bastion.fixedIp}/32`] });
  });

  test("destroy leaves nothing", () => {
    const run = simCommandWith(vars(), "destroy", "dev");
    expectSuccess(run, "npm run sim:destroy -- dev (with a bastion)");
    expect(hostLeftovers()).toEqual([]);
  });
});
