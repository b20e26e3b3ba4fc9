// Runs every compiled test file with node's test runner and ends with the plain
// "N passed, N failed" line CI reads. Exit code 1 on any failure.
// Usage: node scripts/run-tests.mjs [unit|integration|e2e ...]
import { run } from 'node:test';
import { spec } from 'node:test/reporters';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const tiers = process.argv.slice(2).length ? process.argv.slice(2) : ['unit', 'integration', 'e2e'];
const files = [];
const walk = (dir) => {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p);
    else if (name.endsWith('.test.js')) files.push(p);
  }
};
for (const tier of tiers) {
  try { walk(join('dist', 'test', tier)); } catch { /* tier without tests */ }
}
if (files.length === 0) {
  console.error('no test files found under dist/test');
  process.exit(1);
}

let passed = 0, failed = 0, skipped = 0;
const stream = run({ files, concurrency: 1, timeout: 300_000 });
stream.on('test:pass', (e) => { if (e.details.type !== 'suite') (e.skip || e.todo ? skipped++ : passed++); });
stream.on('test:fail', (e) => { if (e.details.type !== 'suite') failed++; });
stream.compose(spec).pipe(process.stdout);
stream.on('end', () => {
  // Suites that fail in a hook count as a failure even with no failing leaf test.
  if (process.exitCode && failed === 0) failed = 1;
  console.log(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
  process.exitCode = failed > 0 ? 1 : 0;
});
