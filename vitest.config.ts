import { defineConfig } from 'vitest/config';

// Two projects: `unit` runs in-process (no build, no spawned CLI or ffmpeg) for the
// edit–test loop (`npm run test:unit`); `e2e` runs the built CLI as a user
// does, real browser and real pdflatex included. `npm test` runs both.
const E2E = [
  'test/e2e/**/*.test.ts',
  'test/faults/**/*.test.ts',
  'test/presets/**/*.test.ts',
  'test/commands/**/*.test.ts',
  'test/package/**/*.test.ts',
  'test/examples/**/*.test.ts',
  'test/pipeline/batch/cli.test.ts',
  'test/stages/gate/settings.test.ts',
  'test/stages/score/multi-metric.test.ts',
  'test/dataset/sample-split.test.ts',
  'test/stages/report/parallel.test.ts',
  // Worker threads run compiled code: dist/.
  'test/provider/attempt-thread.test.ts',
  'test/stages/report/html-browser.test.ts',
  'test/stages/report/latex-compile.test.ts',
  // Real ffmpeg decoding: seconds per test.
  'test/video/ffmpeg.test.ts',
  'test/video/frames.test.ts',
  'test/video/one-pass.test.ts',
];

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Spawned-CLI and browser tests are heavy on a 2-core machine.
    maxWorkers: 2,
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/**/*.test.ts'], exclude: E2E } },
      // Builds dist/ once (if stale) for the tests that run the real CLI.
      { extends: true, test: { name: 'e2e', include: E2E, globalSetup: ['test/global-setup.ts'] } },
    ],
  },
});
