/**
 * Diagnostics as the simulator reports them, and the OpenStack API errors
 * its cloud raises (rendered the way gophercloud words them).
 */

/** An attribute name, or an index into a list/set/tuple. */
export type PathStep = string | number;

export interface Diagnostic {
  readonly severity: "ERROR" | "WARNING";
  readonly summary: string;
  readonly detail?: string;
  readonly attribute?: PathStep[];
}

const REASONS: Record<number, string> = {
  400: "Bad Request",
  403: "Forbidden",
  404: "Not Found",
  409: "Conflict",
  413: "Request Entity Too Large",
  500: "Internal Server Error",
  503: "Service Unavailable",
};

/** An error the simulated OpenStack API answered with. */
export class CloudError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = "CloudError";
  }

  /** The diagnostic Terraform shows, e.g. "Error creating openstack_networking_port_v2: ... 409 Conflict". */
  toDiagnostic(action: string, typeName: string, url: string): Diagnostic {
    return {
      severity: "ERROR",
      summary: `Error ${action} ${typeName}`,
      detail:
        `Expected HTTP response code [200 201 202 204] when accessing [${url}], but got ${this.status} instead: ` +
        `${this.status} ${REASONS[this.status] ?? "Error"}: ${this.message}`,
    };
  }
}
