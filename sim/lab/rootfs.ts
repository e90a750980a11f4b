/**
 * The servers' root filesystem: Debian 12 built once per machine with
 * mmdebstrap, cached under /var/cache/fractals-lab/rootfs-<hash>, where the
 * hash covers the package list and this recipe, so changing either rebuilds.
 * Built under a lock into a temporary directory and renamed into place, so a
 * killed build never leaves a half-made image that looks finished.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { withLockFile } from "../provider/lock-file";
import { EXTERNAL_BRIDGE, ROOTFS_CACHE } from "./paths";
import { run, tryRun } from "./sh";

export const PACKAGES = [
  "systemd",
  "systemd-sysv",
  "dbus",
  "cloud-init",
  "iproute2",
  "ca-certificates",
  "e2fsprogs",
  "util-linux",
  "curl",
  "netcat-openbsd",
  "procps",
  "python3",
  "python3-flask",
  "python3-pymysql",
  "python3-kombu",
  "python3-pil",
  "mariadb-server",
  "rabbitmq-server",
  "openssh-server",
];

/** Run in the image after mmdebstrap (LAB-RECIPE.md's fixes, each with its reason). */
const CUSTOMIZE = [
  'echo localhost > "$1/etc/hostname"',
  'chroot "$1" systemctl enable systemd-networkd',
  // No `locales` package in minbase: without this cloud-init ends in status: error.
  // manage_etc_hosts: the hostname resolves locally, as Debian's cloud images set it (RabbitMQ's tools need it; there is no DNS).
  "printf 'datasource_list: [ NoCloud, None ]\\nlocale: C.UTF-8\\nmanage_etc_hosts: true\\n' > \"$1/etc/cloud/cloud.cfg.d/99-lab.cfg\"",
  "printf '127.0.0.1 localhost\\n::1 localhost ip6-localhost ip6-loopback\\n' > \"$1/etc/hosts\"",
  // The build host's name server is outside the lab; the servers get none (glibc then tries 127.0.0.1 and fails at once).
  ': > "$1/etc/resolv.conf"',
  // No router advertisements in the lab: without this networkd-wait-online waits ~13 s for them.
  'mkdir -p "$1/etc/systemd/network/10-cloud-init-host0.network.d"',
  "printf '[Network]\\nIPv6AcceptRA=no\\n' > \"$1/etc/systemd/network/10-cloud-init-host0.network.d/no-ra.conf\"",
  // The roles that need them `systemctl enable --now` these; on the rest they would only cost boot time (RabbitMQ ~10 s).
  'chroot "$1" systemctl disable mariadb.service rabbitmq-server.service',
  // wait-online would wait for every link; the container has one.
  'mkdir -p "$1/etc/systemd/system/systemd-networkd-wait-online.service.d"',
  "printf '[Service]\\nExecStart=\\nExecStart=/lib/systemd/systemd-networkd-wait-online --any --timeout=20\\n' > \"$1/etc/systemd/system/systemd-networkd-wait-online.service.d/lab.conf\"",
  // The lab has no internet: user data's `apt-get install` of what the image has must not try the network first.
  'rm -rf "$1/var/lib/apt/lists/"*_Packages 2>/dev/null || true',
];
const SUITE = "bookworm";

/** The Debian mirror apt on this host uses (deb822 or one-line sources), main suite first. */
export function debianMirror(): string {
  const dir = "/etc/apt/sources.list.d";
  const files = [...(existsSync(dir) ? readdirSync(dir).map((f) => path.join(dir, f)) : []), "/etc/apt/sources.list"];
  for (const file of files.filter((f) => /\.(sources|list)$/.test(f) && existsSync(f))) {
    const text = readFileSync(file, "utf8");
    const deb822 = text.split(/\n\s*\n/).find((stanza) => /^Suites:.*\bbookworm\b/m.test(stanza) && /^URIs:/m.test(stanza));
    const uri = deb822?.match(/^URIs:\s*(\S+)/m)?.[1] ?? text.match(/^deb\s+(?:\[[^\]]*\]\s+)?(\S+)\s+bookworm\s/m)?.[1];
    if (uri) return uri;
  }
  throw new Error("no Debian bookworm mirror in /etc/apt/sources.list*: the lab's root filesystem is built from it");
}

