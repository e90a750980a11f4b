/**
 * Imported first by every lab suite: the suites keep their simulator state
 * (cloud, Terraform state, lab directory) apart from a developer's .sim/.
 * Host-level names are shared by every lab on a machine, so a suite starts
 * from `clean`: running the lab suite takes over this machine's lab.
 */
import * as path from "node:path";
import { tmpdir } from "node:os";

process.env.FRACTALS_SIM_DIR ??= path.join(tmpdir(), "fractals-lab-tests");
