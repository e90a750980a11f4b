import { IConstruct } from "constructs";

const PREFIX_KEY = "fractals:namePrefix";

/**
 * Sets the `<app>-<env>` prefix for every OpenStack name under `scope`, so
 * several environments coexist in one OpenStack project without collisions.
 */
export function setNamePrefix(scope: IConstruct, prefix: string): void {
  scope.node.setContext(PREFIX_KEY, prefix);
}

/** The OpenStack name for a resource: `<app>-<env>-<suffix>`. */
export function openstackName(scope: IConstruct, suffix: string): string {
  const prefix = scope.node.tryGetContext(PREFIX_KEY);
  if (typeof prefix !== "string") {
    throw new Error(`${scope.node.path}: no name prefix in scope; create constructs inside a FractalsStack or call setNamePrefix() first`);
  }
  return `${prefix}-${suffix}`;
}
