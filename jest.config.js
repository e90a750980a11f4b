/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/__tests__"],
  testMatch: ["**/*.test.ts"],
  // The lab suite boots containers: jest.lab.config.js (npm run test:lab).
  testPathIgnorePatterns: ["/node_modules/", "<rootDir>/__tests__/lab/"],
  // Transpiling only keeps each file fast; __tests__/typecheck.test.ts type-checks the project in a worker of its own.
  transform: { "^.+\\.ts$": "ts-jest" },
  // creation-stacks: cdktf's per-token stack traces left unmapped; npm test 176 s -> 106 s (bench/README.md).
  setupFilesAfterEnv: ["<rootDir>/__tests__/support/creation-stacks.ts"],
  // Jest's default, one worker fewer than the cores, is a single worker on a 2-core machine; the sim suites
  // wait on terraform much of the time, so a worker per core keeps both busy (npm test 72.6 s -> 56.2 s, bench/README.md).
  maxWorkers: "100%",
  reporters: ["default", "<rootDir>/__tests__/support/summary-reporter.js"],
  modulePathIgnorePatterns: ["<rootDir>/cdktf.out", "<rootDir>/dist"],
};
