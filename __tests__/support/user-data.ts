import { gunzipSync } from "node:zlib";
import { parse } from "yaml";

export interface WrittenFile {
  readonly content: string;
  readonly permissions: string;
}

/** Reads `#cloud-config` user data as cloud-init would: the files it writes (gz+b64 decoded) and its runcmd. */
export function readUserData(userData: string): { files: Map<string, WrittenFile>; runcmd: string[] } {
  if (!userData.startsWith("#cloud-config\n")) throw new Error("user data is not #cloud-config");
  const doc = parse(userData) as {
    write_files?: { path: string; content: string; permissions: string; encoding?: string }[];
    runcmd?: string[];
  };
  const files = new Map<string, WrittenFile>();
  for (const f of doc.write_files ?? []) {
    const content = f.encoding === "gz+b64" ? gunzipSync(Buffer.from(f.content, "base64")).toString("utf8") : f.content;
    files.set(f.path, { content, permissions: f.permissions });
  }
  return { files, runcmd: doc.runcmd ?? [] };
}

/** The boot script's variables (`/etc/fractals/boot.env`). */
export function bootEnv(userData: string): Record<string, string> {
  const env = readUserData(userData).files.get("/etc/fractals/boot.env");
  if (!env) throw new Error("user data writes no /etc/fractals/boot.env");
  return Object.fromEntries(
    env.content
      .trim()
      .split("\n")
      .map((line) => {
        const m = /^([A-Z_]+)='([^']*)'$/.exec(line);
        if (!m) throw new Error(`boot.env line is not KEY='value': ${line}`);
        return [m[1], m[2]];
      }),
  );
}
