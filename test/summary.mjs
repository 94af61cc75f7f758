// Prints the suite's closing line ("N passed, M failed, K skipped") from vitest's JSON report, so
// CI logs end with one plain tally whatever the reporter printed above it.
import { readFileSync } from 'node:fs';

const file = process.argv[2] ?? '.vitest-results.json';
const r = JSON.parse(readFileSync(file, 'utf8'));
const skipped = (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
console.log(`${r.numPassedTests} passed, ${r.numFailedTests} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(r.numFailedTests > 0 || r.success === false ? 1 : 0);
