#!/usr/bin/env bash
# `promptctl run --input` of ROWS rows at -j JOBS against the loopback provider answering after
# LATENCY ms, recording into the SQLite file and into a PostgreSQL ledger (a server of its own,
# set up with initdb in the scratch folder, on a Unix socket, with Debian's default durability),
# alternating, REPEAT runs each: medians of wall and CPU time against the ideal
# ROWS / JOBS * LATENCY. Needs Debian's postgresql; as root, the server runs as `postgres`.
#   bench/shared_ledger.sh [BUILD_DIR] [ROWS] [JOBS] [LATENCY] [REPEAT]
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=bench/loopback.sh
. "$here/bench/loopback.sh"
bench_setup "$@"
rows=$count
classify_prompt > prompts/classify.yaml
classify_rows "$rows" > "$scratch/rows.jsonl"

bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
pg=$scratch/pg
mkdir -p "$pg"
as_server=()
if [ "$(id -u)" -eq 0 ]; then
  chmod o+x "$scratch"  # the server's user passes through to its folder
  chown postgres: "$pg"
  as_server=(runuser -u postgres --)
fi
server() { (cd "$pg" && "${as_server[@]}" "$@"); }
server "$bin/initdb" -D "$pg/data" -A trust -U bench -E UTF8 --no-locale >/dev/null
server "$bin/pg_ctl" -D "$pg/data" -l "$pg/log" -w -o "-k $pg -c listen_addresses=''" start >/dev/null
trap 'server "$bin/pg_ctl" -D "$pg/data" -m fast stop >/dev/null; kill "$server_pid"; rm -rf "$scratch"' EXIT
"$bin/createdb" -h "$pg" -U bench runs
url="postgresql:///runs?host=$pg&user=bench"

run_once() {
  timed "$build/promptctl" run classify --input "$scratch/rows.jsonl" -j "$jobs" --no-cache
  ok=$(grep -c '"status":"ok"' "$scratch/out" || true)
  [ "$ok" = "$rows" ] || { echo "only $ok of $rows rows succeeded" >&2; exit 1; }
}
file_results=()
shared_results=()
for _ in $(seq "$repeat"); do
  results=()
  run_once
  file_results+=("${results[0]}")
  results=()
  PROMPTCTL_LEDGER_URL=$url run_once
  shared_results+=("${results[0]}")
done
ideal=$(( rows * latency / jobs ))
results=("${file_results[@]}")
report_medians "SQLite ledger:     $rows rows, -j $jobs, $latency ms latency" "$ideal"
results=("${shared_results[@]}")
report_medians "PostgreSQL ledger: $rows rows, -j $jobs, $latency ms latency" "$ideal"
PROMPTCTL_LEDGER_URL=$url "$build/promptctl" ledger status
