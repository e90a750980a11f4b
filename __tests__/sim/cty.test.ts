import { encode } from "@msgpack/msgpack";
import { blockType, decodeValue, encodeValue, equalByType, UNKNOWN } from "../../sim/protocol/cty";

describe("cty values over msgpack", () => {
  const type = blockType({
    attributes: {
      name: { type: "string", required: true },
      size: { type: "number", optional: true },
      tags: { type: ["set", "string"], optional: true },
      id: { type: "string", computed: true },
    },
    block_types: { rule: { nesting_mode: "list", block: { attributes: { port: { type: "number", optional: true } } } } },
  });

  test("unknowns travel as extension 0 and come back as UNKNOWN", () => {
    const bytes = encodeValue({ name: "web", size: 3, tags: ["a"], id: UNKNOWN, rule: [{ port: 80 }] }, type);
    expect(Buffer.from(bytes).includes(Buffer.from([0xd4, 0x00, 0x00]))).toBe(true);
    expect(decodeValue(bytes, type)).toEqual({ name: "web", size: 3, tags: ["a"], id: UNKNOWN, rule: [{ port: 80 }] });
  });

  test("unknowns with refinements (extension 12) decode as UNKNOWN", () => {
    const refined = Buffer.concat([Buffer.from([0x81, 0xa2, 0x69, 0x64]), Buffer.from([0xd5, 0x0c, 0x01, 0x02])]);
    expect(decodeValue(refined, ["object", { id: "string" }])).toEqual({ id: UNKNOWN });
  });

  test("objects are completed with nulls and numbers sent as strings are parsed", () => {
    const bytes = encode({ name: "db", size: "12345678901234567890" });
    expect(decodeValue(bytes, type)).toEqual({ name: "db", size: 12345678901234567890, tags: null, id: null, rule: null });
  });

  test("sets compare regardless of order, lists do not", () => {
    expect(equalByType(["a", "b"], ["b", "a"], ["set", "string"])).toBe(true);
    expect(equalByType(["a", "b"], ["b", "a"], ["list", "string"])).toBe(false);
    expect(equalByType([UNKNOWN], [UNKNOWN], ["set", "string"])).toBe(false);
  });
});
