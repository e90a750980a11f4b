import { App, TerraformStack } from "cdktf";
import { ComputeCatalog } from "../../constructs/compute-catalog";
import { Instance } from "../../constructs/instance";
import { SecurityGroup } from "../../constructs/security-group";
import { Fixture, resources, synthWith } from "../support/synth";

const UUID = "67D5FD2E-382F-5DA0-921A-5DA7331F9D44";

function server(f: Fixture, name: string, image: string): Instance {
  const group = new SecurityGroup(f.scope, `${name}-sg`, { name });
  return new Instance(f.scope, name, {
    name,
    network: f.network,
    catalog: f.catalog,
    image,
    flavor: "m1.small",
    keyPair: f.keyPair,
    securityGroups: [group],
  });
}

describe("ComputeCatalog images", () => {
  test("a name is looked up without most_recent, once, so an ambiguous name fails at plan time", () => {
    const json = synthWith((f) => {
      server(f, "a", "Ubuntu 22.04");
      server(f, "b", "Ubuntu 22.04");
    });
    const lookups = Object.values(json.data!.openstack_images_image_v2);
    expect(lookups).toEqual([{ name: "Ubuntu 22.04" }]);
    for (const [, s] of resources(json, "openstack_compute_instance_v2")) {
      expect(s.image_id).toMatch(/^\$\{data\.openstack_images_image_v2\.catalog_image-ubuntu-22-04_[0-9A-F]{8}\.id\}$/);
    }
  });

  test("a UUID pins the image: no lookup at all", () => {
    const json = synthWith((f) => {
      server(f, "a", UUID);
    });
    expect(json.data?.openstack_images_image_v2).toBeUndefined();
    expect(resources(json, "openstack_compute_instance_v2")[0][1].image_id).toBe(UUID.toLowerCase());
    expect(new ComputeCatalog(new TerraformStack(new App(), "s"), "c").image(UUID).id).toBe(UUID.toLowerCase());
  });

  test("each server records its image id and is replaced when it changes", () => {
    const json = synthWith((f) => {
      server(f, "a", "Ubuntu 22.04");
    });
    const [[recordId, record]] = resources(json, "terraform_data");
    expect(record.input).toEqual({ image_id: resources(json, "openstack_compute_instance_v2")[0][1].image_id });
    expect(resources(json, "openstack_compute_instance_v2")[0][1].lifecycle).toEqual({
      replace_triggered_by: [`terraform_data.${recordId}`],
    });
  });
});
