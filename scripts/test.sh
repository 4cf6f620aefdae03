#!/usr/bin/env bash
# The test command (npm test): the vitest suite, then the Unicorn differential oracle on a fresh seed
# (200,000 integer and 200,000 floating-point instructions), then one summary line.
set -uo pipefail
cd "$(dirname "$0")/.."
results=$(mktemp -t seedsim-vitest-XXXXXX.json)
status=0

echo "== typecheck (tsc --noEmit)"
typecheck=0
npx tsc --noEmit -p tsconfig.json || { status=1; typecheck=1; }

npx vitest run --reporter=default --reporter=json --outputFile="$results" || status=1

passed=$(node -e "const r=require('$results');console.log(r.numPassedTests??0)" 2>/dev/null || echo 0)
failed=$(node -e "const r=require('$results');console.log((r.numFailedTests??0)+(r.numRuntimeErrorTestSuites??0))" 2>/dev/null || echo 1)
rm -f "$results"
if [ "$typecheck" = 0 ]; then passed=$((passed + 1)); else failed=$((failed + 1)); fi

oracle_failed=0
if node -e "require('koffi').load('libunicorn.so.2')" >/dev/null 2>&1; then
  for mode in "" "--fp"; do
    seed=$(node -e "console.log(require('node:crypto').randomInt(0, 2 ** 31))")
    echo "== oracle ${mode:-integer} seed $seed"
    if node --import tsx packages/oracle/src/main.ts --count 200000 --seed "$seed" $mode; then
      passed=$((passed + 1))
    else
      failed=$((failed + 1)); oracle_failed=1
    fi
  done
else
  echo "== oracle skipped: libunicorn2 is not installed (apt-get install libunicorn2)"
fi
[ "$oracle_failed" = 0 ] || status=1
[ "$failed" = 0 ] || status=1
echo "$passed passed, $failed failed"
exit $status
