/**
 * Value formats with Go's semantics (net.ParseIP, net.ParseCIDR,
 * time.Parse(RFC3339), go-uuid), and the conformance checker and the
 * simulator agreeing on every case: a config `npm run check` passes must not
 * be refused by `sim:deploy`, nor the other way round.
 */
import { checkBehaviour } from "../../providers/conformance/behaviour-rules";
import type { SchemaBlock, Validation } from "../../providers/schema/types";
import { isCidr, isIpAddress, isRfc3339Time, isUuid } from "../../providers/schema/value-formats";
import { validateConfig } from "../../sim/provider/validation";

interface Format {
  readonly rule: Validation;
  readonly predicate: (s: string) => boolean;
  readonly valid: string[];
  readonly invalid: string[];
}

const FORMATS: Record<string, Format> = {
  ip: {
    rule: { ip: true },
    predicate: isIpAddress,
    valid: [
      "192.0.2.1",
      "0.0.0.0",
      "255.255.255.255",
      "::",
      "::1",
      "2001:db8::1",
      "2001:DB8::A",
      "1:2:3:4:5:6:7:8",
      "::ffff:192.0.2.1",
      "1:2:3:4:5:6:1.2.3.4",
      "fe80::",
    ],
    invalid: [
      "010.0.0.1", // leading zero: refused since Go 1.17 (could be read as octal)
      "::ffff:010.0.0.1",
      "fe80::1%eth0", // a zone: net.ParseIP refuses it
      "256.0.0.1",
      "1.2.3",
      "1.2.3.4.5",
      "1::2::3",
      "1:2:3:4:5:6:7:8:9",
      "12345::1",
      "1:2:3:4:5:6:7::8", // `::` must stand for at least one group
      "",
      " 192.0.2.1",
      "192.0.2.1 ",
      "localhost",
    ],
  },
  cidr: {
    rule: { cidr: true },
    predicate: isCidr,
    valid: ["10.0.0.0/24", "10.0.0.1/24", "0.0.0.0/0", "192.0.2.1/32", "::/0", "2001:db8::/32", "2001:db8::1/128"],
    invalid: [
      "10.0.0.0/33",
      "::/129",
      "10.0.0.0",
      "10.0.0.0/",
      "10.0.0.0/-1",
      "10.0.0.0/24/1",
      "010.0.0.0/8",
      "fe80::%eth0/64",
      "10.0.0.0/ 24",
      "/24",
    ],
  },
  uuid: {
    rule: { uuid: true },
    predicate: isUuid,
    valid: ["0b4cbd2e-64d5-4e2b-9c1c-6d2e0f9b2f11", "0B4CBD2E-64D5-4E2B-9C1C-6D2E0F9B2F11"],
    invalid: ["0b4cbd2e64d54e2b9c1c6d2e0f9b2f11", "0b4cbd2e-64d5-4e2b-9c1c-6d2e0f9b2f1", "gb4cbd2e-64d5-4e2b-9c1c-6d2e0f9b2f11", ""],
  },
  rfc3339_time: {
    rule: { rfc3339_time: true },
    predicate: isRfc3339Time,
    valid: [
      "2030-01-01T00:00:00Z",
      "2024-02-29T23:59:59+05:30",
      "2000-02-29T12:00:00Z",
      "2030-01-01T00:00:00.123456789Z",
      "2030-12-31T23:59:59-08:00",
    ],
    invalid: [
      "2026-02-30T00:00:00Z",
      "2025-02-29T00:00:00Z",
      "1900-02-29T00:00:00Z", // days that do not exist
      "2030-13-01T00:00:00Z",
      "2030-00-10T00:00:00Z",
      "2030-04-31T00:00:00Z",
      "2030-01-01T24:00:00Z",
      "2030-01-01T00:60:00Z",
      "2030-01-01T00:00:60Z",
      "2030-01-01 00:00:00Z",
      "2030-01-01t00:00:00z",
      "2030-01-01T00:00:00",
      "2030-01-01T00:00:00+0100",
      "2030-01-01",
    ],
  },
};

/** A one-attribute resource whose `value` carries the rule. */
const BLOCK: SchemaBlock = { attributes: { value: { type: "string", optional: true } } };

function simulatorAccepts(rule: Validation, value: string): boolean {
  return validateConfig(BLOCK, { attributes: { value: { validation: rule } } }, { value }).length === 0;
}

function checkerAccepts(rule: Validation, value: string): boolean {
  let findings = 0;
  checkBehaviour({ value }, BLOCK, { value: { validation: rule } }, () => findings++);
  return findings === 0;
}

describe.each(Object.entries(FORMATS))("%s", (_name, format) => {
  test.each(format.valid)("accepts %j (predicate, checker and simulator)", (value) => {
    expect([format.predicate(value), checkerAccepts(format.rule, value), simulatorAccepts(format.rule, value)]).toEqual([true, true, true]);
  });

  test.each(format.invalid)("refuses %j (predicate, checker and simulator)", (value) => {
    expect([format.predicate(value), checkerAccepts(format.rule, value), simulatorAccepts(format.rule, value)]).toEqual([
      false,
      false,
      false,
    ]);
  });
});
