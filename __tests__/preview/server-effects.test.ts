/**
 * Say what is lost, correctly (issue 14.4): replacement, rebuild, resize and
 * in-place update each named by what they do to a server's disk and address.
 */
import { renderPlanPreview } from "../../preview/plan-preview";
import { SERVER_EFFECTS } from "../../preview/stateful-resources";
import { renderSynthDiff } from "../../preview/synth-diff";
import { alertAddresses, headOf } from "./markdown-reading";
import { buildPlan, ChangeSpec } from "./plan-builder";

const SERVICES = "openstack_compute_instance_v2.services_server_C849EE9A";
const API = "openstack_compute_instance_v2.controller_api-1_server_4478A9CA";
const server = (extra: Record<string, unknown>) => ({
  name: "s",
  image_id: "img-1",
  flavor_name: "m1.small",
  network: [{ port: "port-1" }],
  ...extra,
});

function preview(address: string, actions: string[], after: Record<string, unknown>, before = server({})): string {
  const change: ChangeSpec = { address, type: "openstack_compute_instance_v2", actions, before, after: server(after) };
  return renderPlanPreview([{ stack: "prod", plan: buildPlan([change]) }]);
}

describe("what a server change does to its disk and address", () => {
  test("a flavor resize keeps the root disk: a WARNING saying so, never 'lost', even on the services node", () => {
    const markdown = preview(SERVICES, ["update"], { flavor_name: "m1.large" });
    expect(alertAddresses(markdown, "WARNING")).toEqual([SERVICES]);
    expect(alertAddresses(markdown, "CAUTION")).toEqual([]);
    expect(headOf(markdown)).toContain(`will be updated in place: ${SERVER_EFFECTS.resize}`);
    expect(SERVER_EFFECTS.resize).toContain("root disk, addresses and attached volumes kept");
    expect(headOf(markdown)).not.toMatch(/lost/);
  });

  test("an image change rebuilds: root disk wiped, addresses kept; CAUTION on the services node", () => {
    const markdown = preview(SERVICES, ["update"], { image_id: "img-2" });
    expect(alertAddresses(markdown, "CAUTION")).toEqual([SERVICES]);
    expect(headOf(markdown)).toContain(SERVER_EFFECTS.rebuild);
    expect(headOf(markdown)).toContain("whatever is on its root disk is lost (the database on its Cinder volume is kept)");
  });

  test("image and flavor together: rebuild and resize", () => {
    expect(headOf(preview(API, ["update"], { image_id: "img-2", flavor_name: "m1.large" }))).toContain(SERVER_EFFECTS.rebuildAndResize);
  });

  test("a replacement: a new root disk; addresses kept on its own port, a new fixed address without one", () => {
    expect(headOf(preview(API, ["delete", "create"], { user_data: "v2" }))).toContain(SERVER_EFFECTS.replaceOnPort);
    const noPort = preview(API, ["delete", "create"], { user_data: "v2" }, server({ network: [{ uuid: "net-1" }] }));
    expect(headOf(noPort)).toContain(SERVER_EFFECTS.replace);
    expect(SERVER_EFFECTS.replace).toContain("a new fixed address");
  });

  test("an in-place change of settings is no warning at all", () => {
    const markdown = preview(SERVICES, ["update"], { name: "renamed" });
    expect(headOf(markdown)).not.toMatch(/\[!(CAUTION|WARNING)\]/);
  });

  test("dev's all-in-one controller keeps MySQL on its root disk: its rebuild is a CAUTION", () => {
    const controller = "openstack_compute_instance_v2.controller_server_E9E15DE1";
    const markdown = preview(controller, ["update"], { image_id: "img-2" });
    expect(alertAddresses(markdown, "CAUTION")).toEqual([controller]);
    expect(headOf(markdown)).toContain("the database and the queue are lost");
  });

  test("the synth diff classifies the same way", () => {
    const stack = (flavor: string) =>
      new Map([["prod", { resource: { openstack_compute_instance_v2: { services_server_C849EE9A: server({ flavor_name: flavor }) } } }]]);
    const markdown = renderSynthDiff(stack("m1.small"), stack("m1.large"));
    expect(alertAddresses(markdown, "WARNING")).toEqual([SERVICES]);
    expect(headOf(markdown)).toContain(SERVER_EFFECTS.resize);
    expect(alertAddresses(markdown, "CAUTION")).toEqual([]);
  });
});
