/** Jest configuration: TypeScript through ts-jest, Temporal tools provisioned once before the run. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/tests'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json' }],
  },
  globalSetup: '<rootDir>/tests/harness/global-setup.ts',
  globalTeardown: '<rootDir>/tests/harness/global-teardown.ts',
  setupFiles: ['<rootDir>/tests/harness/quiet-runtime.ts'],
  // Temporal servers and workflow bundling take seconds on a 2-core machine.
  testTimeout: 180_000,
  maxWorkers: 2,
};
