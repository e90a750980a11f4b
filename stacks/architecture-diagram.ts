/**
 * Draws an environment's architecture as SVG, from the same validated config
 * the stack is built from, so the pictures in the README cannot drift from the
 * code: `npm run diagrams` rewrites them and a test fails when they are stale.
 *
 * The layout is computed first (`architectureLayout`: cards, frames, arrows
 * and the box of every piece of text), then drawn. Text boxes are measured
 * with DejaVu Sans's advance widths, wider than Helvetica's and Arial's, so a
 * label that fits here fits in any of the fonts the SVG names. Arrow labels
 * and the server group's label are placed where no other text, card, frame
 * border or arrow is; a layout with no such place throws rather than draw
 * text over a border. The test renders the SVG (resvg) and checks all of it.
 */
import { EnvironmentConfig } from "../config";
import { DEFAULT_BASTION_FLAVOR, SSH_PORT } from "../constructs/bastion";
import { AMQP_PORT, MYSQL_PORT } from "../constructs/service-credentials";
import { DATA_DIR } from "../constructs/fractals-guest";
import { DEFAULT_LISTENER_PORT } from "../constructs/lbaas-pool";

export interface Rect {
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
}

export type CardKind = "edge" | "lb" | "api" | "data" | "worker";

/** A thing that exists: a server, a group of servers, the load balancer, the Internet. */
export interface Card extends Rect {
  readonly id: string;
  readonly kind: CardKind;
  readonly title: string;
  readonly lines: readonly string[];
}

/** A dashed boundary: the subnet, the anti-affinity server group. */
export interface Frame extends Rect {
  readonly id: string;
}

/** One piece of text and the box it covers (from its baseline, the font's ascent and descent, and its measured width). */
export interface Label extends Rect {
  readonly text: string;
  /** The card, frame or arrow (`arrow:<from>-><to>`) it belongs to, or `canvas`. */
  readonly owner: string;
  readonly baselineX: number;
  readonly baselineY: number;
  readonly anchor: "start" | "end";
  readonly size: number;
  readonly bold: boolean;
  readonly fill: string;
}

/** An arrow from one card to another: an orthogonal polyline ending on the target's border. */
export interface Arrow {
  readonly from: string;
  readonly to: string;
  readonly points: readonly (readonly [number, number])[];
  /** What flows along it (shown once per group of arrows that share a label). */
  readonly label?: string;
}

export interface Layout {
  readonly width: number;
  readonly height: number;
  readonly cards: readonly Card[];
  readonly frames: readonly Frame[];
  readonly arrows: readonly Arrow[];
  readonly labels: readonly Label[];
}

/** The fonts the SVG asks for; DejaVu Sans (what Debian and the test render with) is the widest of them. */
export const FONT_FAMILY = "Helvetica, Arial, DejaVu Sans, sans-serif";

const FILL: Record<CardKind, string> = { edge: "#eef2f7", lb: "#fff4e0", api: "#e3f2fd", data: "#fde7ea", worker: "#e8f5e9" };
const STROKE: Record<CardKind | "net", string> = {
  edge: "#7a8ca5",
  net: "#9aa5b1",
  lb: "#e0a030",
  api: "#3d7cc9",
  data: "#c94a5c",
  worker: "#3f9a52",
};

