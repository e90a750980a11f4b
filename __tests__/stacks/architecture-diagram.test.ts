import * as fs from "fs";
import * as path from "path";
import { Resvg, ResvgRenderOptions } from "@resvg/resvg-js";
import { ENVIRONMENTS, loadEnvironments } from "../../config";
import {
  architectureLayout,
  architectureSvg,
  crossesBorder,
  FONT_FAMILY,
  inside,
  Layout,
  overlaps,
  segmentHits,
  segments,
} from "../../stacks/architecture-diagram";

const configs = loadEnvironments(ENVIRONMENTS);
const layouts = configs.map((c) => [c.env, architectureLayout(c)] as const);

/** The fonts the pictures are rendered and measured with (Debian package fonts-dejavu-core). */
const FONT_FILES = ["/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"];

function renderOptions(): ResvgRenderOptions {
  const missing = FONT_FILES.filter((file) => !fs.existsSync(file));
  if (missing.length > 0) {
    throw new Error(
      `the diagram test renders with DejaVu Sans: install the Debian package fonts-dejavu-core (missing ${missing.join(", ")})`,
    );
  }
  return { font: { loadSystemFonts: false, fontFiles: FONT_FILES, defaultFontFamily: "DejaVu Sans", sansSerifFamily: "DejaVu Sans" } };
}

describe("architecture diagrams", () => {
  test.each(configs.map((c) => [c.env, c] as const))("stacks/diagrams/%s.svg is up to date (npm run diagrams)", (env, config) => {
    const checkedIn = fs.readFileSync(path.join(__dirname, "../../stacks/diagrams", `${env}.svg`), "utf8");
    expect(checkedIn).toBe(architectureSvg(config));
  });

  test("each picture shows what its environment has", () => {
    const [dev, staging, prod] = configs.map(architectureSvg);
    expect(dev).toContain("fractals-dev-controller");
    expect(dev).not.toContain("load balancer");
    expect(staging).toContain("Heat autoscaling group 1..3");
    expect(prod).toContain("anti-affinity server group");
    expect(prod).toContain("prevent_destroy");
    expect(prod).toContain("SSH :22 from 203.0.113.0/24");
    expect(prod).toContain("fractals-prod-bastion");
    for (const svg of [dev, staging]) expect(svg).toContain("SSH from nowhere");
    for (const svg of [dev, staging]) expect(svg).not.toContain("bastion");
    for (const svg of [dev, staging, prod]) expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
  });
});

describe("what the arrows say (issue 14.12)", () => {
  const arrowsOf = (layout: Layout, from: string, to: string) => layout.arrows.filter((a) => a.from === from && a.to === to);
  const card = (layout: Layout, id: string) => layout.cards.find((c) => c.id === id)!;

  test.each(layouts.filter(([, l]) => l.cards.some((c) => c.id === "services")))(
    "%s: the database and queue arrows leave every API server",
    (_, layout) => {
      const apis = layout.cards.filter((c) => c.kind === "api");
      expect(apis.length).toBeGreaterThan(0);
      for (const api of apis) {
        const [arrow] = arrowsOf(layout, api.id, "services");
        expect(arrow).toBeDefined();
        // It starts on that server's border and ends on the services node's.
        expect(onBorder(arrow.points[0], api)).toBe(true);
        expect(onBorder(arrow.points[arrow.points.length - 1], card(layout, "services"))).toBe(true);
      }
      expect(layout.labels.some((l) => l.text.includes("SQL :3306") && l.owner.startsWith("arrow:api-"))).toBe(true);
    },
  );

  test.each(layouts.filter(([, l]) => l.cards.some((c) => c.id === "lb")))(
    "%s: the workers report to the load balancer, whose VIP is inside the subnet",
    (_, layout) => {
      const lb = card(layout, "lb");
      const [report] = arrowsOf(layout, "workers", "lb");
      expect(report).toBeDefined();
      expect(onBorder(report.points[report.points.length - 1], lb)).toBe(true);
      expect(arrowsOf(layout, "workers", "services")).toHaveLength(1);
      expect(arrowsOf(layout, "internet", "lb")).toHaveLength(1);
      for (const api of layout.cards.filter((c) => c.kind === "api")) expect(arrowsOf(layout, "lb", api.id)).toHaveLength(1);
      const subnet = layout.frames.find((f) => f.id === "subnet")!;
      expect(inside(lb, subnet, 1)).toBe(true);
      expect(lb.lines.some((line) => line.includes("VIP"))).toBe(true);
      expect(inside(card(layout, "internet"), subnet)).toBe(false);
    },
  );

  test("dev (all-in-one): the worker talks to the controller, which the Internet reaches on its floating IP", () => {
    const dev = layouts.find(([env]) => env === "dev")![1];
    expect(arrowsOf(dev, "workers", "controller")).toHaveLength(1);
    expect(arrowsOf(dev, "internet", "controller")).toHaveLength(1);
  });
});

