/**
 * What the README says about CI credentials, the cdktf deprecation and the
 * plan-preview environment (issue 14.8, 14.11) matches the code it names.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { CDKTN_VERSION } from "../../stacks/cdktn/cdktn-check";

const ROOT = join(__dirname, "..", "..");
const readme = readFileSync(join(ROOT, "README.md"), "utf8");
const section = (title: string) => {
  const start = readme.indexOf(`\n## ${title}\n`);
  expect(start).toBeGreaterThan(-1);
  const end = readme.indexOf("\n## ", start + 1);
  return readme.slice(start, end === -1 ? undefined : end);
};

test("application credentials for CI, and why autoscaling needs an unrestricted one (Heat's trusts)", () => {
  const deploying = section("Deploying to a real cloud");
  expect(deploying).toContain("v3applicationcredential");
  expect(deploying).toMatch(/trust[\s\S]*restricted application credential[\s\S]*cannot create trusts/);
  expect(deploying).toContain("--unrestricted");
});

test("the deprecation, what it means, and the cdktn check the README names exists with the version it says", () => {
  const deploying = section("Deploying to a real cloud");
  expect(deploying).toContain("2025-12-10");
  expect(deploying).toMatch(/plain Terraform JSON[\s\S]*`tofu`/);
  const command = /`(node -r tsx\/cjs (stacks\/cdktn\/cdktn-check\.ts))`/.exec(deploying);
  expect(command).not.toBeNull();
  expect(existsSync(join(ROOT, command![2]))).toBe(true);
  expect(deploying).toContain(`cdktn ${CDKTN_VERSION}`);
});

test("the environment the README tells you to protect is the one the credentialed job runs in", () => {
  const previews = section("Pull-request plan previews");
  const workflow = parse(readFileSync(join(ROOT, ".github/workflows/plan-preview.yml"), "utf8"));
  expect(previews).toContain(`GitHub environment \`${workflow.jobs.plan.environment}\``);
  expect(previews).toContain("required reviewers");
  expect(previews).toMatch(/runs a pull request's own code with the cloud credentials/);
});
