#!/usr/bin/env bash
# `promptctl run --input` of ROWS rows at -j JOBS against the loopback provider answering after
# LATENCY ms: wall time against the ideal ROWS / JOBS * LATENCY, CPU time and peak memory
# (/usr/bin/time -v), median of REPEAT runs.
#   bench/run_batch.sh [BUILD_DIR] [ROWS] [JOBS] [LATENCY] [REPEAT]
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=$(realpath "${1:-$here/build}")
rows=${2:-1000}
jobs=${3:-20}
latency=${4:-50}
repeat=${5:-5}
scratch=$(mktemp -d)
server_pid=
trap '[ -z "$server_pid" ] || kill "$server_pid"; rm -rf "$scratch"' EXIT

"$build/promptctl-test-server" --latency-ms "$latency" --url-file "$scratch/url" >/dev/null 2>&1 &
server_pid=$!
for _ in $(seq 50); do [ -s "$scratch/url" ] && break; sleep 0.1; done

"$build/promptctl" init "$scratch/repo" >/dev/null
cd "$scratch/repo"
cat > promptctl.yaml <<YAML
version: 1
providers:
  local: {type: openai-compatible, base_url: "$(cat "$scratch/url")/v1"}
YAML
cat > prompts/classify.yaml <<'YAML'
model: {provider: local, name: bench-model, temperature: 0.3, max_tokens: 20}
system: Classify the ticket into billing, shipping or other. Reply with one word.
template: "Ticket {{id}}: {{text}}"
variables:
  id: {type: integer}
  text: {type: string}
YAML
for i in $(seq "$rows"); do
  printf '{"id": %d, "text": "My order %d has not arrived and I was charged twice."}\n' "$i" "$i"
done > "$scratch/rows.jsonl"

results=()
for _ in $(seq "$repeat"); do
  /usr/bin/time -v -o "$scratch/time" "$build/promptctl" run classify --input "$scratch/rows.jsonl" \
    -j "$jobs" --no-cache > "$scratch/out.jsonl"
  ok=$(grep -c '"status":"ok"' "$scratch/out.jsonl" || true)
  [ "$ok" = "$rows" ] || { echo "only $ok of $rows rows succeeded" >&2; exit 1; }
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {split($2, t, ":"); print (t[1] * 60 + t[2]) * 1000}' "$scratch/time")
  cpu=$(awk -F': ' '/User time/ {u=$2} /System time/ {s=$2} END {print (u + s) * 1000}' "$scratch/time")
  rss=$(awk -F': ' '/Maximum resident set size/ {print $2 / 1024}' "$scratch/time")
  results+=("$wall $cpu $rss")
done
ideal=$(( rows * latency / jobs ))
printf '%s\n' "${results[@]}" | sort -n | awk -v n="$repeat" -v ideal="$ideal" -v rows="$rows" -v jobs="$jobs" -v latency="$latency" '
  {wall[NR]=$1; cpu[NR]=$2; rss[NR]=$3}
  END {
    m = int((n + 1) / 2)
    printf "run --input: %d rows, -j %d, %d ms latency: median wall %.0f ms (ideal %d ms, %.1f%% over), CPU %.0f ms, peak RSS %.1f MB (median of %d)\n",
      rows, jobs, latency, wall[m], ideal, (wall[m] / ideal - 1) * 100, cpu[m], rss[m], n
  }'
