/**
 * The bundled plugin and its launcher, outside Terraform: the bundle runs,
 * and the first process without a code cache leaves one for the next.
 */
import { spawn, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { buildPlugin, isFresh } from "../../sim/cli/install";
import { REPO_ROOT } from "../../sim/cli/paths";

describe("the simulator's launcher", () => {
  let dir: string;
  let launcher: string;

  beforeAll(() => {
    // A copy under dist/, so that it still finds the checkout, with a cache of its own.
    const built = path.dirname(buildPlugin());
    dir = mkdtempSync(path.join(REPO_ROOT, "dist", "launcher-test-"));
    cpSync(built, dir, { recursive: true, filter: (source) => !source.endsWith(".v8-cache") });
    launcher = path.join(dir, "launcher.js");
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const run = (...args: string[]) =>
    spawnSync(process.execPath, [launcher, ...args], { encoding: "utf8", env: { PATH: process.env.PATH } });

  test("runs the bundled plugin, which refuses to start outside Terraform as go-plugin does", () => {
    const result = run("openstack");
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("This binary is a plugin. These are not meant to be executed directly.");
  });

  test("names the providers it simulates when given another", () => {
    const result = run("aws");
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('usage: launcher.js openstack|random|reattach (got "aws")');
  });

  test("reattach: serves both providers in one process and prints the TF_REATTACH_PROVIDERS that points Terraform at it", async () => {
    const child = spawn(process.execPath, [launcher, "reattach"], {
      env: { PATH: process.env.PATH },
      stdio: ["ignore", "pipe", "inherit"],
    });
    try {
      const line = await new Promise<string>((resolve, reject) => {
        let out = "";
        child.stdout.on("data", (d) => {
          out += d;
          if (out.includes("\n")) resolve(out.split("\n")[0]);
        });
        child.on("exit", (code) => reject(new Error(`exited ${code}`)));
      });
      const reattach = JSON.parse(line) as Record<string, { Addr: { Network: string; String: string } }>;
      const entry = {
        Protocol: "grpc",
        ProtocolVersion: 5,
        Pid: child.pid,
        Test: true,
        Addr: { Network: "tcp", String: expect.stringMatching(/^127\.0\.0\.1:\d+$/) },
      };
      expect(reattach).toEqual({
        "registry.terraform.io/terraform-provider-openstack/openstack": entry,
        "registry.terraform.io/hashicorp/random": entry,
      });
      expect(new Set(Object.values(reattach).map((r) => r.Addr.String)).size).toBe(2);
    } finally {
      child.kill();
    }
  });

  test("leaves V8's code cache beside the bundle, and starts from it", () => {
    const cache = path.join(dir, "plugin.js.v8-cache");
    rmSync(cache, { force: true });
    run("random");
    expect(existsSync(cache)).toBe(true);
    const written = statSync(cache);
    expect(written.size).toBeGreaterThan(10_000);
    // An accepted cache is not written again.
    expect(run("random").stderr).toContain("This binary is a plugin.");
    expect(statSync(cache).mtimeMs).toBe(written.mtimeMs);
  });
});

describe("the simulator's build", () => {
  const stamp = path.join(path.dirname(buildPlugin()), ".build-inputs.json");
  const recorded = JSON.parse(readFileSync(stamp, "utf8")) as Record<string, string>;

  test("records every source the bundle holds, the .proto files and the lockfile, by content", () => {
    expect(Object.keys(recorded)).toEqual(
      expect.arrayContaining([
        "esbuild",
        "package-lock.json",
        "sim/provider/main.ts",
        "sim/cli/launcher.ts",
        "sim/protocol/plugin-server.ts",
        "sim/provider/validation.ts",
        "sim/openstack/networking.ts",
        "providers/schema/value-formats.ts",
        "sim/protocol/proto/tfplugin5.proto",
      ]),
    );
    expect(Object.keys(recorded).some((input) => input.startsWith("node_modules/"))).toBe(false);
    expect(recorded["sim/provider/main.ts"]).toMatch(/^[0-9a-f]{64}$/);
  });

  test("is fresh as built, and stale once any input differs", () => {
    const dir = mkdtempSync(path.join(REPO_ROOT, "dist", "build-stamp-test-"));
    try {
      const copy = (edit: (r: Record<string, string>) => void) => {
        const changed = { ...recorded };
        edit(changed);
        const file = path.join(dir, `stamp-${Math.random()}.json`);
        writeFileSync(file, JSON.stringify(changed));
        return file;
      };
      expect(isFresh(stamp)).toBe(true);
      expect(isFresh(copy((r) => (r["sim/provider/validation.ts"] = "0".repeat(64))))).toBe(false);
      expect(isFresh(copy((r) => (r["package-lock.json"] = "0".repeat(64))))).toBe(false);
      expect(isFresh(copy((r) => (r.esbuild = "0.0.0")))).toBe(false);
      expect(isFresh(copy((r) => (r["sim/removed-since.ts"] = "0".repeat(64))))).toBe(false);
      expect(isFresh(path.join(dir, "never-built.json"))).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
