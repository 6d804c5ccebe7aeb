#!/usr/bin/env bash
# How `promptctl run --input` scales with the number of rows: peak memory and CPU per row at
# 1,000, 10,000, 100,000 and 1,000,000 rows (or the SIZES given), -j JOBS, against the
# loopback provider answering after LATENCY ms. Memory should stay flat as rows grow.
#   bench/batch_scaling.sh [BUILD_DIR] [JOBS] [LATENCY] [SIZES...]
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=bench/loopback.sh
. "$here/bench/loopback.sh"
build_dir=${1:-$here/build}
jobs_given=${2:-64}
latency_given=${3:-1}
shift $(( $# < 3 ? $# : 3 ))
sizes=("${@:-1000 10000 100000 1000000}")
read -r -a sizes <<< "${sizes[*]}"
bench_setup "$build_dir" 0 "$jobs_given" "$latency_given" 1
classify_prompt > prompts/classify.yaml
printf '%8s %10s %10s %12s %12s\n' rows wall_ms cpu_ms cpu_us_row peak_rss_mb
for rows in "${sizes[@]}"; do
  classify_rows "$rows" > "$scratch/rows.jsonl"
  results=()
  timed "$build/promptctl" run classify --input "$scratch/rows.jsonl" -j "$jobs" --no-cache
  ok=$(grep -c '"status":"ok"' "$scratch/out" || true)
  [ "$ok" = "$rows" ] || { echo "only $ok of $rows rows succeeded" >&2; exit 1; }
  read -r wall cpu rss <<< "${results[0]}"
  awk -v rows="$rows" -v wall="$wall" -v cpu="$cpu" -v rss="$rss" 'BEGIN {
    printf "%8d %10.0f %10.0f %12.1f %12.1f\n", rows, wall, cpu, cpu * 1000 / rows, rss }'
  rm -f .git/promptctl/ledger.db*  # each size starts from an empty ledger
done
