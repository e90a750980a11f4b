/**
 * A tiny provider schema for the validations and types the OpenStack
 * provider's behaviour file happens not to use (int_at_most,
 * string_len_between, json, no_zero_values, all-of, object attributes), so
 * each still has a failing-input test.
 */
import { SchemaIndex } from "../../providers/conformance/schema-index";
import { Json } from "./fixture-stack";

export const ACME_INDEX = new SchemaIndex([
  {
    schema: {
      provider_schemas: {
        "example.com/acme/acme": {
          provider: { version: 0, block: {} },
          resource_schemas: {
            acme_thing: {
              version: 0,
              block: {
                attributes: {
                  id: { type: "string", optional: true, computed: true },
                  label: { type: "string", optional: true },
                  code: { type: "string", optional: true },
                  replicas: { type: "number", optional: true },
                  document: { type: "string", optional: true },
                  weight: { type: "number", optional: true },
                  endpoint: { type: ["object", { host: "string", port: "number" }], optional: true },
                },
              },
            },
          },
        },
      },
    },
    behaviour: {
      resources: {
        acme_thing: {
          attributes: {
            label: { validation: { string_len_between: [3, 8] } },
            code: { validation: { all: [{ one_of: ["ab", "abc", "abcd"] }, { string_len_between: [2, 3] }] } },
            replicas: { validation: { int_at_most: 10 } },
            document: { validation: { json: true } },
            weight: { validation: { no_zero_values: true } },
          },
        },
      },
    },
  },
]);

export function acmeStack(): Json {
  return {
    terraform: { required_providers: { acme: { source: "example.com/acme/acme" } } },
    provider: { acme: [{}] },
    resource: {
      acme_thing: {
        thing: { label: "abcd", code: "abc", replicas: 10, document: '{"a": 1}', weight: 2, endpoint: { host: "example.org", port: 443 } },
      },
    },
  };
}
