#!/usr/bin/env node
// Runs vitest once with the default reporter plus a JSON report, then prints one plain closing
// line `tests: N passed, N failed, N skipped` that CI reads, and exits with vitest's exit code.
// Extra arguments are passed through to vitest (e.g. a file filter).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const reportDir = path.join(root, 'dist');
mkdirSync(reportDir, { recursive: true });
const report = path.join(reportDir, 'test-results.json');
rmSync(report, { force: true });

const vitest = path.join(root, 'node_modules', 'vitest', 'vitest.mjs');
const args = [vitest, 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...process.argv.slice(2)];
const run = spawnSync(process.execPath, args, { stdio: 'inherit', cwd: root });
const code = run.status ?? 1;

if (existsSync(report)) {
  const r = JSON.parse(readFileSync(report, 'utf8'));
  const skipped = (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
  process.stdout.write(`\ntests: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${skipped} skipped\n`);
  if (r.numTotalTests === 0) {
    process.stdout.write('no test ran\n');
    process.exit(1);
  }
} else {
  process.stdout.write('\ntests: 0 passed, 1 failed\n');
}
process.exit(code);
