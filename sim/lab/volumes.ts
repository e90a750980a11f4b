/**
 * Cinder's data plane: a sparse file per volume on a loop device, and the
 * attachment as a block device node inside the server's container with the
 * by-id name a KVM cloud gives (virtio-<first 20 characters of the volume
 * id>; or the virtio-scsi form with FRACTALS_LAB_DISK_BUS=scsi). The file
 * outlives servers, so a volume's data survives the server's replacement.
 */
import { closeSync, existsSync, openSync, readdirSync, rmSync, statSync, ftruncateSync, mkdirSync } from "node:fs";
import * as path from "node:path";
import { VOLUMES_DIR } from "./paths";
import { run, tryRun } from "./sh";
import { LabVolume } from "./topology";

export const volumeFile = (id: string) => path.join(VOLUMES_DIR, `${id}.img`);

/** The by-id name the guest sees. */
export function byIdName(volumeId: string, bus = process.env.FRACTALS_LAB_DISK_BUS || "virtio"): string {
  return bus === "scsi" ? `scsi-0QEMU_QEMU_HARDDISK_${volumeId}` : `virtio-${volumeId.slice(0, 20)}`;
}

/** The volume's file, created sparse at its size (grown if the volume was extended), and its loop device. */
export function ensureVolume(volume: LabVolume): string {
  mkdirSync(VOLUMES_DIR, { recursive: true });
  const file = volumeFile(volume.id);
  const size = volume.sizeGb * 1024 ** 3;
  if (!existsSync(file) || statSync(file).size < size) {
    const fd = openSync(file, existsSync(file) ? "r+" : "w");
    ftruncateSync(fd, size);
    closeSync(fd);
  }
  const existing = loopOf(file);
  if (existing) {
    tryRun("losetup", ["-c", existing]);
    return existing;
  }
  return run("losetup", ["-f", "--show", file]).trim();
}

export function loopOf(file: string): string | null {
  const line = tryRun("losetup", ["-j", file]).stdout.split("\n").find(Boolean);
  return line ? line.split(":")[0] : null;
}

/** Every loop device backed by a file of the lab's volumes directory. */
export function labLoops(): { dev: string; file: string }[] {
  return tryRun("losetup", ["-a", "-O", "NAME,BACK-FILE", "-n", "-l"])
    .stdout.split("\n")
    .filter(Boolean)
    .map((l) => l.trim().split(/\s+/))
    .map(([dev, file]) => ({ dev, file: (file ?? "").replace(/ \(deleted\)$/, "") }))
    .filter((l) => l.file.startsWith(`${VOLUMES_DIR}/`));
}

export function releaseVolume(id: string, removeFile: boolean): void {
  const file = volumeFile(id);
  for (const l of labLoops().filter((x) => x.file === file)) tryRun("losetup", ["-d", l.dev]);
  if (removeFile) rmSync(file, { force: true });
}

export function volumeIdsOnDisk(): string[] {
  return existsSync(VOLUMES_DIR)
    ? readdirSync(VOLUMES_DIR)
        .filter((f) => f.endsWith(".img"))
        .map((f) => f.slice(0, -4))
    : [];
}

/**
 * Makes the device node and its by-id link inside a running container (in its
 * mount namespace, from the host: no udev runs in the container). Idempotent.
 */
export function plugVolume(pid: number, loop: string, device: string, volumeId: string): void {
  const st = statSync(loop);
  const major = (st.rdev >> 8) & 0xfff,
    minor = (st.rdev & 0xff) | ((st.rdev >> 12) & 0xfff00);
  const name = path.basename(device);
  const script = [
    `[ -b /dev/${name} ] || mknod /dev/${name} b ${major} ${minor}`,
    "mkdir -p /dev/disk/by-id",
    `ln -sfn ../../${name} /dev/disk/by-id/${byIdName(volumeId)}`,
  ].join(" && ");
  run("nsenter", ["-t", String(pid), "-m", "sh", "-c", script]);
}

export function unplugVolume(pid: number, device: string, volumeId: string): void {
  tryRun("nsenter", ["-t", String(pid), "-m", "sh", "-c", `rm -f /dev/${path.basename(device)} /dev/disk/by-id/${byIdName(volumeId)}`]);
}
