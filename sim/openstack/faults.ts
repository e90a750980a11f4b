/**
 * Fault injection: FRACTALS_SIM_FAULTS="<type>:<n>:<status>[,...]" makes the
 * n-th apply (create, update or delete) of a resource type in one Terraform
 * command fail with an OpenStack-like error, before the cloud changes.
 * `<type>` may be `*` for any type.
 */
import { CloudError } from "../provider/diagnostics";

export interface Fault {
  readonly type: string;
  readonly nth: number;
  readonly status: number;
}

const MESSAGES: Record<number, (type: string) => string> = {
  400: () => "Bad request (simulated fault).",
  403: (type) => `Quota exceeded for ${quotaName(type)}: Requested 1, but already used 10 of 10 ${quotaName(type)} (simulated fault).`,
  404: () => "The resource could not be found (simulated fault).",
  409: (type) => `Conflict: another request is modifying this ${type} (simulated fault).`,
  413: (type) => `Quota exceeded for resources: ['${quotaName(type)}'] (simulated fault).`,
  500: () => "The server has either erred or is incapable of performing the requested operation (simulated fault).",
  503: () => "The service is temporarily unavailable (simulated fault).",
};

function quotaName(type: string): string {
  const match = /^openstack_(?:[a-z]+_)?([a-z_]+?)_v\d+$/.exec(type);
  return match ? `${match[1]}s` : "resources";
}

/** Parses the variable; throws with a message naming the bad entry. */
export function parseFaults(spec: string | undefined): Fault[] {
  if (!spec || spec.trim() === "") return [];
  return spec.split(",").map((entry) => {
    const parts = entry.trim().split(":");
    const [type, nth, status] = [parts[0], Number(parts[1]), Number(parts[2])];
    if (parts.length !== 3 || !type || !Number.isInteger(nth) || nth < 1 || !(status in MESSAGES)) {
      throw new Error(
        `FRACTALS_SIM_FAULTS: '${entry.trim()}' is not <resource type>:<n >= 1>:<status>, status one of ${Object.keys(MESSAGES).join(", ")}`,
      );
    }
    return { type, nth, status };
  });
}

/** Counts applies per type and raises the configured faults. */
export class FaultInjector {
  private readonly counts = new Map<string, number>();

  constructor(private readonly faults: readonly Fault[]) {}

  beforeApply(type: string): void {
    const count = (this.counts.get(type) ?? 0) + 1;
    this.counts.set(type, count);
    const fault = this.faults.find((f) => (f.type === type || f.type === "*") && f.nth === count);
    if (fault) throw new CloudError(fault.status, MESSAGES[fault.status](type));
  }
}