/** DejaVu Sans advance widths in em, printable ASCII from the space on (measured with resvg); anything else counts as 1 em. */
const ASCII = " !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~";
const REGULAR = [
  0.318, 0.401, 0.46, 0.838, 0.637, 0.951, 0.78, 0.275, 0.391, 0.391, 0.5, 0.838, 0.318, 0.361, 0.317, 0.337, 0.637, 0.637, 0.637, 0.637,
  0.637, 0.637, 0.637, 0.637, 0.637, 0.637, 0.337, 0.337, 0.838, 0.838, 0.838, 0.531, 1, 0.711, 0.687, 0.699, 0.771, 0.632, 0.576, 0.775,
  0.752, 0.295, 0.295, 0.656, 0.558, 0.863, 0.749, 0.788, 0.604, 0.788, 0.695, 0.635, 0.595, 0.732, 0.685, 0.989, 0.686, 0.611, 0.686,
  0.391, 0.337, 0.391, 0.838, 0.5, 0.5, 0.613, 0.635, 0.55, 0.635, 0.616, 0.345, 0.635, 0.634, 0.278, 0.278, 0.58, 0.278, 0.975, 0.634,
  0.612, 0.635, 0.635, 0.395, 0.521, 0.393, 0.634, 0.592, 0.818, 0.592, 0.592, 0.525, 0.637, 0.337, 0.637, 0.838,
];
const BOLD = [
  0.349, 0.457, 0.521, 0.838, 0.696, 1.002, 0.873, 0.307, 0.458, 0.458, 0.523, 0.838, 0.38, 0.416, 0.38, 0.366, 0.696, 0.696, 0.696, 0.696,
  0.696, 0.696, 0.696, 0.696, 0.696, 0.696, 0.4, 0.4, 0.838, 0.838, 0.838, 0.581, 1, 0.774, 0.763, 0.734, 0.831, 0.684, 0.684, 0.821, 0.837,
  0.373, 0.373, 0.775, 0.638, 0.996, 0.837, 0.851, 0.733, 0.851, 0.771, 0.678, 0.704, 0.813, 0.774, 1.104, 0.771, 0.725, 0.726, 0.458,
  0.366, 0.458, 0.838, 0.5, 0.5, 0.675, 0.716, 0.593, 0.716, 0.679, 0.406, 0.716, 0.712, 0.343, 0.343, 0.666, 0.343, 1.042, 0.712, 0.688,
  0.716, 0.716, 0.494, 0.596, 0.479, 0.712, 0.652, 0.924, 0.646, 0.652, 0.583, 0.712, 0.366, 0.712, 0.838,
];
/** DejaVu Sans ascent and descent, in em. */
const ASCENT = 0.928;
const DESCENT = 0.236;

/** Width of `text` in pixels at `size`, as DejaVu Sans sets it (1 px of slack). */
export function textWidth(text: string, size: number, bold = false): number {
  const table = bold ? BOLD : REGULAR;
  let em = 0;
  for (const ch of text) {
    const i = ASCII.indexOf(ch);
    em += i === -1 ? 1 : table[i];
  }
  return Math.ceil(em * size) + 1;
}

function label(
  text: string,
  owner: string,
  baselineX: number,
  baselineY: number,
  opts: Partial<Pick<Label, "anchor" | "size" | "bold" | "fill">> = {},
): Label {
  const size = opts.size ?? 12;
  const bold = opts.bold ?? false;
  const anchor = opts.anchor ?? "start";
  const w = textWidth(text, size, bold);
  return {
    text,
    owner,
    baselineX,
    baselineY,
    anchor,
    size,
    bold,
    fill: opts.fill ?? "#000",
    x: anchor === "start" ? baselineX : baselineX - w,
    y: baselineY - ASCENT * size,
    w,
    h: (ASCENT + DESCENT) * size,
  };
}

const TITLE_BASELINE = 17;
const LINE_BASELINE = 33;
const LINE_STEP = 14;

/** A card just large enough for its text (at least `minW` wide). */
function card(id: string, kind: CardKind, title: string, lines: readonly string[], x: number, y: number, minW: number): Card {
  const shown = lines.filter(Boolean);
  const w = Math.max(minW, Math.max(textWidth(title, 12, true), ...shown.map((l) => textWidth(l, 12))) + 16);
  const h = shown.length === 0 ? 28 : LINE_BASELINE + (shown.length - 1) * LINE_STEP + 11;
  return { id, kind, title, lines: shown, x, y, w, h };
}

function cardLabels(c: Card): Label[] {
  return [
    label(c.title, c.id, c.x + 8, c.y + TITLE_BASELINE, { bold: true }),
    ...c.lines.map((line, i) => label(line, c.id, c.x + 8, c.y + LINE_BASELINE + i * LINE_STEP)),
  ];
}

const right = (r: Rect) => r.x + r.w;
const bottom = (r: Rect) => r.y + r.h;
const cx = (r: Rect) => r.x + r.w / 2;
const cy = (r: Rect) => r.y + r.h / 2;

