/**
 * The lab's Heat API, as far as servers use it: the native wait condition
 * handle's signal URL. A small detached daemon on the host's external
 * address (203.0.113.1:8004, which servers reach through their router's
 * SNAT) that records each signal per stack and handle under .sim/lab/signals.
 * Run as a script: `node -r tsx/cjs sim/lab/heat-endpoint.ts <host> <port> <dir>`.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync } from "node:fs";
import * as http from "node:http";
import * as path from "node:path";

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
  return readFileSync(file, "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l) as Signal);
}

export function serve(host: string, port: number, dir: string): http.Server {
  mkdirSync(dir, { recursive: true });
  const server = http.createServer((req, res) => {
    const match = req.method === "POST" ? SIGNAL_PATH.exec((req.url ?? "").split("?")[0]) : null;
    if (!match) {
      res.writeHead(404, { "content-type": "application/json" }).end('{"error": "not found"}\n');
      return;
    }
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
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
      appendFileSync(signalFile(dir, match[2], match[3]), `${JSON.stringify(signal)}\n`);
      res.writeHead(200, { "content-type": "application/json" }).end("null\n");
    });
  });
  server.listen(port, host);
  return server;
}

if (require.main === module) {
  const [host, port, dir] = process.argv.slice(2);
  serve(host, Number(port), dir);
}
