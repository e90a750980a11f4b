/**
 * Security-group rules are keyed by their content: a day-2 change to the admin
 * networks plans exactly the rules it adds or removes, never a delete-and-recreate
 * of the others (a window in which traffic is refused), and deployments made
 * when rules were keyed by position move over without any change.
 */
import { EnvironmentInput, ENVIRONMENTS } from "../../config";
import { changed, describeWithTerraform, SimWorkspace } from "./harness";

jest.setTimeout(240_000);

const RULE = "openstack_networking_secgroup_rule_v2";
const dev = ENVIRONMENTS.find((e) => e.env === "dev")!;
const withAdmins = (...adminCidrs: string[]): EnvironmentInput => ({ ...dev, access: { ...dev.access, adminCidrs } });
// Documentation ranges: rule data only, nothing is sent there.
const [A, B, C] = ["192.0.2.0/24", "198.51.100.0/24", "203.0.113.128/25"];

describeWithTerraform("security-group rules keyed by content", () => {
  const ws = new SimWorkspace("sg-rules");
  let deployedDir: string;
  const plan = async (input: EnvironmentInput) => {
    const dir = ws.synth([input]);
    const init = await ws.init(dir);
    if (init.code !== 0) throw new Error(init.stderr);
    return changed(await ws.planChanges(dir));
  };

  beforeAll(async () => {
    deployedDir = ws.synth([withAdmins(A, B)]);
    for (const args of [null, ["apply", "-auto-approve", "-input=false"]]) {
      const run = args ? await ws.terraform(deployedDir, args) : await ws.init(deployedDir);
      if (run.code !== 0) throw new Error(run.stderr);
    }
  });
  afterAll(() => ws.dispose());

  test("adding an admin CIDR plans creates only: its SSH rule on the bastion's group (the servers admit the bastion)", async () => {
    const changes = await plan(withAdmins(A, B, C));
    expect(Object.values(changes)).toEqual(["create"]);
    for (const address of Object.keys(changes)) expect(address).toMatch(new RegExp(`^${RULE}\\..*ingress-tcp-22-from-203-0-113-128-25_`));
  });

  test("removing one plans deletes of only that CIDR's rules", async () => {
    const changes = await plan(withAdmins(B));
    expect(Object.values(changes)).toEqual(["delete"]);
    for (const address of Object.keys(changes)) expect(address).toMatch(/ingress-tcp-22-from-192-0-2-0-24_/);
  });

  test("reordering the CIDRs changes nothing", async () => {
    expect(await plan(withAdmins(B, A))).toEqual({});
  });

  test("a deployment whose rules are at their old positional addresses moves over with no change", async () => {
    const rules = (await ws.stateResources(deployedDir)).filter((r) => r.type === RULE);
    expect(rules.length).toBeGreaterThan(2);
    // Put every rule where the position-keyed release kept it, as that release's state holds it.
    const synthesized = require(`${deployedDir}/cdk.tf.json`) as { moved: { from: string; to: string }[] };
    for (const rule of rules) {
      const move = synthesized.moved.find((m) => m.to === rule.address)!;
      expect(move.from).toMatch(/_ingress-\d+_[0-9A-F]{8}$/);
      const mv = await ws.terraform(deployedDir, ["state", "mv", rule.address, move.from]);
      if (mv.code !== 0) throw new Error(mv.stderr);
    }
    const changes = await ws.planChanges(deployedDir);
    expect(changed(changes)).toEqual({});
    expect(changes.filter((c) => c.type === RULE)).toHaveLength(rules.length);
  });
});
