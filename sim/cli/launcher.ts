/**
 * What the mirror's provider packages run: `node launcher.js openstack|random`.
 * It runs the bundled plugin (plugin.js beside it) with V8's code cache.
 *
 * Terraform starts each provider two to five times per command, and a
 * lifecycle of plans and applies starts it about 30 times, so start-up is most
 * of what the simulator costs. Compiling the 1.4 MB bundle afresh took about
 * 30 ms of each start's 0.2 s of CPU (bench/README.md, "Simulator start-up").
 *
 * The cache is written beside the bundle by the first process that exits
 * without one. V8 rejects a cache made by another V8 version or flags, and
 * it is written again; it checks the source only by its length, so the build
 * (sim/cli/install.ts) replaces dist/sim/ whole and never leaves an old cache
 * beside a new bundle.
 */
import { readFileSync, renameSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { Script } from "node:vm";

const bundle = path.join(__dirname, "plugin.js");
const cacheFile = `${bundle}.v8-cache`;

let cachedData: Buffer | undefined;
try {
  cachedData = readFileSync(cacheFile);
} catch {
  cachedData = undefined; // first start after a build
}

// The same wrapper Node puts around a CommonJS module; the bundle requires only Node's built-ins.
const script = new Script(`(function (exports, require, module, __filename, __dirname) {${readFileSync(bundle, "utf8")}\n})`, {
  filename: bundle,
  cachedData,
});

if (cachedData === undefined || script.cachedDataRejected) {
  // At exit the cache also holds the functions compiled while serving Terraform, not only the top level.
  process.on("exit", () => {
    const partial = `${cacheFile}.${process.pid}`;
    try {
      writeFileSync(partial, script.createCachedData());
      renameSync(partial, cacheFile); // atomic: concurrent starts read an old cache or a whole new one
    } catch {
      // A read-only checkout only loses the speed-up.
    }
  });
}

const pluginModule = { exports: {} };
script.runInThisContext()(pluginModule.exports, require, pluginModule, bundle, __dirname);
