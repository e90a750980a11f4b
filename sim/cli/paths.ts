/** Where the simulator finds the project's files, whether it runs from sim/ or compiled from dist/sim/. */
import { existsSync } from "node:fs";
import * as path from "node:path";
import { OPENSTACK, RANDOM } from "../../providers/vendored";

function findRepoRoot(start: string): string {
  for (let dir = start; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, "providers", "openstack"))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`cannot find the fractals-infra checkout above ${start}`);
  }
}

export const REPO_ROOT = findRepoRoot(__dirname);
export const OPENSTACK_SCHEMA = path.join(REPO_ROOT, "providers", OPENSTACK.schema);
export const OPENSTACK_BEHAVIOUR = path.join(REPO_ROOT, "providers", OPENSTACK.behaviour);
export const RANDOM_SCHEMA = path.join(REPO_ROOT, "providers", RANDOM.schema);
export const RANDOM_BEHAVIOUR = path.join(REPO_ROOT, "providers", RANDOM.behaviour);
/**
 * The simulator's own directory (FRACTALS_SIM_DIR, default .sim/): its provider
 * mirror, the cloud, and the `sim:*` commands' synthesized stacks and state,
 * kept apart from cdktf.out and the real deploys' state.
 */
export const SIM_WORK_DIR = process.env.FRACTALS_SIM_DIR ? path.resolve(process.env.FRACTALS_SIM_DIR) : path.join(REPO_ROOT, ".sim");
/** The simulated cloud, unless FRACTALS_SIM_STATE names another file. */
export const DEFAULT_CLOUD_STATE = path.join(SIM_WORK_DIR, "cloud.json");
