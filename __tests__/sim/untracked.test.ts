/** What `sim:destroy` says about the objects it leaves: the untracked report and the closing line. */
import { cloudLeftLine, hasPrefix, untracked, untrackedReport } from "../../sim/cli/untracked";

const keypair = (name: string, id = name) => ({ type: "openstack_compute_keypair_v2", id, name });

test("an environment's objects are those named <app>-<env> or <app>-<env>-…, not another environment's that starts alike", () => {
  expect(
    ["fractals-dev", "fractals-dev-key", "fractals-devx-key", "fractals-staging-key"].filter((n) => hasPrefix(n, "fractals-dev")),
  ).toEqual(["fractals-dev", "fractals-dev-key"]);
});

test("untracked: named for the environment and absent from its state", () => {
  const objects = [keypair("fractals-dev-key", "k1"), keypair("fractals-dev-orphan", "k2"), keypair("fractals-prod-key", "k3")];
  expect(untracked(objects, new Set(["k1"]), "fractals-dev").map((o) => o.id)).toEqual(["k2"]);
});

test("the report lists each object with its id and ends with the way out; nothing when nothing is untracked", () => {
  expect(untrackedReport([], "fractals-dev", "way out")).toBe("");
  expect(untrackedReport([keypair("fractals-dev-orphan", "k2")], "fractals-dev", "way out").split("\n")).toEqual([
    "1 object(s) named fractals-dev-… that the Terraform state does not track (left by an interrupted or failed run):",
    "  openstack_compute_keypair_v2 fractals-dev-orphan (id k2)",
    "way out",
  ]);
});

test.each([
  [0, 0, "simulated cloud: empty"],
  [3, 0, "simulated cloud: 3 object(s) left (3 of other environments)"],
  [1, 1, "simulated cloud: 1 object(s) left (the 1 listed above)"],
  [4, 1, "simulated cloud: 4 object(s) left (the 1 listed above, 3 of other environments)"],
])("after a destroy, %i object(s) left of which %i untracked: %s", (left, listed, line) => {
  expect(cloudLeftLine(left, listed)).toBe(line);
});
