/**
 * The simulated cloud: every object OpenStack would hold, in one JSON file.
 *
 * Each RPC loads the file, and a mutation writes it back atomically (write
 * then rename), so editing or deleting objects between two Terraform commands
 * is drift the next plan sees. Within a process a handler runs start to
 * finish without yielding; across processes (`cdktf deploy '*'` applies the
 * stacks in parallel against one cloud) `Cloud.transact` holds a lock file.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { ValueObject } from "../cty";
import { withLockFile } from "../lock-file";

export interface CloudObject {
  readonly type: string;
  readonly id: string;
  state: ValueObject;
  /** Objects the cloud made on its own behalf (a load balancer's VIP port) go when their owner goes. */
  readonly owner?: string;
  /** What Nova keeps beside the API-visible state: the user data as given (the provider's state holds only its SHA-1). */
  nova?: { userData: string };
  /** Neutron's router gateway port address on the external network (the provider shows it in no attribute here). */
  neutron?: { externalGatewayIp: string };
  /** For a server Heat booted: the wait conditions of its stack, which the lab's Heat endpoint collects signals for. */
  heat?: { waitConditions: HeatWaitCondition[] };
  /** For a stack: the parameters as given, hidden ones included, which Heat keeps but reports as "******". */
  heatParameters?: Record<string, string>;
}

export interface HeatWaitCondition {
  readonly stackId: string;
  readonly stackName: string;
  /** The OS::Heat::WaitConditionHandle's resource name, which the signal URL names. */
  readonly handle: string;
  readonly timeoutSeconds: number;
  readonly count: number;
}

/** The parts of an object kept outside Terraform's view, which a resource hook may set. */
export type CloudExtras = Pick<CloudObject, "nova" | "neutron" | "heat" | "heatParameters">;

interface CloudFile {
  readonly objects: CloudObject[];
}

export class Cloud {
  private constructor(private readonly objects: CloudObject[]) {}

  static load(file: string): Cloud {
    let text: string;
    try {
      text = readFileSync(file, "utf8");
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return new Cloud([]);
      throw err;
    }
    const parsed = JSON.parse(text) as CloudFile;
    return new Cloud(Array.isArray(parsed.objects) ? parsed.objects : []);
  }

  /** Load, change and save under an exclusive lock on `<file>.lock`. */
  static transact<T>(file: string, change: (cloud: Cloud) => T): T {
    // A lock older than any apply call is left over from a killed process.
    const options = { timeoutMs: 60_000, pollMs: 10, staleMs: 30_000, what: `the simulated cloud ${file}` };
    return withLockFile(`${file}.lock`, options, () => {
      const cloud = Cloud.load(file);
      const result = change(cloud);
      cloud.save(file);
      return result;
    });
  }

  save(file: string): void {
    mkdirSync(path.dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify({ objects: this.objects } satisfies CloudFile, null, 1));
    renameSync(tmp, file);
  }

  get(type: string, id: string): CloudObject | undefined {
    return this.objects.find((o) => o.type === type && o.id === id);
  }

  list(type: string): CloudObject[] {
    return this.objects.filter((o) => o.type === type);
  }

  all(): readonly CloudObject[] {
    return this.objects;
  }

  add(object: CloudObject): void {
    this.objects.push(object);
  }

  /** Removes the object and, recursively, what it owns. */
  remove(type: string, id: string): void {
    const doomed = this.objects.filter((o) => o.type === type && o.id === id);
    for (const object of doomed) {
      this.objects.splice(this.objects.indexOf(object), 1);
      for (const owned of this.objects.filter((o) => o.owner === object.id)) this.remove(owned.type, owned.id);
    }
  }
}
