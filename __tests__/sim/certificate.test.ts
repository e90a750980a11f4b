import { X509Certificate } from "node:crypto";
import { generatePluginCertificate, integer } from "../../sim/protocol/certificate";

describe("the plugin's throw-away certificate", () => {
  test("DER INTEGERs are minimal and non-negative", () => {
    expect(integer(Buffer.from([0x7f]))).toEqual(Buffer.from([0x02, 0x01, 0x7f]));
    expect(integer(Buffer.from([0x80]))).toEqual(Buffer.from([0x02, 0x02, 0x00, 0x80]));
    expect(integer(Buffer.from([0x00, 0x00, 0x12]))).toEqual(Buffer.from([0x02, 0x01, 0x12]));
    expect(integer(Buffer.from([0x00, 0x93]))).toEqual(Buffer.from([0x02, 0x02, 0x00, 0x93]));
    expect(integer(Buffer.from([0x00]))).toEqual(Buffer.from([0x02, 0x01, 0x00]));
  });

  test("a self-signed P-256 certificate for localhost that OpenSSL accepts", () => {
    const cert = generatePluginCertificate(new Date("2026-05-01T00:00:00Z"));
    const x509 = new X509Certificate(cert.certPem);
    expect(x509.verify(x509.publicKey)).toBe(true);
    expect(x509.checkHost("localhost")).toBe("localhost");
    expect(x509.ca).toBe(true);
    expect(x509.publicKey.asymmetricKeyDetails).toEqual({ namedCurve: "prime256v1" });
    expect(x509.subject).toBe("O=HashiCorp\nCN=localhost");
    expect(x509.raw.equals(cert.der)).toBe(true);
  });

  // Random serials and signatures hit the INTEGER padding rules about once in 500 certificates.
  test("2,000 fresh certificates all parse and verify", () => {
    for (let i = 0; i < 2000; i++) {
      const x509 = new X509Certificate(generatePluginCertificate().der);
      if (!x509.verify(x509.publicKey)) throw new Error(`certificate ${i} does not verify`);
    }
  });
});
