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
import { ValueObject } from "../protocol/cty";
import { withLockFile } from "../provider/lock-file";

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

/**
 * The cloud file cannot be read as a simulated cloud (truncated, or not the
 * shape the simulator writes). Its message is one line naming the file and the
 * way out; `sim:*` prints it as it is, and the provider plugin answers it as
 * one diagnostic (no stack trace).
 */
export class CloudFileError extends Error {
  constructor(
    readonly file: string,
    problem: string,
  ) {
    super(
      `${shownPath(file)}: ${problem}, so the simulated cloud cannot be read; ` +
        `delete it (rm ${shownPath(file)}) to start from an empty cloud (the next sim:deploy recreates what its state lists), or restore it from a copy`,
    );
    this.name = "CloudFileError";
    // The message says all there is to say: no stack for the plugin's diagnostic to print.
    this.stack = this.message;
  }
}

function shownPath(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative && !relative.startsWith("..") ? relative : file;
}

/** Why `parsed` is not the `{ "objects": [...] }` the simulator writes, or null when it is. */
function shapeProblem(parsed: unknown): string | null {
  if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) return "it is not a JSON object";
  const objects = (parsed as { objects?: unknown }).objects;
  if (!Array.isArray(objects)) return `its "objects" is ${objects === undefined ? "missing" : "not a list"}`;
  const index = objects.findIndex(
    (o) =>
      !o ||
      typeof o !== "object" ||
      typeof o.type !== "string" ||
      typeof o.id !== "string" ||
      !o.state ||
      typeof o.state !== "object" ||
      Array.isArray(o.state),
  );
  return index < 0 ? null : `its objects[${index}] is not an object with a string "type", a string "id" and a "state" object`;
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
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (err) {
      const problem = text.trim() === "" ? "it is empty" : `it is not valid JSON (${(err as Error).message}; truncated?)`;
      throw new CloudFileError(file, problem);
    }
    const problem = shapeProblem(parsed);
    if (problem) throw new CloudFileError(file, problem);
    return new Cloud((parsed as CloudFile).objects);
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
