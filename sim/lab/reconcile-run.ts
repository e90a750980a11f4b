/**
 * One reconcile of the lab with a cloud file, as a script: what the Heat
 * endpoint runs after a scaling signal resized a group (so its HTTP server
 * never blocks on booting or stopping servers).
 * `node -r tsx/cjs sim/lab/reconcile-run.ts <cloud file>`.
 */
import { reconcile } from "./reconcile";

if (require.main === module) {
  const [cloudFile] = process.argv.slice(2);
  const stamp = () => new Date().toISOString();
  try {
    const result = reconcile({ cloudFile, log: (line) => console.log(`${stamp()} ${line}`) });
    console.log(`${stamp()} reconciled: ${result.started.length} started, ${result.removed.length} removed`);
  } catch (err) {
    console.error(`${stamp()} reconcile failed: ${(err as Error).message}`);
    process.exitCode = 1;
  }
}
