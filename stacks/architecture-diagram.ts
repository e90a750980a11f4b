/**
 * Draws an environment's architecture as SVG, from the same validated config
 * the stack is built from, so the pictures in the README cannot drift from the
 * code: `npm run diagrams` rewrites them and a test fails when they are stale.
 */
import { EnvironmentConfig } from "../config";
import { AMQP_PORT, MYSQL_PORT } from "../constructs/service-credentials";
import { DATA_DIR } from "../constructs/fractals-guest";

interface Box {
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
  readonly title: string;
  readonly lines?: string[];
  readonly kind: "edge" | "net" | "lb" | "api" | "data" | "worker";
}

const FILL: Record<Box["kind"], string> = {
  edge: "#eef2f7", net: "#ffffff", lb: "#fff4e0", api: "#e3f2fd", data: "#fde7ea", worker: "#e8f5e9",
};
const STROKE: Record<Box["kind"], string> = {
  edge: "#7a8ca5", net: "#9aa5b1", lb: "#e0a030", api: "#3d7cc9", data: "#c94a5c", worker: "#3f9a52",
};

export function architectureSvg(config: EnvironmentConfig): string {
  const width = 840;
  const prefix = `${config.app}-${config.env}`;
  const allInOne = config.topology === "all-in-one";
  const boxes: Box[] = [];
  const frames: Box[] = [];
  const arrows: [Box, Box, string][] = [];

  const internet: Box = { x: 20, y: 30, w: 200, h: 54, title: "Internet", lines: [`external network "${config.network.externalNetwork}"`], kind: "edge" };
  boxes.push(internet);

  // Row 1 inside the subnet: the API servers, side by side.
  const apiW = allInOne ? 220 : 180;
  const apiH = allInOne ? 70 : 46;
  const apiY = 170;
  const rowW = config.api.count * apiW + (config.api.count - 1) * 20;
  const apis: Box[] = [];
  for (let i = 0; i < config.api.count; i++) {
    apis.push({
      x: (width - rowW) / 2 + i * (apiW + 20), y: apiY, w: apiW, h: apiH,
      title: allInOne ? `${prefix}-controller` : `${prefix}-api-${i + 1}`,
      lines: allInOne ? ["Fractals API + MariaDB + RabbitMQ", config.api.floatingIp ? "floating IP" : ""] : [`Fractals API :${config.fractals.apiPort}`],
      kind: "api",
    });
  }
  boxes.push(...apis);
  if (config.api.antiAffinity) {
    frames.push({ x: apis[0].x - 10, y: apiY - 24, w: rowW + 20, h: apiH + 34, title: "anti-affinity server group", kind: "net" });
  }

  let entry: Box = apis[0];
  if (config.loadBalancer) {
    entry = {
      x: (width - 220) / 2, y: 20, w: 220, h: 74, title: "Octavia load balancer",
      lines: [`HTTP :80, ${config.loadBalancer.algorithm}`, `health check GET ${config.loadBalancer.healthCheck.path}`, "floating IP on the VIP"], kind: "lb",
    };
    boxes.push(entry);
    arrows.push([internet, entry, "HTTP"]);
    for (const api of apis) arrows.push([entry, api, ""]);
  } else {
    arrows.push([internet, apis[0], `HTTP :${config.fractals.apiPort}`]);
  }

  // Row 2: workers on the left, the services node on the right.
  const rowY = apiY + apiH + 60;
  const workers = config.workers;
  const apiVia = config.loadBalancer ? "results to the API via the VIP" : "";
  const worker: Box = workers.mode === "fixed"
    ? { x: 40, y: rowY, w: 290, h: 62, title: `${workers.count} fixed worker${workers.count === 1 ? "" : "s"}`, lines: [`soft-anti-affinity, ${workers.flavor}`, apiVia], kind: "worker" }
    : {
      x: 40, y: rowY, w: 290, h: 90, title: `Heat autoscaling group ${workers.min}..${workers.max}`,
      lines: [`desired ${workers.desired}, flavor ${workers.flavor}`, `Aodh: cpu rate:mean >${workers.scaleUpCpuPercent}% +1, <${workers.scaleDownCpuPercent}% -1`, apiVia], kind: "worker",
    };
  boxes.push(worker);

  if (config.services) {
    const services: Box = {
      x: width - 300, y: rowY, w: 260, h: 76, title: `${prefix}-services`,
      lines: [`MariaDB :${MYSQL_PORT}, RabbitMQ :${AMQP_PORT}`, `Cinder volume ${config.services.volumeSizeGb} GiB at ${DATA_DIR}`, config.services.preventDestroy ? "volume has prevent_destroy" : ""],
      kind: "data",
    };
    boxes.push(services);
    arrows.push([apis[apis.length - 1], services, "SQL, AMQP"]);
    arrows.push([worker, services, "AMQP"]);
  } else {
    arrows.push([worker, apis[0], "AMQP, HTTP"]);
  }

  const height = Math.max(...boxes.map((b) => b.y + b.h)) + 30;
  frames.unshift({
    x: 10, y: 120, w: width - 20, h: height - 130, title: `subnet ${config.network.cidr}`,
    lines: [`SSH from ${config.access.adminCidrs.length ? config.access.adminCidrs.join(", ") : "nowhere"}`], kind: "net",
  });

  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Helvetica, Arial, sans-serif" font-size="12">`,
    `<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#555"/></marker></defs>`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="${width - 16}" y="24" text-anchor="end" font-size="16" font-weight="bold">${esc(config.env)}</text>`,
    ...frames.map(frame),
    ...arrows.map(([a, b, label]) => arrow(a, b, label)),
    ...boxes.map(card),
  ];
  return `${parts.join("\n")}\n</svg>\n`;
}

function card(b: Box): string {
  const text = [`<text x="${b.x + 8}" y="${b.y + 17}" font-weight="bold">${esc(b.title)}</text>`];
  (b.lines ?? []).filter(Boolean).forEach((line, i) => text.push(`<text x="${b.x + 8}" y="${b.y + 33 + i * 14}">${esc(line)}</text>`));
  return `<g><rect x="${b.x}" y="${b.y}" width="${b.w}" height="${b.h}" rx="6" fill="${FILL[b.kind]}" stroke="${STROKE[b.kind]}" stroke-width="1.5"/>${text.join("")}</g>`;
}

function frame(b: Box): string {
  const lines = (b.lines ?? []).map((l, i) => `<text x="${b.x + b.w - 8}" y="${b.y + 16 + i * 14}" text-anchor="end" fill="#555">${esc(l)}</text>`).join("");
  return `<g><rect x="${b.x}" y="${b.y}" width="${b.w}" height="${b.h}" rx="8" fill="none" stroke="${STROKE[b.kind]}" stroke-dasharray="6 4"/><text x="${b.x + 8}" y="${b.y + 16}" fill="#555">${esc(b.title)}</text>${lines}</g>`;
}

/** A straight arrow between the facing edges of two boxes. */
function arrow(a: Box, b: Box, label: string): string {
  const [ax, ay] = [a.x + a.w / 2, a.y + a.h / 2];
  const [bx, by] = [b.x + b.w / 2, b.y + b.h / 2];
  const [x1, y1] = edgePoint(a, bx, by);
  const [x2, y2] = edgePoint(b, ax, ay);
  const text = label ? `<text x="${(x1 + x2) / 2 + 4}" y="${(y1 + y2) / 2 - 4}" fill="#333" font-size="11">${esc(label)}</text>` : "";
  return `<g><line x1="${r(x1)}" y1="${r(y1)}" x2="${r(x2)}" y2="${r(y2)}" stroke="#555" stroke-width="1.3" marker-end="url(#arrow)"/>${text}</g>`;
}

/** Where the line from the box's centre towards (tx, ty) leaves the box. */
function edgePoint(b: Box, tx: number, ty: number): [number, number] {
  const [cx, cy] = [b.x + b.w / 2, b.y + b.h / 2];
  const [dx, dy] = [tx - cx, ty - cy];
  const scale = Math.min(dx === 0 ? Infinity : (b.w / 2) / Math.abs(dx), dy === 0 ? Infinity : (b.h / 2) / Math.abs(dy));
  return [cx + dx * scale, cy + dy * scale];
}

function r(n: number): number {
  return Math.round(n * 10) / 10;
}

function esc(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}
