/**
 * The simulator's executable, bundled into dist/sim/plugin.js and started by
 * launcher.ts as `node launcher.js openstack` or `node launcher.js random`.
 * Terraform starts it from the launchers `sim/install.ts` writes into the
 * filesystem mirror; FRACTALS_SIM_STATE names the cloud's file and
 * FRACTALS_SIM_FAULTS injects failures (see sim/README.md).
 */
import { OpenStackProvider } from "../openstack/openstack-provider";
import { protoDirectory, servePlugin, SimProvider } from "../protocol/plugin-server";
import { RandomProvider } from "../random/random-provider";

function providerFor(mode: string | undefined): SimProvider {
  if (mode === "openstack") {
    return new OpenStackProvider({ stateFile: process.env.FRACTALS_SIM_STATE || undefined, faults: process.env.FRACTALS_SIM_FAULTS });
  }
  if (mode === "random") return new RandomProvider();
  process.stderr.write(`usage: launcher.js openstack|random (got ${JSON.stringify(mode)})\n`);
  process.exit(2);
}

servePlugin(providerFor(process.argv[2]), protoDirectory()).catch((err: unknown) => {
  process.stderr.write(`simulated provider failed to start: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
