/**
 * What a Fractals server runs, as cloud-init user data: the app from
 * `workload/` (shipped inside the user data, gzip+base64), its config, and the
 * boot script that sets up the server's roles. Nothing is fetched at boot but
 * the distribution's own packages, and only those the image lacks.
 */
import { readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { CloudInitFile, renderUserData } from "./cloud-init";

/** The app's sources in this repository (see workload/README.md). */
export const WORKLOAD_DIR = path.join(__dirname, "..", "workload");
/** Where the Cinder volume of a database server is mounted; MariaDB's data is a subdirectory of it. */
export const DATA_MOUNT = "/var/lib/fractals-data";
export const DATA_DIR = `${DATA_MOUNT}/mysql`;
/** MariaDB's own data directory on servers without a volume. */
const DEFAULT_DATA_DIR = "/var/lib/mysql";
/** The app's one config file; 0600, owned by the `fractals` service user. */
export const APP_CONFIG_PATH = "/etc/fractals/fractals.conf";
/** The API's health endpoint: checks the database, for the load balancer's monitor. */
export const HEALTH_PATH = "/v1/health";

export interface DatabaseRole {
  /** Password of the app's database user (a Terraform reference, resolved at apply). */
  readonly password: string;
  /** Address MariaDB listens on: the server's fixed IP, or 127.0.0.1 when only local clients use it. */
  readonly bindAddress: string;
  /** Hosts the app's database user may connect from, in MariaDB's notation (`localhost`, `10.20.0.0/255.255.255.0`). */
  readonly clientHosts: readonly string[];
  /** MariaDB `max_connections`. */
  readonly maxConnections: number;
  /**
   * Cinder volume that holds the data directory, found by its id.
   * @default none: the data stays on the root disk
   */
  readonly dataVolumeId?: string;
}

export interface QueueRole {
  /** Password of the app's RabbitMQ user; `guest` is deleted. */
  readonly password: string;
}

export interface ApiRole {
  readonly port: number;
  readonly databaseUrl: string;
  readonly amqpUrl: string;
}

export interface WorkerRole {
  /** Where the worker stores its results. */
  readonly apiUrl: string;
  readonly amqpUrl: string;
}

/** A Heat wait condition handle's `endpoint` and `token`. */
export interface WaitConditionSignal {
  readonly endpoint: string;
  readonly token: string;
}

export interface FractalsServerProps {
  readonly database?: DatabaseRole;
  readonly queue?: QueueRole;
  readonly api?: ApiRole;
  readonly worker?: WorkerRole;
  /**
   * Signalled SUCCESS when the boot script completes and FAILURE when it fails,
   * so that Heat counts a server as capacity only once it works.
   * @default none
   */
  readonly waitCondition?: WaitConditionSignal;
}

/** User data for a server with the given roles. */
export function fractalsUserData(props: FractalsServerProps): string {
  const roles = (["database", "queue", "api", "worker"] as const).filter((r) => props[r] !== undefined);
  if (roles.length === 0) throw new Error("fractalsUserData: a server needs at least one of database, queue, api, worker");
  const runsApp = props.api !== undefined || props.worker !== undefined;
  const files: CloudInitFile[] = [
    ...(runsApp ? appFiles() : []),
    { path: "/usr/local/sbin/fractals-boot", permissions: "0755", content: workloadFile("guest/fractals-boot"), compress: true },
    { path: "/etc/fractals/boot.env", permissions: "0600", content: bootEnv(roles, props) },
  ];
  if (runsApp) files.push({ path: APP_CONFIG_PATH, permissions: "0600", content: appConfig(props) });
  if (props.database) files.push(...databaseFiles(props.database));
  if (props.waitCondition) {
    files.push({ path: "/etc/fractals/heat-signal.curl", permissions: "0600", content: curlConfig(props.waitCondition) });
  }
  return renderUserData({ files, runcmd: ["/usr/local/sbin/fractals-boot"] });
}

/** The Python package, the CLI and the systemd units, read from workload/ at synth time. */
function appFiles(): CloudInitFile[] {
  const python = sortedEntries("fractals").filter((f) => f.endsWith(".py"));
  const units = sortedEntries("systemd").filter((f) => f.endsWith(".service"));
  return [
    ...python.map((f) => ({ path: `/usr/local/lib/fractals/fractals/${f}`, content: workloadFile(`fractals/${f}`), compress: true })),
    { path: "/usr/local/bin/fractals", permissions: "0755", content: workloadFile("bin/fractals"), compress: true },
    ...units.map((f) => ({ path: `/etc/systemd/system/${f}`, content: workloadFile(`systemd/${f}`), compress: true })),
  ];
}

function sortedEntries(dir: string): string[] {
  return readdirSync(path.join(WORKLOAD_DIR, dir)).sort();
}

function workloadFile(relative: string): string {
  return readFileSync(path.join(WORKLOAD_DIR, relative), "utf8");
}

/** The boot script's input. Values are single-quoted: generated passwords use a quote-free alphabet. */
function bootEnv(roles: readonly string[], props: FractalsServerProps): string {
  const vars: Record<string, string> = { ROLES: roles.join(" ") };
  if (props.database) {
    Object.assign(vars, {
      DB_PASSWORD: props.database.password,
      DB_CLIENT_HOSTS: props.database.clientHosts.join(" "),
      DB_DATA_DIR: props.database.dataVolumeId ? DATA_DIR : DEFAULT_DATA_DIR,
    });
    if (props.database.dataVolumeId) Object.assign(vars, { DATA_VOLUME_ID: props.database.dataVolumeId, DATA_MOUNT });
  }
  if (props.queue) vars.QUEUE_PASSWORD = props.queue.password;
  if (props.api) vars.API_PORT = String(props.api.port);
  return Object.entries(vars)
    .map(([k, v]) => `${k}='${v}'\n`)
    .join("");
}

function appConfig(props: FractalsServerProps): string {
  const sections: string[] = [];
  if (props.api) {
    sections.push(`[api]\nbind = 0.0.0.0\nport = ${props.api.port}\n`, `[database]\nurl = ${props.api.databaseUrl}\n`);
  }
  const amqpUrl = props.api?.amqpUrl ?? props.worker!.amqpUrl;
  sections.push(`[queue]\nurl = ${amqpUrl}\n`);
  if (props.worker) sections.push(`[worker]\napi_url = ${props.worker.apiUrl}\n`);
  return sections.join("\n");
}

function databaseFiles(db: DatabaseRole): CloudInitFile[] {
  // Debian's and Ubuntu's mariadb-server read this directory (Oracle MySQL's packages would not).
  const server = ["[mysqld]", `bind-address = ${db.bindAddress}`, `max_connections = ${db.maxConnections}`];
  if (db.dataVolumeId) server.push(`datadir = ${DATA_DIR}`);
  const files: CloudInitFile[] = [{ path: "/etc/mysql/mariadb.conf.d/60-fractals.cnf", content: `${server.join("\n")}\n` }];
  if (db.dataVolumeId) {
    // Never start on the root disk's empty directory when the volume is not mounted.
    files.push({ path: "/etc/systemd/system/mariadb.service.d/fractals-data.conf", content: `[Unit]\nRequiresMountsFor=${DATA_MOUNT}\n` });
  }
  return files;
}

/** A curl config file (`curl -K`), so the token is on no command line. */
function curlConfig(signal: WaitConditionSignal): string {
  return [
    `url = "${signal.endpoint}"`,
    'request = "POST"',
    `header = "X-Auth-Token: ${signal.token}"`,
    'header = "Content-Type: application/json"',
    'header = "Accept: application/json"',
    "",
  ].join("\n");
}
