import { Construct } from "constructs";
import { DataOpenstackComputeFlavorV2 } from "../.gen/providers/openstack/data-openstack-compute-flavor-v2";
import { DataOpenstackImagesImageV2 } from "../.gen/providers/openstack/data-openstack-images-image-v2";

/**
 * Looks up images and flavors by name, once per name per stack.
 *
 * Servers take the looked-up ids rather than names so that an ambiguous image
 * name fails at plan time, and the worker group can read a flavor's vCPUs.
 */
export class ComputeCatalog extends Construct {
  private readonly images = new Map<string, DataOpenstackImagesImageV2>();
  private readonly flavors = new Map<string, DataOpenstackComputeFlavorV2>();

  image(name: string): DataOpenstackImagesImageV2 {
    let image = this.images.get(name);
    if (!image) {
      image = new DataOpenstackImagesImageV2(this, `image-${slug(name)}`, { name, mostRecent: true });
      this.images.set(name, image);
    }
    return image;
  }

  flavor(name: string): DataOpenstackComputeFlavorV2 {
    let flavor = this.flavors.get(name);
    if (!flavor) {
      flavor = new DataOpenstackComputeFlavorV2(this, `flavor-${slug(name)}`, { name });
      this.flavors.set(name, flavor);
    }
    return flavor;
  }
}

function slug(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "") || "unnamed";
}
