/**
 * The providers whose schemas are vendored under providers/: one list for the
 * binding generator, the conformance checker and the simulator. Paths are
 * relative to providers/ (the simulator runs bundled from dist/sim, so each
 * reader joins them with its own idea of the checkout).
 */
export interface VendoredProvider {
  /** The registry address Terraform installs it from. */
  readonly source: string;
  /** The release the schema was taken from. */
  readonly version: string;
  /** `terraform providers schema -json` output. */
  readonly schema: string;
  /** ForceNew, defaults and validations per attribute. */
  readonly behaviour: string;
}

export const OPENSTACK: VendoredProvider = {
  source: "registry.terraform.io/terraform-provider-openstack/openstack",
  version: "3.4.0",
  schema: "openstack/openstack-3.4.0.json",
  behaviour: "openstack/openstack-3.4.0.behaviour.json",
};

export const RANDOM: VendoredProvider = {
  source: "registry.terraform.io/hashicorp/random",
  // The version @cdktf/provider-random 12.0.1 pins in the synthesized required_providers.
  version: "3.7.2",
  schema: "random/random-schema.json",
  behaviour: "random/random-behaviour.json",
};

/**
 * Terraform's built-in provider (`terraform_data`), which every Terraform has and no
 * stack declares; its schema is `terraform providers schema -json` of Terraform 1.11.4.
 */
export const BUILTIN_TERRAFORM: VendoredProvider = {
  source: "terraform.io/builtin/terraform",
  version: "1.11.4",
  schema: "terraform/builtin-schema.json",
  behaviour: "terraform/builtin-behaviour.json",
};

export const VENDORED_PROVIDERS: readonly VendoredProvider[] = [OPENSTACK, RANDOM, BUILTIN_TERRAFORM];
