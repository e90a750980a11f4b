/**
 * Every server's user data, as Nova receives it: under its size limit, and
 * carrying everything the server runs, so that nothing is fetched at boot
 * but the distribution's own packages.
 */
import { Testing } from "cdktf";
import { ENVIRONMENTS, loadEnvironments } from "../../config";
import { NOVA_USER_DATA_LIMIT } from "../../constructs/cloud-init";
import { API_USER_DATA_PLACEHOLDERS, WORKER_USER_DATA_PLACEHOLDERS } from "../../constructs/heat-template";
import { FractalsStack } from "../../stacks/fractals-stack";
import { resources, TerraformJson } from "../support/synth";
import { readUserData } from "../support/user-data";

/** Longer than anything a reference resolves to (32-character passwords, UUIDs, IPs, Heat signal URLs). */
const WORST_CASE_VALUE = "x".repeat(200);

interface ServerUserData {
  readonly where: string;
  readonly userData: string;
}

function serversOf(env: string, json: TerraformJson): ServerUserData[] {
  const servers = resources(json, "openstack_compute_instance_v2").map(([id, s]) => ({
    where: `${env}: ${id}`,
    userData: s.user_data as string,
  }));
  for (const [id, stack] of resources(json, "openstack_orchestration_stack_v1")) {
    const template = JSON.parse(stack.template_opts.Bin);
    for (const [name, resource] of Object.entries<any>(template.resources)) {
      if (resource.type !== "OS::Heat::AutoScalingGroup") continue;
      const member = JSON.parse(resource.properties.resource.properties.template);
      servers.push({ where: `${env}: ${id} ${name} member`, userData: member.resources.server.properties.user_data.str_replace.template });
    }
  }
  return servers;
}

/** What Nova would receive once Terraform (or Heat) resolved every reference, at the longest they can be. */
function resolvedWorstCase(userData: string): string {
  let text = userData.replace(/\$\{[^}]*\}/g, WORST_CASE_VALUE);
  for (const placeholder of [...Object.values(WORKER_USER_DATA_PLACEHOLDERS), ...Object.values(API_USER_DATA_PLACEHOLDERS)])
    text = text.split(placeholder).join(WORST_CASE_VALUE);
  return text;
}

const servers = loadEnvironments(ENVIRONMENTS).flatMap((config) => {
  const json = JSON.parse(Testing.synth(new FractalsStack(Testing.app(), { config }))) as TerraformJson;
  return serversOf(config.env, json);
});

describe("user data of every server in every environment", () => {
  test("found: dev's 2 servers, staging's services node and its API and worker members, prod's 5 (its bastion too) and worker member", () => {
    expect(servers.map((s) => s.where.split(":")[0])).toEqual(["dev", "dev", ...Array(3).fill("staging"), ...Array(6).fill("prod")]);
  });

  test("stays under Nova's 65,535 bytes base64-encoded with room to spare", () => {
    const sizes = servers.map((s) => ({ where: s.where, base64: Buffer.from(resolvedWorstCase(s.userData)).toString("base64").length }));
    const largest = sizes.reduce((a, b) => (b.base64 > a.base64 ? b : a));
    console.log(`largest user data: ${largest.base64} bytes base64-encoded (${largest.where}), limit ${NOVA_USER_DATA_LIMIT}`);
    for (const s of sizes)
      expect({ where: s.where, fits: s.base64 <= NOVA_USER_DATA_LIMIT * 0.75 }).toEqual({ where: s.where, fits: true });
  });

  test.each(servers.map((s) => [s.where, s.userData]))("%s fetches nothing at boot but distribution packages", (where, userData) => {
    const { files, runcmd } = readUserData(userData);
    // The bastion runs no app: nothing but cloud-init's own modules.
    expect(runcmd).toEqual(/: bastion_/.test(where) ? [] : ["/usr/local/sbin/fractals-boot"]);
    for (const [path, { content }] of files) {
      // No pipes into a shell, no clones, no pip, no downloads.
      expect({ path, match: content.match(/\|\s*(ba)?sh\b|git clone|pip3? install|wget |curl [^\n]*https?:\/\//)?.[0] }).toEqual({
        path,
        match: undefined,
      });
      // The only URLs the boot script and config name: the app's own endpoints (references or placeholders) and loopback.
      if (path.startsWith("/usr/local/lib/fractals/")) continue;
      for (const url of content.match(/\b[a-z]+:\/\/[^\s'"]+/g) ?? []) {
        const host = url.replace(/^[a-z]+:\/\/([^@/]*@)?/, "");
        expect({ path, url, ok: /^(\$\{|\$[a-z_]+|127\.0\.0\.1|localhost)/.test(host) }).toEqual({ path, url, ok: true });
      }
    }
  });

  test.each(servers.map((s) => [s.where, s.userData]))("%s keeps secrets in 0600 files only", (_where, userData) => {
    for (const [path, { content, permissions }] of readUserData(userData).files) {
      if (/random_password|\$amqp_url|\$wait_token/.test(content)) expect({ path, permissions }).toEqual({ path, permissions: "0600" });
    }
  });
});
