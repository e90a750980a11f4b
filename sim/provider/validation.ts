/**
 * ValidateResourceTypeConfig and ValidateDataSourceConfig: the behaviour
 * file's validations and cross-attribute rules, interpreted by
 * providers/schema/behaviour.ts (the conformance checker's interpreter too),
 * as SDKv2 diagnostics that name the attribute.
 */
import { validateBody } from "../../providers/schema/behaviour";
import type { ResourceBehaviour, SchemaBlock } from "../../providers/schema/types";
import { UNKNOWN, ValueObject } from "../protocol/cty";
import { Diagnostic } from "./diagnostics";

export function validateConfig(block: SchemaBlock, behaviour: ResourceBehaviour | undefined, config: ValueObject): Diagnostic[] {
  if (!behaviour) return [];
  return validateBody(block, behaviour.attributes, config, { isUnknown: (v) => v === UNKNOWN }).map((f) => ({
    severity: "ERROR",
    summary: f.summary,
    detail: f.detail,
    attribute: f.path,
  }));
}
