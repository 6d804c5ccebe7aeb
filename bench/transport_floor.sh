#!/usr/bin/env bash
# Where a batch row's CPU goes, from the floor up: ROWS requests at -j JOBS against the loopback
# provider answering after LATENCY ms, carried by plain sockets (the kernel's share), by libcurl
# alone and by promptctl's HTTP client (build/bench/transport_floor), beside `run --input` of as
# many rows, which adds the prompt, JSON, the ledger and the output. ROUNDS alternating rounds;
# the medians of CPU microseconds per row.
#   bench/transport_floor.sh [BUILD_DIR] [ROWS] [JOBS] [LATENCY] [ROUNDS]
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=bench/loopback.sh
. "$here/bench/loopback.sh"
bench_setup "${1:-}" "${2:-20000}" "${3:-64}" "${4:-1}" "${5:-7}"
rows=$count
classify_prompt > prompts/classify.yaml
classify_rows "$rows" > "$scratch/rows.jsonl"

declare -A per_row
ways=(sockets libcurl promptctl run)
for _ in $(seq "$repeat"); do
  for way in "${ways[@]}"; do
    if [[ $way == run ]]; then
      results=()
      timed "$build/promptctl" run classify --input "$scratch/rows.jsonl" -j "$jobs" --no-cache
      ok=$(grep -c '"status":"ok"' "$scratch/out" || true)
      [ "$ok" = "$rows" ] || { echo "only $ok of $rows rows succeeded" >&2; exit 1; }
      read -r _ cpu _ <<< "${results[0]}"
      us=$(awk -v cpu="$cpu" -v rows="$rows" 'BEGIN { printf "%.1f", cpu * 1000 / rows }')
      rm -f .git/promptctl/ledger.db*  # each round starts from an empty ledger
    else
      us=$("$build/bench/transport_floor" "$way" "$server_url" "$rows" "$jobs" |
        awk '{ print $(NF - 4) }')
    fi
    per_row[$way]+="$us "
  done
done
printf '%-10s %s\n' way "median CPU us per row (rounds)"
for way in "${ways[@]}"; do
  # shellcheck disable=SC2086
  median=$(printf '%s\n' ${per_row[$way]} | sort -n | awk '{v[NR]=$1} END {print v[int((NR + 1) / 2)]}')
  printf '%-10s %6s   (%s)\n' "$way" "$median" "${per_row[$way]% }"
done
