#!/usr/bin/env bash
# `promptctl run --input` of ROWS rows at -j JOBS against the loopback provider answering after
# LATENCY ms, recording into the SQLite file and into a PostgreSQL ledger (a server of its own,
# set up with initdb in the scratch folder, on a Unix socket, with Debian's default durability),
# alternating, REPEAT runs each: medians of wall and CPU time against the ideal
# ROWS / JOBS * LATENCY. Then `promptctl stats` over STATS_RUNS runs in a database of their own
# (made in the server with generate_series: 20 prompts, 3 environments, a failure in 50, a
# cache hit in 10): medians of wall time and peak memory. Needs Debian's postgresql; as root,
# the server runs as `postgres`.
#   bench/shared_ledger.sh [BUILD_DIR] [ROWS] [JOBS] [LATENCY] [REPEAT] [STATS_RUNS]
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=bench/loopback.sh
. "$here/bench/loopback.sh"
bench_setup "$@"
rows=$count
stats_runs=${6:-1000000}
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

# stats over many runs: the rows are made in the server, not recorded one by one.
"$bin/createdb" -h "$pg" -U bench many
many="postgresql:///many?host=$pg&user=bench"
PROMPTCTL_LEDGER_URL=$many "$build/promptctl" ledger migrate >/dev/null
"$bin/psql" -q -v ON_ERROR_STOP=1 -h "$pg" -U bench many <<SQL
INSERT INTO runs (started_ms, finished_ms, prompt, revision, commit_id, content_hash,
                  environment, request, request_hash, variables, provider, model, output,
                  finish_reason, input_tokens, output_tokens, latency_ms, cost, status, error,
                  attempts, cached, experiment, variant, uid)
SELECT 1760000000000 + i * 1000, 1760000000000 + i * 1000 + 40, 'prompt-' || (i % 20), '',
       'c0ffee', 'hash-' || (i % 20), (ARRAY['production', 'staging', ''])[i % 3 + 1], '{}',
       'h' || i, '{}', 'local', 'bench-model', 'answer',
       'stop', 10 + i % 7, 20 + i % 11, 20 + (i * 7919 % 1000) / 10.0, 0.0001 * (i % 5),
       CASE WHEN i % 50 = 0 THEN 'error' ELSE 'ok' END, '', 1, (i % 10 = 0)::int, '', '',
       'bench-' || i
FROM generate_series(1::bigint, $stats_runs) AS i;
VACUUM ANALYZE runs;
SQL
stats_results=()
for _ in $(seq "$repeat"); do
  results=()
  PROMPTCTL_LEDGER_URL=$many timed "$build/promptctl" stats
  stats_results+=("${results[0]}")
done
results=("${stats_results[@]}")
median() { printf '%s\n' "${results[@]}" | awk -v c="$1" '{print $c}' | sort -n | awk '{v[NR]=$1} END {print v[int((NR + 1) / 2)]}'; }
printf 'stats over %d runs in PostgreSQL: median wall %.0f ms, CPU %.0f ms, peak RSS %.1f MB (medians of %d)\n' \
  "$stats_runs" "$(median 1)" "$(median 2)" "$(median 3)" "$repeat"
