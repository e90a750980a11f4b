import { createHash } from "crypto";
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
      image = new DataOpenstackImagesImageV2(this, this.idFor("image", name), { name, mostRecent: true });
      this.images.set(name, image);
    }
    return image;
  }

  flavor(name: string): DataOpenstackComputeFlavorV2 {
    let flavor = this.flavors.get(name);
    if (!flavor) {
      flavor = new DataOpenstackComputeFlavorV2(this, this.idFor("flavor", name), { name });
      this.flavors.set(name, flavor);
    }
    return flavor;
  }

  /** A readable construct id; names that differ only in case or punctuation get a hash suffix. */
  private idFor(kind: "image" | "flavor", name: string): string {
    const id = `${kind}-${slug(name)}`;
    if (!this.node.tryFindChild(id)) return id;
    return `${id}-${createHash("sha256").update(name).digest("hex").slice(0, 8)}`;
  }
}

function slug(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "") || "unnamed";
}
