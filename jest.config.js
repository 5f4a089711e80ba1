/** Real Temporal dev server per run (globalSetup); TypeScript through ts-jest as ESM. */
export default {
  testEnvironment: 'node',
  // Jest 30's clean-up of globals between files recurses forever on Temporal's and execa's globals.
  testEnvironmentOptions: { globalsCleanup: 'off' },
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json' }],
  },
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  globalSetup: '<rootDir>/test/global-setup.mjs',
  setupFilesAfterEnv: ['<rootDir>/test/support/nock-isolation.ts'],
  globalTeardown: '<rootDir>/test/global-teardown.mjs',
  testTimeout: 60_000,
  // One test file at a time (--maxWorkers=1 in package.json: two cores, timing-sensitive tests), in
  // a worker process that is replaced once it holds this much: in one long-lived process, what each
  // file leaves behind (Temporal connections, module graphs) made later files two to three times slower.
  workerIdleMemoryLimit: '150MB',
  modulePathIgnorePatterns: ['<rootDir>/dist/'],
};
