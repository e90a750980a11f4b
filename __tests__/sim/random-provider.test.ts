import { compareSync } from "bcryptjs";
import { UNKNOWN, ValueObject } from "../../sim/protocol/cty";
import { generate, RandomProvider } from "../../sim/random/random-provider";

const provider = new RandomProvider();
const config = (values: ValueObject): ValueObject => ({
  keepers: null,
  length: 16,
  lower: null,
  min_lower: null,
  min_numeric: null,
  min_special: null,
  min_upper: null,
  number: null,
  numeric: null,
  override_special: null,
  special: null,
  upper: null,
  id: null,
  result: null,
  bcrypt_hash: null,
  ...values,
});

describe("simulated hashicorp/random", () => {
  test("generated strings honour length, minimums and the special characters allowed", () => {
    for (let i = 0; i < 200; i++) {
      const value = generate({
        length: 12,
        min_upper: 2,
        min_numeric: 3,
        min_special: 1,
        override_special: "-_",
        special: true,
        upper: true,
        lower: true,
        numeric: true,
      });
      expect(value).toHaveLength(12);
      expect(value.replace(/[^A-Z]/g, "").length).toBeGreaterThanOrEqual(2);
      expect(value.replace(/[^0-9]/g, "").length).toBeGreaterThanOrEqual(3);
      expect(value).toMatch(/^[A-Za-z0-9_-]+$/);
      expect(value).toMatch(/[-_]/);
    }
  });

  test("a password is planned unknown with defaults, then random with a real bcrypt hash", () => {
    const plan = provider.planResourceChange(
      "random_password",
      null,
      config({ override_special: "-_" }),
      config({ override_special: "-_" }),
    );
    expect(plan.planned).toMatchObject({ result: UNKNOWN, bcrypt_hash: UNKNOWN, special: true, numeric: true, number: true, min_upper: 0 });
    expect(plan.legacyTypeSystem).toBe(false);
    const first = provider.applyResourceChange("random_password", null, plan.planned).newState!;
    const second = provider.applyResourceChange("random_password", null, plan.planned).newState!;
    expect(first.result).not.toEqual(second.result);
    expect(compareSync(String(first.result), String(first.bcrypt_hash))).toBe(true);
    expect(provider.schemas.resources.random_password.block.attributes!.result.sensitive).toBe(true);
  });

  test("changing any argument replaces the password; a length below the minimums is invalid", () => {
    const prior = provider.applyResourceChange(
      "random_password",
      null,
      provider.planResourceChange("random_password", null, config({}), config({})).planned,
    ).newState!;
    const proposed = { ...prior, length: 24 };
    expect(provider.planResourceChange("random_password", prior, proposed, config({ length: 24 })).requiresReplace).toEqual([["length"]]);
    expect(provider.validateResource("random_password", config({ length: 3, min_upper: 2, min_numeric: 2 }))[0]).toMatchObject({
      attribute: ["length"],
      detail: expect.stringContaining("must be at least sum of min_upper"),
    });
  });

  test("enforces the rules of the behaviour file the conformance checker reads", () => {
    expect(provider.validateResource("random_string", config({ length: 0 })).map((d) => d.detail)).toEqual([
      "expected length to be at least (1), got 0",
    ]);
    expect(provider.validateResource("random_string", config({ length: 4, min_upper: 2, min_numeric: UNKNOWN }))).toEqual([]);
  });
});
