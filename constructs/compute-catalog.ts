import { createHash } from "crypto";
import { Construct } from "constructs";
import { DataOpenstackComputeFlavorV2 } from "../.gen/providers/openstack/data-openstack-compute-flavor-v2";
import { DataOpenstackImagesImageV2 } from "../.gen/providers/openstack/data-openstack-images-image-v2";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface CatalogImage {
  /** The Glance image id: the UUID given, or the one the name resolves to at plan time. */
  readonly id: string;
}

/**
 * Looks up images and flavors, once per reference per stack.
 *
 * An image reference is a UUID (pinned: nothing uploaded later changes it) or a
 * name, looked up without `most_recent`, so a name that matches two images fails
 * at plan time instead of silently moving every server to the newer upload.
 * Servers take the looked-up ids, and the worker group can read a flavor's vCPUs.
 */
export class ComputeCatalog extends Construct {
  private readonly images = new Map<string, CatalogImage>();
  private readonly flavors = new Map<string, DataOpenstackComputeFlavorV2>();

  /** An image by UUID or by name. */
  image(ref: string): CatalogImage {
    let image = this.images.get(ref);
    if (!image) {
      image = { id: UUID.test(ref) ? ref.toLowerCase() : new DataOpenstackImagesImageV2(this, this.idFor("image", ref), { name: ref }).id };
      this.images.set(ref, image);
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
  return (
    name
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-|-$/g, "") || "unnamed"
  );
}
