/**
 * The simulator's executable, bundled into dist/sim/plugin.js and started by
 * launcher.ts as `node launcher.js openstack` or `node launcher.js random`.
 * Terraform starts it from the launchers `sim/install.ts` writes into the
 * filesystem mirror; FRACTALS_SIM_STATE names the cloud's file and
 * FRACTALS_SIM_FAULTS injects failures (see sim/README.md).
 *
 * `node launcher.js reattach` serves both providers in one long-lived process
 * instead and prints, as one line on stdout, the TF_REATTACH_PROVIDERS value
 * that points Terraform at them: Terraform then starts no provider process of
 * its own and leaves this one running ("Test": true), for as many commands as
 * share its environment. The test harness (__tests__/sim/harness.ts) runs
 * terraform this way: each command started each provider 2 to 10 times,
 * most of the simulator suites' CPU (bench/README.md, "Inner-loop suite").
 * It ends with its parent, or on SIGTERM.
 */
import { OPENSTACK, RANDOM } from "../../providers/vendored";
import { OpenStackProvider } from "../openstack/openstack-provider";
import { listen, protoDirectory, servePlugin, SimProvider } from "../protocol/plugin-server";
import { RandomProvider } from "../random/random-provider";

function providerFor(mode: string | undefined): SimProvider {
  if (mode === "openstack") {
    return new OpenStackProvider({ stateFile: process.env.FRACTALS_SIM_STATE || undefined, faults: process.env.FRACTALS_SIM_FAULTS });
  }
  if (mode === "random") return new RandomProvider();
  process.stderr.write(`usage: launcher.js openstack|random|reattach (got ${JSON.stringify(mode)})\n`);
  process.exit(2);
}

async function serveForReattach(): Promise<void> {
  const parent = process.ppid;
  setInterval(() => process.ppid !== parent && process.exit(0), 1000).unref();
  process.on("SIGTERM", () => process.exit(0)); // through "exit": the launcher may write V8's code cache
  const reattach: Record<string, unknown> = {};
  for (const [source, mode] of [
    [OPENSTACK.source, "openstack"],
    [RANDOM.source, "random"],
  ]) {
    const port = await listen(providerFor(mode), protoDirectory());
    reattach[source] = {
      Protocol: "grpc",
      ProtocolVersion: 5,
      Pid: process.pid,
      Test: true,
      Addr: { Network: "tcp", String: `127.0.0.1:${port}` },
    };
  }
  process.stdout.write(`${JSON.stringify(reattach)}\n`);
}

(process.argv[2] === "reattach" ? serveForReattach() : servePlugin(providerFor(process.argv[2]), protoDirectory())).catch(
  (err: unknown) => {
    process.stderr.write(`simulated provider failed to start: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  },
);
