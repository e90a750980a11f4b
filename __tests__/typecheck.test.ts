/**
 * `npm test` type-checks too: jest only transpiles (ts-jest, isolatedModules),
 * so without this a type error anywhere (constructs, sim, bench, the tests
 * themselves) would pass every test. It runs `npm run typecheck`'s compiler in
 * its own jest worker, beside the other files.
 */
import { spawnSync } from "node:child_process";
import * as path from "node:path";

const ROOT = path.resolve(__dirname, "..");

jest.setTimeout(120_000);

test("the whole project type-checks (tsc --noEmit, as `npm run typecheck`)", () => {
  const tsc = spawnSync(process.execPath, [require.resolve("typescript/bin/tsc"), "--noEmit", "-p", ROOT], { cwd: ROOT, encoding: "utf8" });
  // tsc prints its diagnostics on stdout, one `file(line,col): error TSnnnn: ...` each.
  expect(`${tsc.stdout}${tsc.stderr}`.trim()).toBe("");
  expect(tsc.status).toBe(0);
});
