/**
 * The lab's Heat API, as far as servers and alarms use it: the native signal
 * URL of a resource. A small detached daemon on the host's external address
 * (203.0.113.1:8004, which servers reach through their router's SNAT) that
 * records each signal per stack and handle under .sim/lab/signals. Given the
 * cloud file, it is also Heat's engine for signals: a signal to an
 * OS::Heat::ScalingPolicy (what Aodh's alarm action posts) resizes the group
 * in the simulated cloud and reconciles the lab in a child process; a wait
 * condition signal from a new member ends the scaling action, which starts
 * the cooldown.
 * As Heat's API does, it refuses a signal without the right credentials (401):
 * a wait condition handle's carries the handle's own token, which only the
 * member's user data was given; a scaling policy's native signal URL is
 * Aodh's, which holds a Keystone trust: in the lab the control plane is the
 * host, so only a request from the host's own address is taken (a server's
 * arrives from its router's address).
 * Run as a script: `node -r tsx/cjs sim/lab/heat-endpoint.ts <host> <port> <dir> [<cloud file> <time scale>]`.
 */
import { spawn } from "node:child_process";
import { appendFileSync, closeSync, existsSync, mkdirSync, openSync, readFileSync } from "node:fs";
import * as http from "node:http";
import * as path from "node:path";
import { Cloud } from "../openstack/cloud";
import { finishScaling, scalingGroups, signalScalingPolicy, STACK, waitHandle } from "../openstack/orchestration";
import { CloudError } from "../provider/diagnostics";
import { reconcileRunLog } from "./paths";

export interface Signal {
  readonly status: string;
  readonly reason: string;
  readonly data: string;
  readonly id: string;
  readonly at: string;
}

const SIGNAL_PATH = /^\/v1\/[^/]+\/stacks\/([^/]+)\/([^/]+)\/resources\/([^/]+)\/signal$/;

export const signalFile = (dir: string, stackId: string, handle: string) => path.join(dir, `${stackId}--${handle}.jsonl`);

/** The signals a handle has received, oldest first. */
export function readSignals(dir: string, stackId: string, handle: string): Signal[] {
  const file = signalFile(dir, stackId, handle);
  if (!existsSync(file)) return [];
  return readFileSync(file, "utf8")
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Signal);
}

/** Heat's engine side, when the endpoint knows the cloud. */
export interface HeatEngine {
  readonly cloudFile: string;
  readonly timeScale: number;
  /** Where scaling events are logged (JSON lines). */
  readonly eventsFile: string;
  /** Makes the lab match the cloud after a resize. */
  readonly reconcile: () => void;
}

/** The resource type a signal is for, from the cloud's copy of the stack's template (null: unknown stack or resource). */
function resourceType(cloudFile: string, stackId: string, resource: string): string | null {
  const stack = Cloud.load(cloudFile).get(STACK, stackId);
  const opts = stack?.state.template_opts as { Bin?: unknown } | undefined;
  try {
    const template = JSON.parse(String(opts?.Bin ?? "")) as { resources?: Record<string, { type?: string }> };
    return template.resources?.[resource]?.type ?? null;
  } catch {
    return null;
  }
}

/** Why a signal is refused (null: it is taken): see the header. `policy`: the resource is a scaling policy. */
function unauthorized(
  req: http.IncomingMessage,
  host: string,
  policy: boolean,
  stack: { name: string; id: string },
  resource: string,
): string | null {
  if (policy) {
    if (req.socket.remoteAddress === host) return null;
    return `${resource} is signalled by Aodh through its trust (the lab's host, ${host}), not from ${req.socket.remoteAddress}`;
  }
  if (req.headers["x-auth-token"] === waitHandle(stack, resource).token) return null;
  return "The request you have made requires authentication.";
}

function handleSignal(
  dir: string,
  engine: HeatEngine | undefined,
  policy: boolean,
  stackId: string,
  resource: string,
  signal: Signal,
): { status: number; body: string } {
  if (engine && policy) {
    try {
      const event = Cloud.transact(engine.cloudFile, (cloud) =>
        signalScalingPolicy(cloud, stackId, resource, { nowMs: Date.now(), timeScale: engine.timeScale }),
      );
      appendFileSync(engine.eventsFile, `${JSON.stringify({ ...event, stack_id: stackId, at: new Date(event.at_ms).toISOString() })}\n`);
      if (event.outcome === "scaled") engine.reconcile();
      return { status: 200, body: "null\n" };
    } catch (err) {
      const status = err instanceof CloudError ? err.status : 500;
      return { status, body: `${JSON.stringify({ error: (err as Error).message })}\n` };
    }
  }
  appendFileSync(signalFile(dir, stackId, resource), `${JSON.stringify(signal)}\n`);
  if (engine) finishScalingActions(dir, engine);
  return { status: 200, body: "null\n" };
}

