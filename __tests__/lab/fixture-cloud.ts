/**
 * A small simulated cloud built through the simulated provider itself (plan
 * and apply as Terraform would, user data passed as the apply config does),
 * for lab tests that need no terraform and boot in seconds.
 */
import { blockType, conform, ValueObject } from "../../sim/protocol/cty";
import { OpenStackProvider } from "../../sim/openstack/openstack-provider";

export class FixtureCloud {
  readonly provider: OpenStackProvider;

  constructor(readonly stateFile: string) {
    this.provider = new OpenStackProvider({ stateFile, faults: "" });
    this.provider.configure({ region: "RegionOne" });
  }

  create(type: string, config: ValueObject): ValueObject {
    const full = conform(config, blockType(this.provider.schemas.resources[type].block)) as ValueObject;
    const plan = this.provider.planResourceChange(type, null, full, full);
    const applied = this.provider.applyResourceChange(type, null, plan.planned, () => full);
    if (applied.diagnostics.length > 0) throw new Error(applied.diagnostics.map((d) => d.detail).join("\n"));
    return applied.newState!;
  }

  destroy(type: string, state: ValueObject): void {
    const applied = this.provider.applyResourceChange(type, state, null);
    if (applied.diagnostics.length > 0) throw new Error(applied.diagnostics.map((d) => d.detail).join("\n"));
  }

  externalNetworkId(): string {
    return String(this.provider.readDataSource("openstack_networking_network_v2", { name: "public" }).state!.id);
  }
}

/** User data of a test server: two tiny web servers (ports 8000 and 9000) answering with the server's name. */
export function webUserData(name: string, extra = ""): string {
  return `#cloud-config
write_files:
  - path: /srv/www/index.html
    content: "${name}\\n"
runcmd:
  - [systemd-run, --unit=web8000, python3, -m, http.server, "8000", --directory, /srv/www]
  - [systemd-run, --unit=web9000, python3, -m, http.server, "9000", --directory, /srv/www]
${extra}`;
}
