/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/__tests__"],
  testMatch: ["**/*.test.ts"],
  // Type checking is `npm run build`'s job; transpiling only keeps the suite fast.
  transform: { "^.+\\.ts$": "ts-jest" },
  setupFilesAfterEnv: ["<rootDir>/__tests__/setup.ts"],
  reporters: ["default", "<rootDir>/__tests__/support/summary-reporter.js"],
  modulePathIgnorePatterns: ["<rootDir>/cdktf.out", "<rootDir>/dist"],
};
