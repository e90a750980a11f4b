/**
 * Installs the simulator for an offline Terraform: bundles the plugin into
 * one JavaScript file, writes a filesystem mirror whose provider "packages"
 * are small launchers, and a CLI config that takes these two providers from
 * the mirror.
 *
 *   node -r tsx/cjs sim/cli/install.ts [dir]   (default: .sim/, or $FRACTALS_SIM_DIR)
 *
 * Terraform starts a provider several times per command, so the plugin runs
 * prebuilt (a TypeScript runner would add its start-up to every one of them).
 */
import { createHash } from "node:crypto";
import * as esbuild from "esbuild";
import { copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { OPENSTACK, RANDOM } from "../../providers/vendored";
import { withLockFile } from "../provider/lock-file";
import { REPO_ROOT, SIM_WORK_DIR } from "./paths";
import { parseCommandLine, runCommand, UsageError } from "../../cli-args";

const SIM_DIR = path.join(REPO_ROOT, "sim");
const BUILD_DIR = path.join(REPO_ROOT, "dist", "sim");

export interface SimInstallation {
  /** Point TF_CLI_CONFIG_FILE at it. */
  readonly cliConfigFile: string;
  readonly mirrorDir: string;
  /** Environment for terraform / cdktf commands that should use the simulator. */
  readonly env: Record<string, string>;
}

export interface InstallOptions {
  /** The JavaScript file the mirror's packages run with the provider's name; default: the bundled plugin's launcher (bench/ measures others). */
  readonly plugin?: string;
}

/** Builds the plugin if its sources changed, then writes the mirror and CLI config under `dir`. */
export function installSimulator(dir: string = SIM_WORK_DIR, options: InstallOptions = {}): SimInstallation {
  const launcher = options.plugin ?? buildPlugin();
  const mirrorDir = path.join(dir, "mirror");
  const platform = `${process.platform}_${process.arch === "x64" ? "amd64" : process.arch}`;
  const providers = [
    { source: OPENSTACK.source, version: OPENSTACK.version, mode: "openstack" },
    { source: RANDOM.source, version: RANDOM.version, mode: "random" },
  ];
  for (const p of providers) {
    const name = p.source.split("/").pop();
    const packageDir = path.join(mirrorDir, p.source, p.version, platform);
    mkdirSync(packageDir, { recursive: true });
    writeIfChanged(
      path.join(packageDir, `terraform-provider-${name}_v${p.version}`),
      `#!/bin/sh\n# Simulated ${p.source} ${p.version} (fractals-infra sim/)\nexec "${process.execPath}" "${launcher}" ${p.mode}\n`,
      0o755,
    );
  }
  const sources = JSON.stringify(providers.map((p) => p.source));
  const cliConfigFile = path.join(dir, "terraformrc");
  writeIfChanged(
    cliConfigFile,
    [
      "# Written by sim/install.ts: the OpenStack and random providers come from the simulator's mirror.",
      "provider_installation {",
      "  filesystem_mirror {",
      `    path    = ${JSON.stringify(mirrorDir)}`,
      `    include = ${sources}`,
      "  }",
      "  direct {",
      `    exclude = ${sources}`,
      "  }",
      "}",
      "",
    ].join("\n"),
  );
  return {
    cliConfigFile,
    mirrorDir,
    env: {
      TF_CLI_CONFIG_FILE: cliConfigFile,
      CHECKPOINT_DISABLE: "1",
      // cdktf would point Terraform at a shared plugin cache, which could keep an older launcher.
      CDKTF_DISABLE_PLUGIN_CACHE_ENV: "1",
    },
  };
}

/**
 * Bundles main.ts with everything it imports into dist/sim/plugin.js, and
 * launcher.ts beside it (type checking is tsc's job, in `npm test`). One file
 * starts faster than the ~150 modules it replaces, and the launcher adds
 * V8's code cache (bench/README.md, "Simulator start-up"). Rebuilds only when
 * an input changed; concurrent callers wait on a lock file. Returns the
 * launcher's path.
 */
export function buildPlugin(): string {
  const launcher = path.join(BUILD_DIR, "launcher.js");
  const stamp = path.join(BUILD_DIR, ".build-inputs.json");
  if (isFresh(stamp)) return launcher;

  return withLockFile(`${BUILD_DIR}.lock`, { timeoutMs: 60_000, pollMs: 100, what: "the simulator's build" }, () => {
    if (isFresh(stamp)) return launcher;
    const staging = `${BUILD_DIR}.${process.pid}.tmp`;
    rmSync(staging, { recursive: true, force: true });
    const { metafile } = esbuild.buildSync({
      absWorkingDir: REPO_ROOT,
      entryPoints: { plugin: path.join(SIM_DIR, "provider", "main.ts"), launcher: path.join(SIM_DIR, "cli", "launcher.ts") },
      outdir: staging,
      bundle: true,
      platform: "node",
      target: "node20", // package.json's engines
      format: "cjs",
      metafile: true,
      logLevel: "silent",
    });
    mkdirSync(path.join(staging, "proto"));
    for (const proto of PROTO_FILES) copyFileSync(path.join(SIM_DIR, "protocol", "proto", proto), path.join(staging, "proto", proto));
    // Our own sources by content; node_modules through the lockfile, which pins every version bundled.
    const inputs = [
      ...Object.keys(metafile.inputs).filter((input) => !input.startsWith("node_modules/")),
      ...PROTO_FILES.map((proto) => path.join("sim", "protocol", "proto", proto)),
      "package-lock.json",
    ].sort();
    writeFileSync(path.join(staging, ".build-inputs.json"), JSON.stringify(digests(inputs), null, 2));
    rmSync(BUILD_DIR, { recursive: true, force: true });
    renameSync(staging, BUILD_DIR);
    return launcher;
  });
}

const PROTO_FILES = ["tfplugin5.proto", "grpc-controller.proto"];

/** Whether the last build's inputs (paths relative to the checkout) are unchanged, and built by this esbuild. */
export function isFresh(stamp: string): boolean {
  let recorded: Record<string, string>;
  try {
    recorded = JSON.parse(readFileSync(stamp, "utf8")) as Record<string, string>;
  } catch {
    return false; // never built, or an interrupted build: build again
  }
  const now = digests(Object.keys(recorded).filter((key) => key !== "esbuild"));
  return Object.entries(now).every(([key, value]) => recorded[key] === value) && Object.keys(recorded).length === Object.keys(now).length;
}

function digests(inputs: string[]): Record<string, string> {
  const out: Record<string, string> = { esbuild: esbuild.version };
  for (const input of inputs) {
    const file = path.join(REPO_ROOT, input);
    out[input] = existsSync(file) ? createHash("sha256").update(readFileSync(file)).digest("hex") : "missing";
  }
  return out;
}

function writeIfChanged(file: string, content: string, mode?: number): void {
  if (existsSync(file) && readFileSync(file, "utf8") === content) return;
  writeFileSync(file, content, { mode });
}

const USAGE = `Usage: node -r tsx/cjs sim/cli/install.ts [directory]
  Installs the simulated providers as a Terraform filesystem mirror in <directory> (default .sim/, or $FRACTALS_SIM_DIR)
  and prints the TF_CLI_CONFIG_FILE to export for terraform to use it.`;

if (require.main === module) {
  runCommand("install", () => {
    const { values, positionals } = parseCommandLine(process.argv.slice(2), {}, true);
    if (values.help) {
      console.log(USAGE);
      return 0;
    }
    if (positionals.length > 1) throw new UsageError(`one directory at most, got ${positionals.length}: ${positionals.join(" ")}`);
    const installation = installSimulator(positionals[0] ? path.resolve(positionals[0]) : undefined);
    console.log(`simulator installed: export TF_CLI_CONFIG_FILE=${installation.cliConfigFile} CHECKPOINT_DISABLE=1`);
    return 0;
  });
}
