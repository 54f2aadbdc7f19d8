// `npm test`: checks the prerequisites (tools/prereqs.mjs), generates gRPC types, builds (e2e tests run the compiled services as real processes),
// then runs every vitest project (unit, int, e2e) against a real Postgres and a real Kafka broker
// that the suite starts itself. Prints `N passed, N failed` and exits non-zero on any failure.
// Extra arguments go to vitest (e.g. `npm test -- --project unit`).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeMissing, missingPrerequisites } from './prereqs.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = (name) => join(root, 'node_modules', '.bin', name);
const run = (cmd, args, opts = {}) => spawnSync(cmd, args, { cwd: root, stdio: 'inherit', ...opts }).status ?? 1;

// Java, Maven, Go and Python are named up front when missing (tools/prereqs.mjs), not minutes later
// inside a test; ARCHIPELAGO_SKIP_PREREQS=1 runs anyway (e.g. a unit-only run with warm caches).
const missing = missingPrerequisites();
if (missing.length > 0) {
  console.error(describeMissing(missing));
  if (process.env.ARCHIPELAGO_SKIP_PREREQS !== '1') {
    console.error('Stopping before the tests. ARCHIPELAGO_SKIP_PREREQS=1 runs them anyway.');
    console.log('0 passed, 1 failed');
    process.exit(1);
  }
}

if (run(bin('buf'), ['generate']) !== 0) process.exit(1);
if (run(bin('tsc'), ['-p', 'tsconfig.build.json']) !== 0) {
  console.error('build failed');
  process.exit(1);
}

const reportDir = join(root, 'reports');
mkdirSync(reportDir, { recursive: true });
const report = join(reportDir, 'vitest.json');
const status = run(bin('vitest'), [
  'run',
  '--reporter=default',
  '--reporter=json',
  `--outputFile.json=${report}`,
  ...process.argv.slice(2),
]);

let passed = 0;
let failed = 0;
if (existsSync(report)) {
  const result = JSON.parse(readFileSync(report, 'utf8'));
  passed = result.numPassedTests ?? 0;
  failed = (result.numFailedTests ?? 0) + countFilesFailedOutsideTests(result);
}
if (status !== 0 && failed === 0) failed = 1; // a crash outside any test still fails the run
console.log(`${passed} passed, ${failed} failed`);
process.exit(status === 0 && failed === 0 ? 0 : 1);

/** Test files that failed without a failing test (a crash while loading, a failing hook): one each. */
function countFilesFailedOutsideTests(result) {
  return (result.testResults ?? []).filter(
    (file) => file.status === 'failed' && !(file.assertionResults ?? []).some((t) => t.status === 'failed'),
  ).length;
}