export function architectureLayout(config: EnvironmentConfig): Layout {
  const prefix = `${config.app}-${config.env}`;
  const allInOne = config.topology === "all-in-one";
  const lb = config.loadBalancer;
  const cards: Card[] = [];
  const frames: Frame[] = [];
  const arrows: Arrow[] = [];

  const internet = card("internet", "edge", "Internet", [`external network "${config.network.externalNetwork}"`], 20, 20, 200);
  cards.push(internet);
  const subnetY = bottom(internet) + 36;

  // The API servers, side by side; the canvas widens so the workers' route to the VIP passes left of them.
  const apiScaling = config.api.scaling;
  const apiCards =
    apiScaling.mode === "autoscale"
      ? [
          card(
            "api-group",
            "api",
            `Heat API group ${apiScaling.min}..${apiScaling.max}`,
            [
              `Fractals API :${config.fractals.apiPort}, ${config.api.flavor}`,
              "each a server + its pool member",
              `Aodh: cpu >${apiScaling.scaleUpCpuPercent}% +1, <${apiScaling.scaleDownCpuPercent}% -1`,
            ],
            0,
            0,
            240,
          ),
        ]
      : Array.from({ length: config.api.count }, (_, i) =>
          allInOne
            ? card(
                "controller",
                "api",
                `${prefix}-controller`,
                ["Fractals API + MariaDB + RabbitMQ", config.api.floatingIp ? "floating IP" : ""],
                0,
                0,
                220,
              )
            : card(
                `api-${i + 1}`,
                "api",
                `${prefix}-api-${i + 1}`,
                [`Fractals API :${config.fractals.apiPort}`, config.api.floatingIp ? "floating IP" : ""],
                0,
                0,
                180,
              ),
        );
  const apiW = Math.max(...apiCards.map((c) => c.w));
  const apiH = Math.max(...apiCards.map((c) => c.h));
  const rowW = apiCards.length * apiW + (apiCards.length - 1) * 20;
  let width = Math.max(840, rowW + 280);

  // The load balancer, inside the subnet: its VIP is a port on it.
  const lbCard = lb
    ? card(
        "lb",
        "lb",
        "Octavia load balancer",
        [`VIP on the subnet, floating IP`, `HTTP :${DEFAULT_LISTENER_PORT}, ${lb.algorithm}`, `health check GET ${lb.healthCheck.path}`],
        0,
        subnetY + 34,
        220,
      )
    : undefined;
  const apiY = lbCard ? bottom(lbCard) + 70 : subnetY + 70;
  const group: Frame | undefined = config.api.antiAffinity
    ? { id: "server-group", x: 0, y: apiY - 26, w: rowW + 20, h: apiH + 36 }
    : undefined;
  const apiRowBottom = group ? bottom(group) : apiY + apiH;

  const workers = config.workers;
  const workerCard =
    workers.mode === "fixed"
      ? card(
          "workers",
          "worker",
          `${workers.count} fixed worker${workers.count === 1 ? "" : "s"}`,
          [`soft-anti-affinity, ${workers.flavor}`],
          40,
          0,
          260,
        )
      : card(
          "workers",
          "worker",
          `Heat autoscaling group ${workers.min}..${workers.max}`,
          [
            `desired ${workers.desired}, flavor ${workers.flavor}`,
            `Aodh: cpu rate:mean >${workers.scaleUpCpuPercent}% +1, <${workers.scaleDownCpuPercent}% -1`,
          ],
          40,
          0,
          260,
        );
  const servicesCard = config.services
    ? card(
        "services",
        "data",
        `${prefix}-services`,
        [
          `MariaDB :${MYSQL_PORT}, RabbitMQ :${AMQP_PORT}`,
          `Cinder volume ${config.services.volumeSizeGb} GiB`,
          `at ${DATA_DIR}`,
          config.services.preventDestroy ? "volume has prevent_destroy" : "",
        ],
        0,
        0,
        220,
      )
    : undefined;
  // Room between the workers and the services for the AMQP arrow and its label.
  width = Math.max(width, 40 + workerCard.w + 160 + (servicesCard?.w ?? 0) + 40);

  // Now that the width is known, place everything.
  const rowX = (width - rowW) / 2;
  const apis: Card[] = apiCards.map((c, i) => ({ ...c, x: rowX + i * (apiW + 20), y: apiY, w: apiW, h: apiH }));
  const lbPlaced = lbCard ? { ...lbCard, x: (width - lbCard.w) / 2 } : undefined;
  const groupPlaced = group ? { ...group, x: rowX - 10 } : undefined;
  const rowY = apiRowBottom + 70;
  const worker: Card = { ...workerCard, y: rowY };
  const services: Card | undefined = servicesCard ? { ...servicesCard, x: width - 40 - servicesCard.w, y: rowY } : undefined;
  // The bastion, where the config opens SSH: top right of the subnet, beside the load balancer.
  const bastionCard =
    config.access.adminCidrs.length > 0
      ? card(
          "bastion",
          "edge",
          `${prefix}-bastion`,
          [`SSH jump host, ${DEFAULT_BASTION_FLAVOR}, floating IP`, "the servers admit SSH from it only"],
          0,
          subnetY + 34,
          180,
        )
      : undefined;
  const bastion = bastionCard ? { ...bastionCard, x: width - 40 - bastionCard.w } : undefined;
  cards.push(...(lbPlaced ? [lbPlaced] : []), ...apis, worker, ...(services ? [services] : []), ...(bastion ? [bastion] : []));

  const height = Math.max(...cards.map(bottom)) + 40;
  const subnet: Frame = { id: "subnet", x: 10, y: subnetY, w: width - 20, h: height - 10 - subnetY };
  frames.push(subnet, ...(groupPlaced ? [groupPlaced] : []));

  // Arrows. From the Internet: to the load balancer's floating IP, or to the API server's own.
  const entry = lbPlaced ?? apis[0];
  arrows.push({
    from: internet.id,
    to: entry.id,
    points: [
      [right(internet), cy(internet)],
      [cx(entry), cy(internet)],
      [cx(entry), entry.y],
    ],
    label: lbPlaced ? `HTTP :${DEFAULT_LISTENER_PORT} to the floating IP` : `HTTP :${config.fractals.apiPort} to the floating IP`,
  });
  if (lbPlaced) {
    // The load balancer to each member: down to a bus, across, down.
    const busY = bottom(lbPlaced) + 20;
    apis.forEach((api, i) => {
      arrows.push({
        from: lbPlaced.id,
        to: api.id,
        points: simplify([
          [cx(lbPlaced), bottom(lbPlaced)],
          [cx(lbPlaced), busY],
          [cx(api), busY],
          [cx(api), api.y],
        ]),
        label: i === 0 ? `HTTP :${config.fractals.apiPort}` : undefined,
      });
    });
  }
  if (services) {
    // Every API server talks to the database and the queue: one arrow each, joined below the row.
    const busY = (apiRowBottom + rowY) / 2;
    apis.forEach((api, i) => {
      arrows.push({
        from: api.id,
        to: services.id,
        points: simplify([
          [cx(api), bottom(api)],
          [cx(api), busY],
          [cx(services), busY],
          [cx(services), services.y],
        ]),
        label: i === apis.length - 1 ? `SQL :${MYSQL_PORT}, AMQP :${AMQP_PORT}` : undefined,
      });
    });
    const y = rowY + Math.min(worker.h, services.h) / 2;
    arrows.push({
      from: worker.id,
      to: services.id,
      points: [
        [right(worker), y],
        [services.x, y],
      ],
      label: `AMQP :${AMQP_PORT}`,
    });
  }
  if (bastion) {
    arrows.push({
      from: internet.id,
      to: bastion.id,
      points: [
        [right(internet), cy(internet)],
        [cx(bastion), cy(internet)],
        [cx(bastion), bastion.y],
      ],
      label: `SSH :${SSH_PORT} from ${config.access.adminCidrs.join(", ")}`,
    });
  }
  // The workers report results over HTTP to the VIP (or to the only API server), up the left side.
  const reportTo = lbPlaced ?? apis[0];
  const upX = worker.x + 16;
  arrows.push({
    from: worker.id,
    to: reportTo.id,
    points: [
      [upX, worker.y],
      [upX, cy(reportTo)],
      [reportTo.x, cy(reportTo)],
    ],
    label: lbPlaced
      ? "results: HTTP to the VIP"
      : services
        ? `results: HTTP :${config.fractals.apiPort}`
        : `AMQP, HTTP :${config.fractals.apiPort}`,
  });

  // Text: the cards' own, the environment's name, the frames' labels, then the arrows' labels where there is room.
  const labels: Label[] = cards.flatMap(cardLabels);
  labels.push(label(config.env, "canvas", width - 16, 24, { anchor: "end", size: 16, bold: true }));
  const layoutSoFar = { width, height, cards, frames, arrows };
  const grey = { fill: "#555" };
  labels.push(label(`subnet ${config.network.cidr}`, subnet.id, subnet.x + 8, subnet.y + 16, grey));
  // With a bastion, its card and arrow say where SSH comes from.
  if (!bastion) labels.push(label("SSH from nowhere", subnet.id, right(subnet) - 8, subnet.y + 16, { ...grey, anchor: "end" }));
  for (const placed of labels)
    if (
      !fits(
        placed,
        layoutSoFar,
        labels.filter((l) => l !== placed),
      )
    )
      throw new Error(`diagram ${config.env}: "${placed.text}" does not fit`);
  if (groupPlaced) labels.push(placeFrameLabel("anti-affinity server group", groupPlaced, layoutSoFar, labels));
  for (const a of arrows) if (a.label) labels.push(placeArrowLabel(a, layoutSoFar, labels, config.env));

  return { width, height, cards, frames, arrows, labels };
}

