// `npm test`: builds the renderer, runs the vitest suite with a JSON report and ends with the plain line
// "N passed, N failed" that CI reads (vitest's own summary is for people).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';

const report = '.vitest-report.json';
rmSync(report, { force: true });

// The browser tests load the built window UI; build it first so they never test a stale page.
const build = spawnSync(
  process.execPath,
  ['node_modules/vite/bin/vite.js', 'build', '--config', 'renderer/vite.config.ts', '--logLevel', 'warn'],
  { stdio: 'inherit' },
);
if (build.status !== 0) {
  console.error('Building the renderer failed.');
  console.log('0 passed, 1 failed');
  process.exit(1);
}
const run = spawnSync(
  process.execPath,
  [
    'node_modules/vitest/vitest.mjs',
    'run',
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${report}`,
    ...process.argv.slice(2),
  ],
  { stdio: 'inherit' },
);

let passed = 0;
let failed = 0;
let skipped = 0;
if (existsSync(report)) {
  const results = JSON.parse(readFileSync(report, 'utf8'));
  passed = results.numPassedTests;
  failed = results.numFailedTests;
  skipped = results.numPendingTests + results.numTodoTests;
  // A file that fails to load runs no test: count it as a failure, not as nothing.
  failed += results.testResults.filter((file) => file.status === 'failed' && file.assertionResults.length === 0).length;
} else {
  failed = 1;
  console.error('The test run wrote no report; counting the run as failed.');
}
if (run.status !== 0 && failed === 0) {
  // A worker that crashed, or an error outside any test: the run is not clean.
  failed = 1;
  console.error('vitest reported errors outside the tests (see above); counting them as one failure.');
}
if (skipped > 0) console.log(`${skipped} skipped`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(run.status === 0 && failed === 0 && passed > 0 ? 0 : 1);
