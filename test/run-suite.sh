#!/usr/bin/env bash
# The whole suite, as `npm test` runs it: prepare the tools, type-check, run every test, and end
# with one plain tally line. Fails if any step fails.
set -u
cd "$(dirname "$0")/.."
bash test/setup.sh || exit 1
npm run -s typecheck || exit 1
rm -f .vitest-results.json
npx vitest run --reporter=default --reporter=json --outputFile=.vitest-results.json
code=$?
node test/summary.mjs .vitest-results.json || code=1
exit $code
