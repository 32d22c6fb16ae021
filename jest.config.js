/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // The reliability suite runs on its own (jest.reliability.config.js): minutes long, and it restarts PostgreSQL.
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/reliability/'],
  // One PostgreSQL and one Chromium for the whole run: the given or machine's, else the npm-shipped ones (test/support/).
  globalSetup: '<rootDir>/test/support/jest-global-setup.ts',
  globalTeardown: '<rootDir>/test/support/test-postgres-global-teardown.ts',
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
  // Integration suites open real sockets and databases; give them room on a 2-core machine.
  testTimeout: 30000,
  maxWorkers: 2,
};
