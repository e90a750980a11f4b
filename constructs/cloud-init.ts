import { stringify } from "yaml";

/** What faafo's install script installs (`-i`). */
export type FaafoComponent = "faafo" | "messaging" | "database";
/** Which faafo services it starts (`-r`). */
export type FaafoRole = "api" | "worker" | "demo";

export interface FaafoInstall {
  /** URL of faafo's contrib/install.sh. */
  readonly scriptUrl: string;
  /** Components to install (`-i`). */
  readonly components: readonly FaafoComponent[];
  /**
   * Services to run (`-r`).
   * @default none
   */
  readonly roles?: readonly FaafoRole[];
  /** API endpoint the workers report to (`-e`). @default the script's (localhost) */
  readonly apiUrl?: string;
  /** AMQP URL of the queue (`-m`). @default the script's (localhost) */
  readonly amqpUrl?: string;
  /** SQLAlchemy URL of the database (`-d`). @default the script's (sqlite) */
  readonly databaseUrl?: string;
}

export interface UserDataProps {
  /** The Fractals install. */
  readonly install: FaafoInstall;
  /**
   * Files written before anything runs.
   * @default none
   */
  readonly files?: readonly CloudInitFile[];
  /**
   * Shell commands run before the install (e.g. mounting the data volume).
   * @default none
   */
  readonly before?: readonly string[];
  /**
   * Shell commands run after the install (e.g. setting generated passwords).
   * @default none
   */
  readonly after?: readonly string[];
}

export interface CloudInitFile {
  readonly path: string;
  readonly content: string;
  /** @default "0644" */
  readonly permissions?: string;
}

/**
 * Renders `#cloud-config` user data that runs faafo's install script.
 *
 * User data is ForceNew on servers: the output depends only on the input,
 * never on time or randomness, so two synths of one config are identical and
 * a plan replaces a server only when its role or endpoints change.
 */
export function renderUserData(props: UserDataProps): string {
  const document = {
    write_files: props.files?.map((f) => ({ path: f.path, permissions: f.permissions ?? "0644", content: f.content })),
    runcmd: [...(props.before ?? []), faafoInstallCommand(props.install), ...(props.after ?? [])],
  };
  // lineWidth 0: never fold, so Terraform references inside values stay intact.
  return `#cloud-config\n${stringify(document, { lineWidth: 0 })}`;
}

/** The install script's command line, e.g. `curl -sL URL | bash -s -- -i faafo -r worker -e ...`. */
export function faafoInstallCommand(install: FaafoInstall): string {
  if (install.components.length === 0) throw new Error("faafo install: components must name at least one of faafo, messaging, database");
  const args: string[] = [];
  for (const c of install.components) args.push("-i", c);
  for (const r of install.roles ?? []) args.push("-r", r);
  if (install.apiUrl) args.push("-e", shellQuote(install.apiUrl));
  if (install.amqpUrl) args.push("-m", shellQuote(install.amqpUrl));
  if (install.databaseUrl) args.push("-d", shellQuote(install.databaseUrl));
  return `curl -fsSL ${shellQuote(install.scriptUrl)} | bash -s -- ${args.join(" ")}`;
}

/** Single-quotes for sh; generated passwords use a quote-free alphabet, literal text may not. */
export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}
