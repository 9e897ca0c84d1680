import { defineConfig } from 'vitest/config';

// One run covers unit tests (beside their modules), feature tests (real gRPC on loopback) and
// end-to-end tests (real Envoy). E2E files spawn processes, so they get generous timeouts; the
// forks pool keeps native modules (better-sqlite3) and child processes isolated per file.
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    maxWorkers: 2,
    // Control planes that tests start inherit this: their diagnostics port is any free one, not
    // 5680, so that several run at once.
    env: { KUMA_DIAGNOSTICS_SERVER_PORT: '0' },
  },
});
