#!/usr/bin/env bash
# What exporting spans costs a batch: `promptctl run --input` of ROWS rows at -j JOBS against the
# loopback provider answering after LATENCY ms, with and without OTLP export to a loopback
# collector (a second test server, answering at once), alternating, REPEAT runs each. Prints the
# median CPU time (user + system) and wall time of each, and the ratio of the CPU medians.
#   bench/otlp_export.sh [BUILD_DIR] [ROWS] [JOBS] [LATENCY] [REPEAT]
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=bench/loopback.sh
. "$here/bench/loopback.sh"
bench_setup "$@"
rows=$count
classify_prompt > prompts/classify.yaml
classify_rows "$rows" > "$scratch/rows.jsonl"

# The collector: another test server, so that the provider's latency does not apply to it.
provider_url=$server_url
provider_pid=$server_pid
"$build/promptctl-test-server" --latency-ms 0 --url-file "$scratch/collector-url" >/dev/null 2>&1 &
collector_pid=$!
trap 'kill "$provider_pid" "$collector_pid"; rm -rf "$scratch"' EXIT
for _ in $(seq 50); do [ -s "$scratch/collector-url" ] && break; sleep 0.1; done
collector_url=$(cat "$scratch/collector-url")
[ -n "$provider_url" ]

plain=()
exporting=()
for _ in $(seq "$repeat"); do
  results=()
  timed "$build/promptctl" run classify --input "$scratch/rows.jsonl" -j "$jobs" --no-cache
  plain+=("${results[0]}")
  results=()
  OTEL_EXPORTER_OTLP_ENDPOINT=$collector_url \
    timed "$build/promptctl" run classify --input "$scratch/rows.jsonl" -j "$jobs" --no-cache
  exporting+=("${results[0]}")
  ok=$(grep -c '"status":"ok"' "$scratch/out" || true)
  [ "$ok" = "$rows" ] || { echo "only $ok of $rows rows succeeded" >&2; exit 1; }
done
median() { printf '%s\n' "$@" | sort -n | awk '{v[NR]=$1} END {print v[int((NR + 1) / 2)]}'; }
column() { local c=$1; shift; printf '%s\n' "$@" | awk -v c="$c" '{print $c}'; }
plain_cpu=$(median $(column 2 "${plain[@]}"))
export_cpu=$(median $(column 2 "${exporting[@]}"))
plain_wall=$(median $(column 1 "${plain[@]}"))
export_wall=$(median $(column 1 "${exporting[@]}"))
awk -v rows="$rows" -v jobs="$jobs" -v latency="$latency" -v n="$repeat" \
  -v pc="$plain_cpu" -v ec="$export_cpu" -v pw="$plain_wall" -v ew="$export_wall" 'BEGIN {
  printf "run --input: %d rows, -j %d, %d ms latency, medians of %d alternating runs\n", rows, jobs, latency, n
  printf "  without export: CPU %.0f ms, wall %.0f ms\n", pc, pw
  printf "  with OTLP export: CPU %.0f ms, wall %.0f ms (CPU %+.1f%%)\n", ec, ew, (ec / pc - 1) * 100 }'
