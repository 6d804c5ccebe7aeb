#!/usr/bin/env bash
# `promptctl run --input` of ROWS rows at -j JOBS against the loopback provider answering after
# LATENCY ms: wall time against the ideal ROWS / JOBS * LATENCY, CPU time and peak memory
# (/usr/bin/time -v), median of REPEAT runs.
#   bench/run_batch.sh [BUILD_DIR] [ROWS] [JOBS] [LATENCY] [REPEAT]
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=bench/loopback.sh
. "$here/bench/loopback.sh"
bench_setup "$@"
rows=$count
classify_prompt > prompts/classify.yaml
classify_rows "$rows" > "$scratch/rows.jsonl"

results=()
for _ in $(seq "$repeat"); do
  timed "$build/promptctl" run classify --input "$scratch/rows.jsonl" -j "$jobs" --no-cache
  ok=$(grep -c '"status":"ok"' "$scratch/out" || true)
  [ "$ok" = "$rows" ] || { echo "only $ok of $rows rows succeeded" >&2; exit 1; }
done
report_medians "run --input: $rows rows, -j $jobs, $latency ms latency" $(( rows * latency / jobs ))
