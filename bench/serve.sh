#!/usr/bin/env bash
# `promptctl serve` under load, beside its yardstick: a node.js `http` server rendering the same
# template with mustache.js (bench/serve/node_render.js). Both render a prompt with a section
# over a list, three variables and a partial; wrk (Debian `wrk`) sends the same POST to each,
# alternating, ROUNDS times. Then, in a repository of PROMPTS generated prompts: start-up time
# there (its prompts just committed, loose objects) and in a fresh clone of it (objects packed,
# as a deployed server has them), a second start (its prompts compiled by the first),
# GET /v1/prompts (median of 21 with curl),
# resident memory, and the time from a commit to the new commit being served; and with all of
# them pinned in an environment, the reload after a deploy of one prompt.
#   bench/serve.sh [BINARY] [PROMPTS] [ROUNDS]
# Needs wrk, nodejs and node-mustache (apt-get install wrk nodejs node-mustache; or mustache.js
# from npm, found through NODE_PATH), and curl.
# As root it re-runs itself in a network namespace that has only loopback.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
promptctl=$(realpath "${1:-$here/build/promptctl}")
prompts=${2:-10000}
rounds=${3:-2}
if [ "$(id -u)" -eq 0 ] && [ -z "${PROMPTCTL_BENCH_NETNS:-}" ]; then
  exec env PROMPTCTL_BENCH_NETNS=1 unshare -n bash -c 'ip link set lo up && exec "$0" "$@"' \
    "$0" "$promptctl" "$prompts" "$rounds"
fi
work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
export GIT_AUTHOR_NAME=Bench GIT_AUTHOR_EMAIL=bench@example.com
export GIT_COMMITTER_NAME=Bench GIT_COMMITTER_EMAIL=bench@example.com

# Waits for "serving … on http://ADDRESS:PORT" in a server's log and prints the port.
port_of() {
  for _ in $(seq 200); do
    if grep -q ' on http://' "$1" 2>/dev/null; then
      sed -n 's/.* on http:\/\/[^:]*:\([0-9]*\).*/\1/p' "$1" | head -1
      return
    fi
    sleep 0.05
  done
  echo "no server started: $(cat "$1")" >&2
  exit 1
}

# Starts a server in folder $1, logging to $2, and waits until it is ready: sets server_pid,
# and ready_ms to the time from its start.
start_ready() {
  local started port
  started=$(date +%s%N)
  (cd "$1" && exec "$promptctl" serve --port 0 2>"$2") &
  server_pid=$!
  pids+=("$server_pid")
  port=$(port_of "$2")
  until curl -sf "http://127.0.0.1:$port/readyz" >/dev/null; do sleep 0.01; done
  ready_ms=$((($(date +%s%N) - started) / 1000000))
}

echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== render: promptctl serve vs node.js + mustache.js (wrk -t2 -c32 -d5s)"
"$promptctl" init "$work/small" >/dev/null
cat >"$work/small/prompts/letter.yaml" <<'YAML'
description: A letter with a list
variables:
  name: {type: string}
  items: {type: array}
  tone: {type: string, enum: [warm, formal]}
template: "Dear {{name}},\n{{#items}}- {{.}}\n{{/items}}Tone: {{tone}}.\n{{> signature}}"
YAML
printf 'description: Signature\ntemplate: "Kind regards,\\nThe team\\n"\n' \
  >"$work/small/prompts/signature.yaml"
git -C "$work/small" add -A && git -C "$work/small" commit -qm letter
(cd "$work/small" && exec "$promptctl" serve --port 0 2>"$work/small.log") &
pids+=($!)
serve_port=$(port_of "$work/small.log")
node_port=$((serve_port + 1))
NODE_PATH=${NODE_PATH:-/usr/share/nodejs} node "$here/bench/serve/node_render.js" "$node_port" &
pids+=($!)
sleep 0.5
for round in $(seq "$rounds"); do
  for who in node promptctl; do
    port=$([ "$who" = node ] && echo "$node_port" || echo "$serve_port")
    path=$([ "$who" = node ] && echo /render || echo /v1/prompts/letter/render)
    result=$(wrk -t2 -c32 -d5s --latency -s "$here/bench/serve/render.lua" \
      "http://127.0.0.1:$port$path")
    rps=$(awk '/Requests\/sec/ {print $2}' <<<"$result")
    p99=$(awk '$1 == "99%" {print $2}' <<<"$result")
    bad=$(awk '/Non-2xx|Socket errors/' <<<"$result")
    echo "round $round  $who: $rps requests/s, p99 $p99 ${bad:+($bad)}"
  done
done

