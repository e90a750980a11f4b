import * as fs from "fs";
import * as path from "path";
import { ENVIRONMENTS, loadEnvironments } from "../../config";
import { architectureSvg } from "../../stacks/architecture-diagram";

const configs = loadEnvironments(ENVIRONMENTS);

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
    expect(prod).toContain("SSH from 203.0.113.0/24");
    for (const svg of [dev, staging, prod]) expect(svg.startsWith("<svg xmlns=\"http://www.w3.org/2000/svg\"")).toBe(true);
  });
});
