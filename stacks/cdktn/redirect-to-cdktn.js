/**
 * Preloaded with `node -r`: every `require("cdktf")` (ours, the generated
 * provider bindings', @cdktf/provider-random's) loads CDK Terrain's `cdktn`
 * instead, and `constructs` the version cdktn was installed with. The
 * project's code runs unchanged: that is the claim under test.
 * CDKTN_PREFIX names the directory cdktn was installed into.
 */
"use strict";
const Module = require("node:module");
const path = require("node:path");

const prefix = process.env.CDKTN_PREFIX;
if (!prefix) throw new Error("redirect-to-cdktn.js: set CDKTN_PREFIX to the directory cdktn is installed in");
const modules = path.join(prefix, "node_modules");
const targets = { cdktf: path.join(modules, "cdktn"), constructs: path.join(modules, "constructs") };

const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, parent, ...rest) {
  const [name, ...sub] = request.split("/");
  if (Object.prototype.hasOwnProperty.call(targets, name)) {
    return resolve.call(this, [targets[name], ...sub].join("/"), parent, ...rest);
  }
  return resolve.call(this, request, parent, ...rest);
};
