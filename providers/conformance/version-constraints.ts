/**
 * Terraform's provider version constraints (`3.4.0`, `~> 3.4`, `>= 3.0, < 4.0`),
 * enough to tell whether the version a stack asks for is the one whose schema
 * is vendored: checks against another release would prove little.
 */

/** True when `version` satisfies every comma-separated clause of `constraint`. */
export function satisfies(version: string, constraint: string): boolean {
  return constraint.split(",").every((clause) => satisfiesClause(parse(version), clause.trim()));
}

function satisfiesClause(version: number[], clause: string): boolean {
  const m = /^(=|!=|>=|<=|>|<|~>)?\s*v?(\d+(?:\.\d+){0,2})(?:-[\w.]+)?$/.exec(clause);
  if (!m) return false;
  const [, op = "=", text] = m;
  const wanted = parse(text);
  const order = compare(version, wanted);
  switch (op) {
    case "=":
      return order === 0;
    case "!=":
      return order !== 0;
    case ">":
      return order > 0;
    case ">=":
      return order >= 0;
    case "<":
      return order < 0;
    case "<=":
      return order <= 0;
    default: {
      // `~> 3.4` allows 3.x from 3.4; `~> 3.4.0` allows 3.4.x from 3.4.0.
      const fixed = text.split(".").length - 1;
      return order >= 0 && version.slice(0, fixed).every((part, i) => part === wanted[i]);
    }
  }
}

function parse(version: string): number[] {
  const parts = version.split("-")[0].split(".").map(Number);
  return [parts[0] ?? 0, parts[1] ?? 0, parts[2] ?? 0];
}

function compare(a: number[], b: number[]): number {
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return 0;
}