/** Drops points that repeat or continue a straight run. */
function simplify(points: [number, number][]): [number, number][] {
  const out: [number, number][] = [];
  for (const p of points) {
    const last = out[out.length - 1];
    if (last && last[0] === p[0] && last[1] === p[1]) continue;
    const before = out[out.length - 2];
    if (before && last && ((before[0] === last[0] && last[0] === p[0]) || (before[1] === last[1] && last[1] === p[1]))) out.pop();
    out.push(p);
  }
  return out;
}

// ---- Geometry shared with the test ----------------------------------------------------------------

export function overlaps(a: Rect, b: Rect, gap = 0): boolean {
  return a.x < b.x + b.w + gap && b.x < a.x + a.w + gap && a.y < b.y + b.h + gap && b.y < a.y + a.h + gap;
}

export function inside(inner: Rect, outer: Rect, margin = 0): boolean {
  return (
    inner.x >= outer.x + margin &&
    inner.y >= outer.y + margin &&
    right(inner) <= right(outer) - margin &&
    bottom(inner) <= bottom(outer) - margin
  );
}

/** A text box crosses a border when it is neither inside the rectangle nor clear of it. */
export function crossesBorder(text: Rect, r: Rect, margin = 2): boolean {
  return !inside(text, r, margin) && overlaps(text, r, margin);
}

