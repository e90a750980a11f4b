/** What the lab needs of the machine, checked up front so a missing piece is one clear message, not a failure half-way. */
import { tryRun } from "./sh";

export const LAB_PACKAGES = "mmdebstrap systemd-container nftables iproute2 haproxy";
const TOOLS: [string, string][] = [
  ["systemd-nspawn", "systemd-container"],
  ["mmdebstrap", "mmdebstrap"],
  ["nft", "nftables"],
  ["ip", "iproute2"],
  ["haproxy", "haproxy"],
  ["nsenter", "util-linux"],
  ["losetup", "mount"],
];

/** Null when the lab can run here; otherwise why not, with what to install. */
export function labUnavailable(): string | null {
  if (process.platform !== "linux") return `the lab runs servers as Linux containers; this is ${process.platform}`;
  if (typeof process.getuid === "function" && process.getuid() !== 0) {
    return "the lab needs root (it creates bridges, network namespaces, loop devices, overlay mounts and systemd-nspawn containers); run it as root";
  }
  const missing = TOOLS.filter(([tool]) => tryRun("sh", ["-c", `command -v ${tool}`]).code !== 0);
  if (missing.length > 0) {
    return (
      `the lab needs ${missing.map(([t]) => t).join(", ")}: apt-get install -y ${[...new Set(missing.map(([, p]) => p))].join(" ")} ` +
      `(all it uses: ${LAB_PACKAGES})`
    );
  }
  return null;
}

export function requireLab(): void {
  const problem = labUnavailable();
  if (problem) throw new LabUnavailable(problem);
}

export class LabUnavailable extends Error {
  constructor(message: string) {
    super(message);
    this.name = "LabUnavailable";
  }
}
