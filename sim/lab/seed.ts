/** The NoCloud seed a server boots with: Nova's metadata, the user data it was given, and its port's address as static config. */
import { LabServer } from "./topology";

export function metaData(server: LabServer): string {
  // The key pair's public key, which cloud-init installs for the image's default user (NoCloud reads `public-keys`).
  const keys = server.publicKeys.map((k) => `  - ${JSON.stringify(k)}\n`).join("");
  return `instance-id: ${server.id}\nlocal-hostname: ${hostname(server.name)}\n${keys ? `public-keys:\n${keys}` : ""}`;
}

/** A hostname from the server name as Nova derives it (lower case, [a-z0-9-], at most 63 characters). */
export function hostname(name: string): string {
  return (
    name
      .toLowerCase()
      .replace(/[^a-z0-9-]+/g, "-")
      .replace(/^-+|-+$/g, "")
      .slice(0, 63) || "server"
  );
}

/**
 * Network config v2 for nspawn's `host0`: the fixed IP, the subnet gateway
 * (the router, which leads nowhere beyond the lab) and no name servers.
 */
export function networkConfig(server: LabServer): string {
  const gateway = server.subnet.gatewayIp ? `    routes:\n      - to: 0.0.0.0/0\n        via: ${server.subnet.gatewayIp}\n` : "";
  return `version: 2\nethernets:\n  host0:\n    match:\n      name: host0\n    addresses:\n      - ${server.fixedIp}/${server.subnet.prefix}\n${gateway}`;
}

/** Nova serves no user data as an empty document; cloud-init needs a file. */
export function userData(server: LabServer): string {
  return server.userData || "#cloud-config\n{}\n";
}
