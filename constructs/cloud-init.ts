import { gzipSync } from "node:zlib";
import { stringify } from "yaml";

/** Nova refuses user data larger than this, counted base64-encoded. */
export const NOVA_USER_DATA_LIMIT = 65_535;

export interface CloudInitFile {
  /** Absolute path on the server. */
  readonly path: string;
  readonly content: string;
  /** @default "0644" */
  readonly permissions?: string;
  /**
   * Ship the content gzipped and base64-encoded (cloud-init's `gz+b64`): code
   * and scripts shrink to about a third. Leave it off for content that holds
   * Terraform references, which must stay readable text for Terraform to resolve.
   * @default false
   */
  readonly compress?: boolean;
}

export interface UserDataProps {
  /** Files written before anything runs. */
  readonly files: readonly CloudInitFile[];
  /**
   * Commands cloud-init's runcmd runs, in order. runcmd runs them as one `sh`
   * script whose status is the last command's: keep it to one command that
   * stops at its first failure, so that a failure ends in `status: error`.
   */
  readonly runcmd: readonly string[];
}

/**
 * Contents already compressed, by content: the same app archive and scripts go to every server of every
 * environment, and level 9 is the dearest part of a synth's user data. Bounded, for apps that make many.
 */
const compressed = new Map<string, string>();

function gzipBase64(content: string): string {
  let encoded = compressed.get(content);
  if (encoded === undefined) {
    encoded = gzipSync(Buffer.from(content), { level: 9 }).toString("base64");
    if (compressed.size >= 64) compressed.clear();
    compressed.set(content, encoded);
  }
  return encoded;
}

/**
 * Renders `#cloud-config` user data.
 *
 * User data is ForceNew on servers: the output depends only on the input,
 * never on time or randomness (gzip writes no timestamp here), so two synths
 * of one config are identical and a plan replaces a server only when what it
 * runs changes.
 */
export function renderUserData(props: UserDataProps): string {
  const document = {
    write_files: props.files.map((f) => ({
      path: f.path,
      permissions: f.permissions ?? "0644",
      ...(f.compress ? { encoding: "gz+b64", content: gzipBase64(f.content) } : { content: f.content }),
    })),
    runcmd: [...props.runcmd],
  };
  // lineWidth 0: never fold, so Terraform references inside values stay intact.
  return `#cloud-config\n${stringify(document, { lineWidth: 0 })}`;
}