/** Whether the segment from p to q passes through the rectangle (orthogonal segments only). */
export function segmentHits(p: readonly [number, number], q: readonly [number, number], r: Rect, gap = 1): boolean {
  const [x1, x2] = [Math.min(p[0], q[0]), Math.max(p[0], q[0])];
  const [y1, y2] = [Math.min(p[1], q[1]), Math.max(p[1], q[1])];
  return x1 < r.x + r.w + gap && x2 > r.x - gap && y1 < r.y + r.h + gap && y2 > r.y - gap;
}

export function segments(a: Arrow): [readonly [number, number], readonly [number, number]][] {
  return a.points.slice(1).map((q, i) => [a.points[i], q]);
}

type Partial2 = Pick<Layout, "width" | "height" | "cards" | "frames" | "arrows">;

/** Room for a text box: on the canvas, over no card (other than its own), across no frame border, under no arrow, apart from other text. */
function fits(text: Label, layout: Partial2, others: readonly Label[]): boolean {
  if (!inside(text, { x: 0, y: 0, w: layout.width, h: layout.height }, 2)) return false;
  for (const c of layout.cards) if (c.id === text.owner ? !inside(text, c, 2) : overlaps(text, c, 3)) return false;
  for (const f of layout.frames) if (crossesBorder(text, f, 3)) return false;
  for (const a of layout.arrows) for (const [p, q] of segments(a)) if (segmentHits(p, q, text, 2)) return false;
  // Lines of one card are set 14 px apart and may touch; anything else keeps 3 px away.
  return others.every((o) => !overlaps(text, o, o.owner === text.owner ? 0 : 3));
}

