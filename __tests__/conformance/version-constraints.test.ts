import { satisfies } from "../../providers/conformance/version-constraints";

test.each([
  ["3.4.0", "3.4.0", true],
  ["3.4.0", "= 3.4.0", true],
  ["3.4.0", "3.4.1", false],
  ["3.4.0", "~> 3.4", true],
  ["3.4.0", "~> 3.5", false],
  ["3.4.0", "~> 3.4.0", true],
  ["3.4.0", "~> 3.3.0", false],
  ["3.4.0", "~> 3", true],
  ["3.4.0", "~> 4.0", false],
  ["3.4.0", ">= 3.0, < 4.0", true],
  ["3.4.0", ">= 3.0, < 3.4", false],
  ["3.4.0", "!= 3.4.0", false],
  ["3.7.2", "> 3.7.1", true],
  ["3.7.2", "<= 3.7.1", false],
  ["3.4.0", "latest", false],
])("%s satisfies '%s': %s", (version, constraint, expected) => {
  expect(satisfies(version, constraint)).toBe(expected);
});
