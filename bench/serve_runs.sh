#!/usr/bin/env bash
# `POST /v1/prompts/{name}/run` one after another while another run's call is out (a model
# thinking for a minute): the time each takes against the loopback provider answering after
# LATENCY ms, median and 90th percentile of COUNT runs. A run queued while calls are out must
# start at once, not at the executor's next look.
#   bench/serve_runs.sh [BUILD_DIR] [COUNT] [-] [LATENCY]
# Needs curl. As root it re-runs itself in a network namespace that has only loopback.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
if [ "$(id -u)" -eq 0 ] && [ -z "${PROMPTCTL_BENCH_NETNS:-}" ]; then
  exec env PROMPTCTL_BENCH_NETNS=1 unshare -n bash -c 'ip link set lo up && exec "$0" "$@"' \
    "$0" "$@"
fi
# shellcheck source=bench/loopback.sh
. "$here/bench/loopback.sh"
bench_setup "${1:-}" "${2:-50}" 1 "${4:-5}" 1
classify_prompt >prompts/classify.yaml
sed 's/bench-model/bench-model~slow=60000/' prompts/classify.yaml >prompts/thinking.yaml
git add -A && git -c user.name=Bench -c user.email=bench@example.com commit -qm prompts
"$build/promptctl" serve --port 0 --allow-run 2>"$scratch/serve.log" &
serve_pid=$!
thinking_pid=
trap 'kill $thinking_pid "$serve_pid" 2>/dev/null; [ -z "$server_pid" ] || kill "$server_pid"; rm -rf "$scratch"' EXIT
for _ in $(seq 200); do grep -q ' on http://' "$scratch/serve.log" && break; sleep 0.05; done
port=$(sed -n 's/.* on http:\/\/[^:]*:\([0-9]*\).*/\1/p' "$scratch/serve.log" | head -1)
body='{"variables": {"id": 1, "text": "My order has not arrived."}}'
run_once() {
  curl -s -o /dev/null -w '%{time_total}\n' -H 'Content-Type: application/json' -d "$body" \
    "http://127.0.0.1:$port/v1/prompts/$1/run"
}
run_once classify >/dev/null # the provider's connection, opened
curl -s -o /dev/null -H 'Content-Type: application/json' -d "$body" \
  "http://127.0.0.1:$port/v1/prompts/thinking/run" &
thinking_pid=$!
sleep 0.5
times=$(for _ in $(seq "$count"); do run_once classify; done | sort -n)
awk -v latency="$latency" -v n="$count" '{v[NR] = $1 * 1000} END {
  printf "run while another call is out (provider %d ms): median %.1f ms, p90 %.1f ms, of %d\n",
    latency, v[int((NR + 1) / 2)], v[int(NR * 0.9 + 0.5)], n }' <<<"$times"
