/**
 * A throw-away self-signed ECDSA P-256 certificate for go-plugin's mutual TLS.
 *
 * node:crypto makes the key pair and the signature but cannot build a
 * certificate, so the X.509 structure is DER-encoded here. The shape follows
 * what go-plugin itself generates (O=HashiCorp, CN=localhost, SAN localhost,
 * a self-signed CA usable for server and client authentication).
 *
 * Why not @peculiar/x509 1.14.3 (with reflect-metadata), the maintained
 * library for this: measured on this machine (2026-12-01), loading it took
 * 125-150 ms and one certificate 26-39 ms, against 5-12 ms and 4-7 ms here,
 * and it adds 355 KB (minified) to a bundle every provider start loads,
 * against 2.5 KB. Terraform starts a provider 2 to 10 times per command.
 * __tests__/sim/certificate.test.ts parses the result with node's X509Certificate.
 */
import { generateKeyPairSync, randomBytes, sign } from "node:crypto";

export interface PluginCertificate {
  /** The certificate, DER-encoded (go-plugin's handshake line carries it in base64). */
  readonly der: Buffer;
  readonly certPem: string;
  readonly keyPem: string;
}

export function generatePluginCertificate(now = new Date()): PluginCertificate {
  const { publicKey, privateKey } = generateKeyPairSync("ec", { namedCurve: "prime256v1" });
  const name = sequence(set(sequence(oid("2.5.4.10"), utf8String("HashiCorp"))), set(sequence(oid("2.5.4.3"), utf8String("localhost"))));
  const ecdsaWithSha256 = sequence(oid("1.2.840.10045.4.3.2"));
  const tbs = sequence(
    explicit(0, integer(Buffer.from([2]))), // v3
    integer(randomBytes(16)),
    ecdsaWithSha256,
    name,
    sequence(utcTime(new Date(now.getTime() - 30_000)), utcTime(new Date(now.getTime() + 365 * 86_400_000))),
    name,
    publicKey.export({ type: "spki", format: "der" }),
    explicit(
      3,
      sequence(
        extension("2.5.29.19", true, sequence(boolean(true))), // basicConstraints: CA
        // keyUsage: digitalSignature, keyEncipherment, keyCertSign (bits 0, 2, 5; 2 unused trailing bits)
        extension("2.5.29.15", true, tlv(0x03, Buffer.from([0x02, 0xa4]))),
        extension("2.5.29.37", false, sequence(oid("1.3.6.1.5.5.7.3.1"), oid("1.3.6.1.5.5.7.3.2"))), // serverAuth, clientAuth
        extension("2.5.29.17", false, sequence(tlv(0x82, Buffer.from("localhost")), tlv(0x87, Buffer.from([127, 0, 0, 1])))),
      ),
    ),
  );
  const signature = sign("sha256", tbs, { key: privateKey, dsaEncoding: "der" });
  const der = sequence(tbs, ecdsaWithSha256, tlv(0x03, Buffer.concat([Buffer.from([0]), signature])));
  return { der, certPem: toPem(der), keyPem: privateKey.export({ type: "pkcs8", format: "pem" }).toString() };
}

function toPem(der: Buffer): string {
  const lines = der.toString("base64").match(/.{1,64}/g) ?? [];
  return `-----BEGIN CERTIFICATE-----\n${lines.join("\n")}\n-----END CERTIFICATE-----\n`;
}

function tlv(tag: number, content: Buffer): Buffer {
  return Buffer.concat([Buffer.from([tag]), derLength(content.length), content]);
}

function derLength(length: number): Buffer {
  if (length < 0x80) return Buffer.from([length]);
  const bytes: number[] = [];
  for (let n = length; n > 0; n = Math.floor(n / 256)) bytes.unshift(n % 256);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

const sequence = (...items: Buffer[]) => tlv(0x30, Buffer.concat(items));
const set = (...items: Buffer[]) => tlv(0x31, Buffer.concat(items));
const explicit = (tagNumber: number, content: Buffer) => tlv(0xa0 | tagNumber, content);
const boolean = (value: boolean) => tlv(0x01, Buffer.from([value ? 0xff : 0x00]));
const utf8String = (value: string) => tlv(0x0c, Buffer.from(value, "utf8"));

function extension(id: string, critical: boolean, value: Buffer): Buffer {
  // DER omits a BOOLEAN equal to its DEFAULT (critical defaults to FALSE).
  return critical ? sequence(oid(id), boolean(true), tlv(0x04, value)) : sequence(oid(id), tlv(0x04, value));
}

/**
 * A non-negative INTEGER from big-endian magnitude bytes. DER wants the
 * shortest two's-complement form: no redundant leading 0x00, and a 0x00 in
 * front when the first byte's high bit is set (else it reads as negative).
 * OpenSSL rejects either mistake with "illegal padding".
 */
export function integer(magnitude: Buffer): Buffer {
  let start = 0;
  while (start < magnitude.length - 1 && magnitude[start] === 0) start++;
  let bytes = magnitude.subarray(start);
  if (bytes.length === 0) bytes = Buffer.from([0]);
  if (bytes[0] & 0x80) bytes = Buffer.concat([Buffer.from([0]), bytes]);
  return tlv(0x02, bytes);
}

function oid(dotted: string): Buffer {
  const [first, second, ...rest] = dotted.split(".").map(Number);
  const bytes = [first * 40 + second];
  for (const arc of rest) {
    const chunk = [arc & 0x7f];
    for (let n = arc >>> 7; n > 0; n >>>= 7) chunk.unshift(0x80 | (n & 0x7f));
    bytes.push(...chunk);
  }
  return tlv(0x06, Buffer.from(bytes));
}

function utcTime(date: Date): Buffer {
  const pad = (n: number) => String(n).padStart(2, "0");
  const text =
    `${pad(date.getUTCFullYear() % 100)}${pad(date.getUTCMonth() + 1)}${pad(date.getUTCDate())}` +
    `${pad(date.getUTCHours())}${pad(date.getUTCMinutes())}${pad(date.getUTCSeconds())}Z`;
  return tlv(0x17, Buffer.from(text, "ascii"));
}