/** Ends the scaling actions whose new members have signalled (or failed, or timed out): their cooldown starts now. */
function finishScalingActions(dir: string, engine: HeatEngine): void {
  if (!scalingGroups(Cloud.load(engine.cloudFile)).some((g) => g.in_progress)) return;
  const signalled = (w: { stackId: string; handle: string; count: number }) => {
    const signals = readSignals(dir, w.stackId, w.handle);
    return signals.some((s) => s.status === "FAILURE") || signals.filter((s) => s.status === "SUCCESS").length >= w.count;
  };
  const finished = Cloud.transact(engine.cloudFile, (cloud) => finishScaling(cloud, signalled, Date.now()));
  for (const g of finished) {
    appendFileSync(
      engine.eventsFile,
      `${JSON.stringify({ at_ms: Date.now(), at: new Date().toISOString(), stack_id: g.stack_id, group: g.group, outcome: "finished", size: g.members.length })}\n`,
    );
  }
}

export function serve(host: string, port: number, dir: string, engine?: HeatEngine): http.Server {
  mkdirSync(dir, { recursive: true });
  if (engine) setInterval(() => finishScalingActions(dir, engine), 5000).unref();
  const server = http.createServer((req, res) => {
    const match = req.method === "POST" ? SIGNAL_PATH.exec((req.url ?? "").split("?")[0]) : null;
    if (!match) {
      res.writeHead(404, { "content-type": "application/json" }).end('{"error": "not found"}\n');
      return;
    }
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      // Read from the cloud file once per signal: both the check and Heat's engine depend on it.
      const policy = engine !== undefined && resourceType(engine.cloudFile, match[2], match[3]) === "OS::Heat::ScalingPolicy";
      const refused = unauthorized(req, host, policy, { name: match[1], id: match[2] }, match[3]);
      if (refused) {
        res.writeHead(401, { "content-type": "application/json" }).end(`${JSON.stringify({ error: refused })}\n`);
        return;
      }
      let parsed: Record<string, unknown> = {};
      try {
        parsed = body.trim() ? (JSON.parse(body) as Record<string, unknown>) : {};
      } catch {
        res.writeHead(400).end('{"error": "body is not JSON"}\n');
        return;
      }
      // Heat's native handle: a missing status means SUCCESS.
      const signal: Signal = {
        status: String(parsed.status ?? "SUCCESS").toUpperCase(),
        reason: String(parsed.reason ?? "Signal received"),
        data: typeof parsed.data === "string" ? parsed.data : JSON.stringify(parsed.data ?? null),
        id: String(parsed.id ?? ""),
        at: new Date().toISOString(),
      };
      const answer = handleSignal(dir, engine, policy, match[2], match[3], signal);
      res.writeHead(answer.status, { "content-type": "application/json" }).end(answer.body);
    });
  });
  server.listen(port, host);
  return server;
}

/** Runs reconciles one at a time in a child process (they take the machine's lab lock and may take a while); a request meanwhile runs once more after. */
function reconciler(cloudFile: string, timeScale: number, logFile: string): () => void {
  let running = false;
  let again = false;
  const start = (): void => {
    running = true;
    again = false;
    const out = openSync(logFile, "a");
    const child = spawn(process.execPath, ["-r", require.resolve("tsx/cjs"), path.join(__dirname, "reconcile-run.ts"), cloudFile], {
      stdio: ["ignore", out, out],
      env: { ...process.env, FRACTALS_LAB_TIME_SCALE: String(timeScale) },
    });
    closeSync(out);
    child.on("exit", () => {
      running = false;
      if (again) start();
    });
  };
  return () => {
    if (running) again = true;
    else start();
  };
}

if (require.main === module) {
  const [host, port, dir, cloudFile, timeScale] = process.argv.slice(2);
  if (cloudFile) {
    const telemetry = path.join(path.dirname(dir), "telemetry");
    mkdirSync(telemetry, { recursive: true });
    const scale = Number(timeScale || 1);
    serve(host, Number(port), dir, {
      cloudFile,
      timeScale: scale,
      eventsFile: path.join(telemetry, "scaling.jsonl"),
      reconcile: reconciler(cloudFile, scale, reconcileRunLog(dir)),
    });
  } else {
    serve(host, Number(port), dir);
  }
}