describe.each(layouts)("the %s layout", (_, layout) => {
  const canvas = { x: 0, y: 0, w: layout.width, h: layout.height };

  test("no two labels overlap", () => {
    const clashes: string[] = [];
    layout.labels.forEach((a, i) => layout.labels.slice(i + 1).forEach((b) => overlaps(a, b) && clashes.push(`"${a.text}" / "${b.text}"`)));
    expect(clashes).toEqual([]);
  });

  test("no label is over a border: a card's text inside its card, other text clear of every card, every frame crossed by none", () => {
    const wrong: string[] = [];
    for (const l of layout.labels) {
      if (!inside(l, canvas, 1)) wrong.push(`"${l.text}" leaves the canvas`);
      for (const c of layout.cards) {
        if (c.id === l.owner ? !inside(l, c, 2) : overlaps(l, c)) wrong.push(`"${l.text}" on ${c.id}`);
      }
      for (const f of layout.frames) if (crossesBorder(l, f, 1)) wrong.push(`"${l.text}" across the border of ${f.id}`);
    }
    expect(wrong).toEqual([]);
  });

  test("no arrow runs through a label", () => {
    const wrong: string[] = [];
    for (const a of layout.arrows)
      for (const [p, q] of segments(a))
        for (const l of layout.labels) if (segmentHits(p, q, l, 0)) wrong.push(`${a.from}->${a.to} through "${l.text}"`);
    expect(wrong).toEqual([]);
  });

  test("the label boxes are at least as wide as the rendered text (DejaVu Sans, wider than Helvetica and Arial)", () => {
    const options = renderOptions();
    for (const l of layout.labels) {
      const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="2000" height="100"><text x="10" y="60" font-family="${FONT_FAMILY}" font-size="${l.size}"${l.bold ? ' font-weight="bold"' : ""}>${l.text.replace(/&/g, "&amp;").replace(/</g, "&lt;")}</text></svg>`;
      const box = new Resvg(svg, options).getBBox();
      expect(box).toBeDefined();
      expect({
        text: l.text,
        left: box!.x >= 10 - 1,
        width: box!.width <= l.w,
        top: box!.y >= 60 - (l.y + l.h - l.baselineY) - l.h - 0.5,
        bottom: box!.y + box!.height <= 60 + (l.y + l.h - l.baselineY) + 0.5,
      }).toEqual({
        text: l.text,
        left: true,
        width: true,
        top: true,
        bottom: true,
      });
    }
  });
});

describe("rendered to PNG (resvg)", () => {
  test.each(configs.map((c) => [c.env, c] as const))(
    "%s renders: a PNG of the SVG's size, with its cards and its text drawn",
    (_, config) => {
      const svg = architectureSvg(config);
      const layout = architectureLayout(config);
      const image = new Resvg(svg, renderOptions()).render();
      const png = image.asPng();
      expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
      expect([image.width, image.height]).toEqual([layout.width, layout.height]);
      // Each card's fill shows in the middle of its top padding, and text is drawn (near-black pixels) inside each card.
      const pixels = image.pixels; // a copy on every access
      const pixel = (x: number, y: number) => {
        const i = (Math.round(y) * image.width + Math.round(x)) * 4;
        return [pixels[i], pixels[i + 1], pixels[i + 2]];
      };
      for (const c of layout.cards) {
        expect(pixel(c.x + c.w - 4, c.y + 4)).not.toEqual([255, 255, 255]);
        let dark = 0;
        for (let y = Math.ceil(c.y); y < c.y + c.h; y++)
          for (let x = Math.ceil(c.x); x < c.x + c.w; x++) if (pixel(x, y).every((v) => v < 100)) dark++;
        expect({ card: c.id, hasText: dark > 50 }).toEqual({ card: c.id, hasText: true });
      }
    },
  );
});

function onBorder(p: readonly [number, number], r: { x: number; y: number; w: number; h: number }): boolean {
  const [x, y] = p;
  const withinX = x >= r.x - 0.5 && x <= r.x + r.w + 0.5;
  const withinY = y >= r.y - 0.5 && y <= r.y + r.h + 0.5;
  const onVertical = Math.abs(x - r.x) < 0.5 || Math.abs(x - (r.x + r.w)) < 0.5;
  const onHorizontal = Math.abs(y - r.y) < 0.5 || Math.abs(y - (r.y + r.h)) < 0.5;
  return (onVertical && withinY) || (onHorizontal && withinX);
}