echo "== $prompts prompts"
"$promptctl" init "$work/large" >/dev/null
python3 "$here/bench/generate_prompts.py" "$work/large" "$prompts"
# Without git's automatic gc, which a commit of this many loose objects starts in the
# background, packing them on the cores the server starts on.
git -C "$work/large" add -A && git -C "$work/large" -c gc.auto=0 commit -qm prompts
started=$(date +%s%N)
(cd "$work/large" && exec "$promptctl" serve --port 0 2>"$work/large.log") &
pids+=($!)
large_pid=$!
large_port=$(port_of "$work/large.log")
until curl -sf "http://127.0.0.1:$large_port/readyz" >/dev/null; do sleep 0.01; done
echo "start-up to ready, prompts just committed: $((($(date +%s%N) - started) / 1000000)) ms"
# A server is deployed from a clone, whose objects come in a pack; those just committed are
# loose, each read from a file of its own.
git clone -q "$work/large" "$work/clone"
start_ready "$work/clone" "$work/clone.log"
echo "start-up to ready in a fresh clone: $ready_ms ms"
kill "$server_pid" && wait "$server_pid" || true
# A second server finds every prompt compiled in the pack the first one kept.
start_ready "$work/large" "$work/again.log"
echo "start-up to ready again, prompts compiled: $ready_ms ms," \
  "$(($(awk '/VmRSS/ {print $2}' /proc/$server_pid/status) / 1024)) MiB resident"
kill "$server_pid" && wait "$server_pid" || true
times=()
for _ in $(seq 21); do
  times+=("$(curl -s -o /dev/null -w '%{time_total}' "http://127.0.0.1:$large_port/v1/prompts")")
done
median=$(printf '%s\n' "${times[@]}" | sort -n | sed -n 11p)
echo "GET /v1/prompts ($prompts prompts): median $(awk -v t="$median" 'BEGIN {printf "%.1f", t * 1000}') ms"
echo "resident memory: $(($(awk '/VmRSS/ {print $2}' /proc/$large_pid/status) / 1024)) MiB"
before=$(curl -s -D - -o /dev/null "http://127.0.0.1:$large_port/healthz" | tr -d '\r' |
  awk '/X-Promptctl-Commit/ {print $2}')
sed -i 's/Keep it factual/Keep it short/' "$work/large/prompts/team00/prompt00000.yaml"
git -C "$work/large" commit -qam edit
committed=$(date +%s%N)
while :; do
  now=$(curl -s -D - -o /dev/null "http://127.0.0.1:$large_port/healthz" | tr -d '\r' |
    awk '/X-Promptctl-Commit/ {print $2}')
  [ "$now" != "$before" ] && break
  sleep 0.01
done
echo "commit to served: $((($(date +%s%N) - committed) / 1000000)) ms (polling every second)"
for _ in $(seq 100); do grep -q 'loaded in' "$work/large.log" && break; sleep 0.01; done
grep 'loaded in' "$work/large.log" | tail -1

echo "== $prompts prompts pinned in an environment, one deployed"
cd "$work/large"
printf 'environments:\n  prod: {requires: [technical]}\n' >>promptctl.yaml
git commit -qam "an environment"
# Every prompt pinned at HEAD with its content hash, as a deploy would write it.
"$promptctl" pending --json >"$work/pending.json"
python3 - "$work/pending.json" >deployments.yaml <<'PY'
import json, sys
print("prod:")
for pin in sorted(json.load(open(sys.argv[1]))["pending"], key=lambda p: p["prompt"]):
    print(f"  {pin['prompt']}:")
    print(f"    commit: \"{pin['commit']}\"")
    print(f"    content: \"{pin['content_hash']}\"")
    print("    deployed_at: \"2026-01-01T00:00:00+00:00\"")
    print("    deployed_by: \"Bench <bench@example.com>\"")
PY
git add deployments.yaml && git commit -qm "pins"
started=$(date +%s%N)
"$promptctl" serve --env prod --port 0 2>"$work/env.log" &
pids+=($!)
env_port=$(port_of "$work/env.log")
until curl -sf "http://127.0.0.1:$env_port/readyz" >/dev/null; do sleep 0.01; done
echo "start-up to ready: $((($(date +%s%N) - started) / 1000000)) ms"
sed -i 's/Keep it short/Keep it brief/' prompts/team00/prompt00000.yaml
git commit -qam "edit one"
sed -i "0,/commit: \".*\"/s//commit: \"$(git rev-parse HEAD)\"/" deployments.yaml
git commit -qam "deploy one"
deployed=$(git rev-parse --short HEAD)
for _ in $(seq 400); do grep -q "serving $deployed" "$work/env.log" && break; sleep 0.01; done
grep "serving $deployed" "$work/env.log"
