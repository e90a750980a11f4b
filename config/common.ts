/** Values every environment shares unless it says otherwise. */
export const APP = "fractals";

/**
 * The operators' SSH public key. Replace it with your own (`ssh-keygen -t ed25519`);
 * only the public half ever goes into configuration.
 */
export const PUBLIC_KEY =
  "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJN/eXtAgecTA2yZJA6raM2h3bVrNOikOIBuudIM/Qwo fractals-demo (replace with your own key)";

export const IMAGE = "Ubuntu 22.04";
