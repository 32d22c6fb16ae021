/**
 * The reliability suite (`npm run test:reliability`, issue 11): scenarios that kill processes, restart PostgreSQL,
 * take sinks down and fuzz the endpoints. Kept out of `npm test` because they take minutes and one of them restarts
 * the machine's shared PostgreSQL.
 * @type {import('jest').Config}
 */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test/reliability'],
  testMatch: ['**/*.test.ts'],
  // One PostgreSQL and one Chromium for the whole run: the given or machine's, else the npm-shipped ones (test/support/).
  globalSetup: '<rootDir>/test/support/jest-global-setup.ts',
  globalTeardown: '<rootDir>/test/support/test-postgres-global-teardown.ts',
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
  // Each scenario bounds its own waits (about two minutes at most); this is the outer guard.
  testTimeout: 180000,
  // One at a time: the PostgreSQL restart must not pull the server from under another scenario.
  maxWorkers: 1,
};
