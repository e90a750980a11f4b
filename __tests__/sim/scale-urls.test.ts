/**
 * Issue 13.6: Heat's ScalingPolicy `signal_url` is the native API's signal
 * URL, which needs a Keystone token (Aodh gets one through its trust:
 * "trust+url"); `alarm_url` is the pre-signed (EC2-signature) heat-api-cfn
 * URL that works without one. The scale outputs give what works and say so.
 */
import { ENVIRONMENTS } from "../../config";
import { blockType, conform, ValueObject } from "../../sim/protocol/cty";
import { OpenStackProvider } from "../../sim/openstack/openstack-provider";
import { describeWithTerraform, SimWorkspace } from "./harness";

jest.setTimeout(600_000);

const PRESIGNED =
  /^http:\/\/heat-cfn\.sim\.invalid:8000\/v1\/signal\/arn%3Aopenstack%3Aheat%3A%3A[0-9a-f]{32}%3Astacks%2Ffractals-staging-workers-\d{14}%2F[0-9a-f-]{36}%2Fresources%2Fscale_(up|down)_policy\?Timestamp=[^&]+&SignatureMethod=HmacSHA256&AWSAccessKeyId=[0-9a-f]{32}&SignatureVersion=2&Signature=[\w-]+$/;

describeWithTerraform("staging's scale URL outputs", () => {
  const staging = ENVIRONMENTS.find((e) => e.env === "staging")!;
  let ws: SimWorkspace;
  let dir: string;
  let outputs: Record<string, { value: string; sensitive: boolean }>;
  let synthesized: {
    output: Record<string, { description: string; sensitive?: boolean }>;
    resource: Record<string, Record<string, { template_opts: { Bin: string } }>>;
  };

  beforeAll(async () => {
    ws = new SimWorkspace("scale-urls");
    dir = ws.synth([staging]);
    synthesized = JSON.parse(require("node:fs").readFileSync(`${dir}/cdk.tf.json`, "utf8"));
    expect((await ws.init(dir)).code).toBe(0);
    const applied = await ws.terraform(dir, ["apply", "-auto-approve", "-input=false"]);
    expect(`exit ${applied.code}\n${applied.code === 0 ? "" : applied.stderr}`).toBe("exit 0\n");
    const shown = await ws.terraform(dir, ["output", "-json"]);
    outputs = JSON.parse(shown.stdout);
  });
  afterAll(() => ws?.dispose());

  test("each is the policy's pre-signed alarm_url, usable with no token, and marked sensitive", () => {
    expect(outputs.scale_up_url.value).toMatch(PRESIGNED);
    expect(outputs.scale_up_url.value).toContain("scale_up_policy");
    expect(outputs.scale_down_url.value).toMatch(PRESIGNED);
    expect(outputs.scale_down_url.value).toContain("scale_down_policy");
    expect(outputs.scale_up_url.sensitive).toBe(true);
    expect(outputs.scale_down_url.sensitive).toBe(true);
  });

  test("the descriptions say what the URL is and what it needs", () => {
    for (const key of ["scale_up_url", "scale_down_url"]) {
      const { description } = synthesized.output[key];
      expect(description).toContain("pre-signed");
      expect(description).toContain("no token");
      expect(description).toContain("heat-api-cfn");
    }
    const [stack] = Object.values(synthesized.resource.openstack_orchestration_stack_v1);
    const template = JSON.parse(stack.template_opts.Bin);
    expect(template.outputs.scale_up_url.value).toEqual({ get_attr: ["scale_up_policy", "alarm_url"] });
    expect(template.outputs.scale_up_url.description).toContain("pre-signed");
    // Aodh keeps the native URL and its trust: signal_url with "trust+url".
    expect(JSON.stringify(template.resources.cpu_alarm_high.properties.alarm_actions)).toContain('"trust+url"');
  });

  test("the simulated Heat's signal_url is the native API URL with no signature: it needs a token", () => {
    const [stack] = ws.cloud().filter((o) => o.type === "openstack_orchestration_stack_v1");
    const provider = new OpenStackProvider({ stateFile: ws.stateFile, faults: "" });
    provider.configure({});
    const template = JSON.stringify({
      heat_template_version: "2018-08-31",
      resources: {
        up: { type: "OS::Heat::ScalingPolicy", properties: { adjustment_type: "change_in_capacity", auto_scaling_group_id: "g" } },
      },
      outputs: { signal: { value: { get_attr: ["up", "signal_url"] } }, alarm: { value: { get_attr: ["up", "alarm_url"] } } },
    });
    const type = "openstack_orchestration_stack_v1";
    const full = conform(
      { name: "urls", template_opts: { Bin: template } },
      blockType(provider.schemas.resources[type].block),
    ) as ValueObject;
    const applied = provider.applyResourceChange(type, null, provider.planResourceChange(type, null, full, full).planned);
    expect(applied.diagnostics).toEqual([]);
    const id = String(applied.newState!.id);
    const [signal, alarm] = (applied.newState!.outputs as { output_value: string }[]).map((o) => o.output_value);
    expect(signal).toMatch(new RegExp(`^http://203\\.0\\.113\\.1:8004/v1/[0-9a-f]{32}/stacks/urls/${id}/resources/up/signal$`));
    expect(alarm).toContain("Signature=");
    expect(stack).toBeDefined();
  });
});
