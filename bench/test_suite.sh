#!/usr/bin/env bash
# `promptctl test` of CASES cases with two assertions each, at -j JOBS, against the loopback
# provider answering after LATENCY ms: wall time against the ideal CASES / JOBS * LATENCY, CPU
# time and peak memory (/usr/bin/time -v), medians of REPEAT runs.
#   bench/test_suite.sh [BUILD_DIR] [CASES] [JOBS] [LATENCY] [REPEAT]
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=bench/loopback.sh
. "$here/bench/loopback.sh"
bench_setup "$@"
cases=$count
{
  classify_prompt
  echo "tests:"
  for i in $(seq "$cases"); do
    printf '  - name: ticket %d\n    vars: {id: %d, text: "My order %d has not arrived."}\n' "$i" "$i" "$i"
    printf '    assert: [{type: icontains, value: "ticket %d"}, {type: max-length, value: 200}]\n' "$i"
  done
} > prompts/classify.yaml
git add -A && git commit -qm "bench prompts"

results=()
for _ in $(seq "$repeat"); do
  # The default readable report, as a person or a CI log sees it.
  timed "$build/promptctl" test -j "$jobs" --no-cache
  grep -q "^$cases passed, 0 failed, 0 errors" "$scratch/out" ||
    { echo "not every case passed:" >&2; tail -n 3 "$scratch/out" >&2; exit 1; }
done
report_medians "test: $cases cases x 2 assertions, -j $jobs, $latency ms latency" \
  $(( cases * latency / jobs ))
