import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Builds dist/ once (if stale) for the end-to-end tests, which run the real CLI.
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Spawned-CLI and browser tests are heavy on a 2-core machine.
    maxWorkers: 2,
  },
});
