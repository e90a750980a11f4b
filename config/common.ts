/** Values every environment shares unless it says otherwise. */
export const APP = "fractals";

/**
 * The operators' SSH public key. Replace it with your own (`ssh-keygen -t ed25519`);
 * only the public half ever goes into configuration.
 */
export const PUBLIC_KEY =
  "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJN/eXtAgecTA2yZJA6raM2h3bVrNOikOIBuudIM/Qwo fractals-demo (replace with your own key)";

/** Looked up by name: an ambiguous name (two uploads called the same) fails at plan time. */
export const IMAGE = "Ubuntu 22.04";

/**
 * Production pins its image by UUID, so a newer upload under the same name changes nothing
 * until this line does. This is the simulated cloud's "Ubuntu 22.04"; on your cloud use
 * `openstack image show -f value -c id "Ubuntu 22.04"`.
 */
export const PINNED_IMAGE = "67d5fd2e-382f-5da0-921a-5da7331f9d44";
