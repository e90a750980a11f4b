/**
 * The lab's figures (sim/README.md, "The lab"): the root filesystem built
 * cold (into a throw-away cache, so the real one stays), dev and staging
 * deployed with `--boot` until the app answers, the mean resident memory
 * of a dev server, and staging's workers autoscaling (the lab suite's
 * autoscaling test, time scale 30): from the load's start until a worker
 * the scale-out added renders, and from the last render until the group is
 * back at its minimum. Needs root and the lab's packages; takes the machine's lab
 * over (it starts and ends with `clean`) and keeps its simulator state apart.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { BenchCase } from "./lib/benchmark";
import { Sample } from "./lib/figures";
import { ROOT } from "./lib/child";
import { acquireMachineLab, releaseMachineLab } from "../sim/lab/machine-lock";

const FIGURES = ["lab_rootfs_build_s", "lab_boot_dev_s", "lab_boot_staging_s", "lab_server_rss_mb", "lab_scale_out_s", "lab_scale_in_s"];

function timed(args: string[], env: NodeJS.ProcessEnv): number {
  const started = Date.now();
  const r = spawnSync(args[0], args.slice(1), {
    cwd: ROOT,
    env: { ...process.env, ...env },
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.status !== 0)
    throw new Error(`${args.join(" ")} exited ${r.status}:\n${`${r.stdout}${r.stderr}`.split("\n").slice(-40).join("\n")}`);
  return (Date.now() - started) / 1000;
}

/** Resident memory of every process under each lab container, in MiB, averaged over the containers. */
function meanServerRssMb(): number {
  const parents = new Map<number, number>();
  const rss = new Map<number, number>();
  const roots: number[] = [];
  for (const entry of readdirSync("/proc").filter((e) => /^\d+$/.test(e))) {
    try {
      const pid = Number(entry);
      const status = readFileSync(`/proc/${pid}/status`, "utf8");
      parents.set(pid, Number(/PPid:\s+(\d+)/.exec(status)?.[1] ?? 0));
      rss.set(pid, Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0));
      const argv = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
      if (argv[0]?.endsWith("systemd-nspawn") && argv[argv.indexOf("-M") + 1]?.startsWith("fls")) roots.push(pid);
    } catch {
      // gone meanwhile
    }
  }
  const under = (pid: number, root: number): boolean => {
    for (let p = pid; p > 1; p = parents.get(p) ?? 0) if (p === root) return true;
    return false;
  };
  const totals = roots.map((root) =>
    [...rss.entries()].filter(([pid]) => pid !== root && under(pid, root)).reduce((sum, [, kb]) => sum + kb, 0),
  );
  return totals.reduce((a, b) => a + b, 0) / Math.max(1, totals.length) / 1024;
}

const npm = (...args: string[]) => ["npm", "run", "--silent", ...args];

export const lab: BenchCase = {
  name: "lab",
  group: "lab",
  figures: FIGURES,
  slow: true,
  runs: 1,
  unavailable: "the lab needs root and mmdebstrap, systemd-container, nftables, iproute2, haproxy",
  async sample(): Promise<Sample> {
    if (process.getuid?.() !== 0 || spawnSync("sh", ["-c", "command -v systemd-nspawn"]).status !== 0) return {};
    const simDir = mkdtempSync(path.join(tmpdir(), "fractals-bench-lab-"));
    const cache = mkdtempSync(path.join(tmpdir(), "fractals-bench-rootfs-"));
    const env = { FRACTALS_SIM_DIR: simDir };
    acquireMachineLab("npm run bench -- lab"); // the children inherit the hold
    try {
      timed(npm("sim:lab", "--", "clean"), env);
      // Cold: an empty cache of its own (the mirror must be reachable, so before any lab network is up).
      const rootfs = timed(["node", "-r", "tsx/cjs", "sim/lab/rootfs.ts"], { FRACTALS_LAB_CACHE: cache });
      rmSync(cache, { recursive: true, force: true });
      const dev = timed(npm("sim:deploy", "--", "dev", "--boot"), env);
      const rssMb = meanServerRssMb();
      timed(npm("sim:destroy", "--", "dev"), env);
      const staging = timed(npm("sim:deploy", "--", "staging", "--boot"), env);
      timed(npm("sim:destroy", "--", "staging"), env);
      const figures = path.join(simDir, "autoscaling-figures.json");
      timed(["npx", "jest", "-c", "jest.lab.config.js", "__tests__/lab/autoscaling.test.ts"], {
        ...env,
        FRACTALS_AUTOSCALING_FIGURES: figures,
        FRACTALS_AUTOSCALING_SERIES: path.join(simDir, "autoscaling-series.json"),
      });
      const scaling = JSON.parse(readFileSync(figures, "utf8")) as { lab_scale_out_s: number; lab_scale_in_s: number };
      return {
        lab_rootfs_build_s: rootfs,
        lab_boot_dev_s: dev,
        lab_boot_staging_s: staging,
        lab_server_rss_mb: rssMb,
        lab_scale_out_s: scaling.lab_scale_out_s,
        lab_scale_in_s: scaling.lab_scale_in_s,
      };
    } finally {
      spawnSync("npm", ["run", "--silent", "sim:lab", "--", "clean"], { cwd: ROOT, env: { ...process.env, ...env } });
      rmSync(cache, { recursive: true, force: true });
      rmSync(simDir, { recursive: true, force: true });
      releaseMachineLab();
    }
  },
};
