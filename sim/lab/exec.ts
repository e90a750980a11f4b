/** Running a command inside a booted server (the lab's `openstack server ssh`): nsenter into all of the container's namespaces. */
import { spawnSync } from "node:child_process";
import { containerPid } from "./servers";

export function execInServer(serverId: string, command: string[], options: { input?: string; capture?: boolean; timeoutMs?: number } = {}) {
  const pid = containerPid(serverId);
  if (pid === null) throw new Error(`server ${serverId} is not running in the lab (npm run sim:lab -- status)`);
  const env = {
    PATH: "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
    HOME: "/root",
    LANG: "C.UTF-8",
    TERM: process.env.TERM ?? "dumb",
  };
  const result = spawnSync("nsenter", ["-t", String(pid), "-a", "--", ...command], {
    env,
    encoding: "utf8",
    input: options.input,
    timeout: options.timeoutMs,
    stdio: options.capture ? ["pipe", "pipe", "pipe"] : options.input !== undefined ? ["pipe", "inherit", "inherit"] : "inherit",
  });
  return { code: result.status ?? 1, stdout: String(result.stdout ?? ""), stderr: String(result.stderr ?? "") };
}