/**
 * The host routes only the lab's own external addresses into the lab; if one of them is the
 * mirror's (as this workplace's mirror answers in 203.0.113.0/24), apt would reach a lab server
 * instead. Say so instead of letting apt fail with "No route to host".
 */
function mirrorOutsideLab(mirror: string): void {
  const host = new URL(mirror).hostname;
  const address = tryRun("getent", ["ahostsv4", host]).stdout.split(/\s+/)[0] ?? "";
  if (address && tryRun("ip", ["-o", "route", "get", address]).stdout.includes(` dev ${EXTERNAL_BRIDGE} `)) {
    throw new Error(
      `the Debian mirror ${host} (${address}) is routed into the running lab (${EXTERNAL_BRIDGE}); ` +
        "run `npm run sim:lab -- clean` and try again",
    );
  }
}

export function rootfsHash(): string {
  return createHash("sha256")
    .update(JSON.stringify({ PACKAGES, CUSTOMIZE, SUITE, v: 1 }))
    .digest("hex")
    .slice(0, 16);
}

export function rootfsPath(): string {
  return path.join(ROOTFS_CACHE, `rootfs-${rootfsHash()}`);
}

/** The cached root filesystem, built if missing. Returns its path and how long the build took (0 when cached). */
export function ensureRootfs(log: (line: string) => void = console.log): { path: string; builtSeconds: number } {
  const target = rootfsPath();
  if (existsSync(path.join(target, ".complete"))) return { path: target, builtSeconds: 0 };
  mkdirSync(ROOTFS_CACHE, { recursive: true });
  return withLockFile(
    `${target}.lock`,
    { timeoutMs: 20 * 60_000, pollMs: 500, staleMs: 20 * 60_000, what: "the lab's root filesystem build" },
    () => {
      if (existsSync(path.join(target, ".complete"))) return { path: target, builtSeconds: 0 };
      const started = Date.now();
      const tmp = `${target}.tmp-${process.pid}`;
      rmSync(tmp, { recursive: true, force: true });
      const mirror = debianMirror();
      mirrorOutsideLab(mirror);
      log(
        `lab: building the servers' root filesystem (Debian ${SUITE}, ${PACKAGES.length} packages, from ${mirror}); about 3 minutes, once per machine`,
      );
      try {
        const hook = CUSTOMIZE.join(" && ");
        run(
          "mmdebstrap",
          [
            "--variant=minbase",
            `--include=${PACKAGES.join(",")}`,
            // The host's mirror may be a dated snapshot; apt on the host accepts it with these, so must mmdebstrap's apt.
            '--aptopt=Acquire::Check-Valid-Until "false"',
            '--aptopt=Acquire::Check-Date "false"',
            `--customize-hook=${hook}`,
            SUITE,
            tmp,
            `deb ${mirror} ${SUITE} main`,
            `deb ${mirror} ${SUITE}-updates main`,
          ],
          { stdio: ["ignore", "ignore", "pipe"] },
        );
        writeFileSync(path.join(tmp, ".complete"), `${new Date().toISOString()}\n`);
        rmSync(target, { recursive: true, force: true });
        renameSync(tmp, target);
      } catch (err) {
        rmSync(tmp, { recursive: true, force: true });
        throw err;
      }
      // Older images (another package list) are dead weight, unless a running server's overlay still sits on one.
      const mounts = readFileSync("/proc/mounts", "utf8");
      for (const entry of readdirSync(ROOTFS_CACHE)) {
        const old = path.join(ROOTFS_CACHE, entry);
        if (/^rootfs-[0-9a-f]+$/.test(entry) && old !== target && !mounts.includes(`lowerdir=${old}`))
          rmSync(old, { recursive: true, force: true });
      }
      const builtSeconds = (Date.now() - started) / 1000;
      log(`lab: root filesystem ready in ${builtSeconds.toFixed(0)} s at ${target}`);
      return { path: target, builtSeconds };
    },
  );
}

if (require.main === module) ensureRootfs();