/** The frame's label in the band above its cards, the first place from the left that no arrow crosses. */
function placeFrameLabel(text: string, f: Frame, layout: Partial2, placed: readonly Label[]): Label {
  for (let x = f.x + 8; x + textWidth(text, 12) <= right(f) - 8; x += 2) {
    const candidate = label(text, f.id, x, f.y + 16, { fill: "#555" });
    if (fits(candidate, layout, placed)) return candidate;
  }
  throw new Error(`diagram: no room for "${text}" in its frame`);
}

/** The arrow's label beside one of its segments, as near the middle as there is room. */
function placeArrowLabel(a: Arrow, layout: Partial2, placed: readonly Label[], env: string): Label {
  const text = a.label!;
  const w = textWidth(text, 11);
  const h = (ASCENT + DESCENT) * 11;
  const owner = `arrow:${a.from}->${a.to}`;
  const along = [0.5, 0.4, 0.6, 0.3, 0.7, 0.2, 0.8, 0.1, 0.9, 0];
  const bySize = segments(a).sort(
    ([p1, q1], [p2, q2]) => Math.abs(q2[0] - p2[0]) + Math.abs(q2[1] - p2[1]) - Math.abs(q1[0] - p1[0]) - Math.abs(q1[1] - p1[1]),
  );
  for (const [p, q] of bySize) {
    const horizontal = p[1] === q[1];
    for (const t of along) {
      const [x, y] = [p[0] + (q[0] - p[0]) * t, p[1] + (q[1] - p[1]) * t];
      // Beside a horizontal segment: above, then below; beside a vertical one: right, then left.
      const spots: [number, number][] = horizontal
        ? [
            [x - w / 2, y - 4 - DESCENT * 11],
            [x - w / 2, y + 4 + ASCENT * 11],
          ]
        : [
            [x + 6, y + h / 2 - DESCENT * 11],
            [x - 6 - w, y + h / 2 - DESCENT * 11],
          ];
      for (const [bx, by] of spots) {
        const candidate = label(text, owner, Math.round(bx), Math.round(by), { size: 11, fill: "#333" });
        if (fits(candidate, layout, placed)) return candidate;
      }
    }
  }
  throw new Error(`diagram ${env}: no room for the label "${text}" of the arrow ${a.from} -> ${a.to}`);
}

// ---- Drawing ----------------------------------------------------------------------------------------

export function architectureSvg(config: EnvironmentConfig): string {
  const layout = architectureLayout(config);
  const { width, height } = layout;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="${FONT_FAMILY}" font-size="12">`,
    `<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#555"/></marker></defs>`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    ...layout.frames.map(
      (f) =>
        `<rect x="${r(f.x)}" y="${r(f.y)}" width="${r(f.w)}" height="${r(f.h)}" rx="8" fill="none" stroke="${STROKE.net}" stroke-dasharray="6 4"/>`,
    ),
    ...layout.arrows.map(
      (a) =>
        `<polyline points="${a.points.map(([x, y]) => `${r(x)},${r(y)}`).join(" ")}" fill="none" stroke="#555" stroke-width="1.3" marker-end="url(#arrow)"/>`,
    ),
    ...layout.cards.map(
      (c) =>
        `<rect x="${r(c.x)}" y="${r(c.y)}" width="${r(c.w)}" height="${r(c.h)}" rx="6" fill="${FILL[c.kind]}" stroke="${STROKE[c.kind]}" stroke-width="1.5"/>`,
    ),
    ...layout.labels.map((l) => {
      const attrs = [`x="${r(l.baselineX)}"`, `y="${r(l.baselineY)}"`];
      if (l.anchor === "end") attrs.push(`text-anchor="end"`);
      if (l.size !== 12) attrs.push(`font-size="${l.size}"`);
      if (l.bold) attrs.push(`font-weight="bold"`);
      if (l.fill !== "#000") attrs.push(`fill="${l.fill}"`);
      return `<text ${attrs.join(" ")}>${esc(l.text)}</text>`;
    }),
  ];
  return `${parts.join("\n")}\n</svg>\n`;
}

function r(n: number): number {
  return Math.round(n * 10) / 10;
}

function esc(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}
