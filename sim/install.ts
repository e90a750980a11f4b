/**
 * Installs the simulator for an offline Terraform: compiles the plugin to
 * JavaScript, writes a filesystem mirror whose provider "packages" are small
 * launchers, and a CLI config that takes these two providers from the mirror.
 *
 *   npx ts-node --transpile-only sim/install.ts [dir]   (default: .sim/)
 *
 * Terraform starts a provider several times per command, so the plugin runs
 * precompiled (ts-node would add its start-up to every one of them).
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import * as ts from "typescript";
import { REPO_ROOT } from "./paths";

const OPENSTACK_SOURCE = "registry.terraform.io/terraform-provider-openstack/openstack";
const OPENSTACK_VERSION = "3.4.0";
const RANDOM_SOURCE = "registry.terraform.io/hashicorp/random";
/** The version @cdktf/provider-random 12.0.1 pins in the synthesized required_providers. */
const RANDOM_VERSION = "3.7.2";

const DEFAULT_SIM_DIR = path.join(REPO_ROOT, ".sim");
const SIM_DIR = path.join(REPO_ROOT, "sim");
const BUILD_DIR = path.join(REPO_ROOT, "dist", "sim");

export interface SimInstallation {
  /** Point TF_CLI_CONFIG_FILE at it. */
  readonly cliConfigFile: string;
  readonly mirrorDir: string;
  /** Environment for terraform / cdktf commands that should use the simulator. */
  readonly env: Record<string, string>;
}

/** Builds the plugin if its sources changed, then writes the mirror and CLI config under `dir`. */
export function installSimulator(dir: string = DEFAULT_SIM_DIR): SimInstallation {
  const entry = buildPlugin();
  const mirrorDir = path.join(dir, "mirror");
  const platform = `${process.platform}_${process.arch === "x64" ? "amd64" : process.arch}`;
  const providers = [
    { source: OPENSTACK_SOURCE, version: OPENSTACK_VERSION, mode: "openstack" },
    { source: RANDOM_SOURCE, version: RANDOM_VERSION, mode: "random" },
  ];
  for (const p of providers) {
    const name = p.source.split("/").pop();
    const packageDir = path.join(mirrorDir, p.source, p.version, platform);
    mkdirSync(packageDir, { recursive: true });
    writeIfChanged(
      path.join(packageDir, `terraform-provider-${name}_v${p.version}`),
      `#!/bin/sh\n# Simulated ${p.source} ${p.version} (fractals-infra sim/)\nexec "${process.execPath}" "${entry}" ${p.mode}\n`,
      0o755,
    );
  }
  const sources = JSON.stringify(providers.map((p) => p.source));
  const cliConfigFile = path.join(dir, "terraformrc");
  writeIfChanged(cliConfigFile, [
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
  ].join("\n"));
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
 * Transpiles main.ts and what it imports into dist/sim (type checking is
 * `npm run build`'s job), copying the .proto files beside them. Rebuilds only
 * when the sources' hash changed; concurrent callers wait on a lock directory.
 */
function buildPlugin(): string {
  const files = pluginSources();
  const hash = createHash("sha256");
  for (const file of files) hash.update(file).update(readFileSync(file));
  const digest = hash.digest("hex");
  const stamp = path.join(BUILD_DIR, ".sources-sha256");
  const entry = path.join(BUILD_DIR, "main.js");
  if (existsSync(stamp) && readFileSync(stamp, "utf8") === digest) return entry;

  const lock = `${BUILD_DIR}.lock`;
  mkdirSync(path.dirname(BUILD_DIR), { recursive: true });
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST" || Date.now() > deadline) throw err;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100);
    }
  }
  try {
    if (existsSync(stamp) && readFileSync(stamp, "utf8") === digest) return entry;
    const staging = `${BUILD_DIR}.${process.pid}.tmp`;
    rmSync(staging, { recursive: true, force: true });
    for (const file of files) {
      const relative = path.relative(SIM_DIR, file);
      const target = path.join(staging, relative.endsWith(".ts") ? relative.replace(/\.ts$/, ".js") : relative);
      mkdirSync(path.dirname(target), { recursive: true });
      const text = readFileSync(file, "utf8");
      writeFileSync(target, file.endsWith(".ts") ? ts.transpileModule(text, {
        compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
        fileName: file,
      }).outputText : text);
    }
    writeFileSync(path.join(staging, ".sources-sha256"), digest);
    rmSync(BUILD_DIR, { recursive: true, force: true });
    renameSync(staging, BUILD_DIR);
    return entry;
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/** main.ts, the sim modules it reaches through relative imports, and the .proto files. */
function pluginSources(): string[] {
  const found = new Set<string>();
  const visit = (file: string) => {
    if (found.has(file)) return;
    found.add(file);
    const text = readFileSync(file, "utf8");
    for (const match of text.matchAll(/(?:from|require\()\s*"(\.{1,2}\/[^"]+)"/g)) {
      const target = path.resolve(path.dirname(file), `${match[1]}.ts`);
      if (target.startsWith(SIM_DIR + path.sep) && existsSync(target)) visit(target);
    }
  };
  visit(path.join(SIM_DIR, "main.ts"));
  const protos = ["tfplugin5.proto", "grpc-controller.proto"].map((p) => path.join(SIM_DIR, "proto", p));
  return [...found, ...protos].sort();
}

function writeIfChanged(file: string, content: string, mode?: number): void {
  if (existsSync(file) && readFileSync(file, "utf8") === content) return;
  writeFileSync(file, content, { mode });
}

if (require.main === module) {
  const installation = installSimulator(process.argv[2] ? path.resolve(process.argv[2]) : undefined);
  console.log(`simulator installed: export TF_CLI_CONFIG_FILE=${installation.cliConfigFile} CHECKPOINT_DISABLE=1`);
}
