/**
 * The lab suite: boots the simulated servers as containers (root, systemd-nspawn),
 * so it runs apart from the inner-loop suite (`npm run test:fast`), one file at a time.
 * @type {import('jest').Config}
 */
const base = require("./jest.config");

module.exports = {
  ...base,
  roots: ["<rootDir>/__tests__/lab"],
  testPathIgnorePatterns: [],
  // The lab's servers share one machine's bridges, namespaces and 2 cores.
  maxWorkers: 1,
  testTimeout: 15 * 60 * 1000,
};
