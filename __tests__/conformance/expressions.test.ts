import { isExpression, referencesIn } from "../../providers/conformance/expressions";

describe("isExpression", () => {
  test.each([
    ["${var.x}", true],
    ["http://${aws_x.y.ip}:80", true],
    ["%{ if true }x%{ endif }", true],
    ["$${HOME}", false],
    ["plain text", false],
    ["costs $5", false],
  ])("%s -> %s", (value, expected) => expect(isExpression(value)).toBe(expected));
});

describe("referencesIn", () => {
  const addresses = (e: string) =>
    referencesIn(e).map((r) => `${r.address}${r.indexed ? "[]" : ""}${r.attribute ? `.${r.attribute}` : ""}`);

  test("resources, data sources, indices and splats inside function calls", () => {
    expect(addresses("${element(openstack_networking_port_v2.api-1_port_98B7.all_fixed_ips, 0)}")).toEqual([
      "openstack_networking_port_v2.api-1_port_98B7.all_fixed_ips",
    ]);
    expect(addresses("${data.openstack_compute_flavor_v2.small.vcpus * 2}")).toEqual(["data.openstack_compute_flavor_v2.small.vcpus"]);
    expect(addresses("${zipmap(openstack_orchestration_stack_v1.w.outputs[*].output_key, x)}")).toEqual([
      "openstack_orchestration_stack_v1.w.outputs",
    ]);
    expect(addresses("${openstack_compute_servergroup_v2.g[0].id}")).toEqual(["openstack_compute_servergroup_v2.g[].id"]);
  });

  test("variables, locals, iterators, string literals and escapes are not references", () => {
    expect(addresses("${var.my_thing.x} ${local.some_local} ${each.value.port_id} ${count.index}")).toEqual([]);
    expect(addresses('${lookup(var.m, "openstack_x_y.z", "")}')).toEqual([]);
    expect(addresses("$${openstack_x_y.z}")).toEqual([]);
  });

  test("every interpolation of a template", () => {
    expect(addresses("amqp://u:${random_password.q.result}@${openstack_networking_port_v2.s.all_fixed_ips[0]}:5672/")).toEqual([
      "random_password.q.result",
      "openstack_networking_port_v2.s.all_fixed_ips",
    ]);
  });
});
