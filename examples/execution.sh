#!/usr/bin/env bash
# A walk through running prompts: calls, a batch, the ledger, feedback, statistics and the
# response cache. Runs in a scratch folder that is removed at the end.
#
# Offline by default: the echo provider answers with the rendered prompt. With OPENAI_API_KEY
# set, the prompts' own model (gpt-4o-mini) is called. With PROMPTCTL_TEST_SERVER pointing at
# the built loopback provider (build/promptctl-test-server), it also shows retries and a
# fallback over real HTTP on 127.0.0.1.
#   PROMPTCTL   the binary to run (default: promptctl on PATH)
#   KEEP=1      keep the scratch folder and print where it is
set -euo pipefail

promptctl=${PROMPTCTL:-promptctl}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
scratch=$(mktemp -d "${TMPDIR:-/tmp}/promptctl-execution.XXXXXX")
server_pid=
cleanup() {
  [ -z "$server_pid" ] || kill "$server_pid" 2>/dev/null || true
  [ "${KEEP:-}" = 1 ] || rm -rf "$scratch"
}
trap cleanup EXIT

step() { printf '\n\033[1m$ %s\033[0m\n' "$*" | { [ -t 1 ] && cat || sed 's/\x1b\[[0-9;]*m//g'; }; "$@"; }

"$promptctl" init "$scratch/repo" >/dev/null
cp "$here/starter/promptctl.yaml" "$scratch/repo/"
cp -R "$here/starter/prompts/." "$scratch/repo/prompts/"
cp -R "$here/starter/images" "$scratch/repo/"
cp -R "$here/vars" "$scratch/vars"
cd "$scratch/repo"

provider=(--provider echo)
if [ -n "${OPENAI_API_KEY:-}" ]; then
  provider=()
fi

step "$promptctl" run support/reply --var-file ../vars/reply.yaml "${provider[@]}"
step "$promptctl" run support/reply --var-file ../vars/reply.yaml "${provider[@]}" --json
step "$promptctl" run support/followup --var-file ../vars/followup.yaml "${provider[@]}"
# A message with an image: the repository's file goes as a data URI.
step "$promptctl" render analysis/receipt --json

# A batch: one call per JSONL row, four at a time, results in input order.
cat > ../reviews.jsonl <<'ROWS'
{"review": "Arrived early and works perfectly."}
{"review": "It is a kettle. It boils water."}
{"review": "Broke after two days; support never answered."}
ROWS
step "$promptctl" run analysis/sentiment --input ../reviews.jsonl -j 4 "${provider[@]}"

# Every run is in the ledger (under .git/promptctl/, never committed).
step "$promptctl" runs
step "$promptctl" runs show 1
step "$promptctl" feedback 1 --score 1 -m "clear and polite"
step "$promptctl" rerun 1 --json
step "$promptctl" stats
step "$promptctl" stats --by model --format prometheus
# Runs travel as JSON lines: this clone's ledger into another's (a CI job's runs into a shared
# clone, say). Importing twice adds each run once.
"$promptctl" runs export > ../runs.jsonl
"$promptctl" init ../elsewhere >/dev/null
step "$promptctl" -C ../elsewhere runs import ../runs.jsonl
step "$promptctl" -C ../elsewhere runs import ../runs.jsonl
step "$promptctl" -C ../elsewhere stats

if [ -x "${PROMPTCTL_TEST_SERVER:-}" ]; then
  # Real HTTP against the loopback provider: "~429x2" asks it to refuse twice with 429, and
  # "~500" to fail every time, so that the fallback model answers.
  "$PROMPTCTL_TEST_SERVER" --url-file ../server-url >/dev/null 2>&1 &
  server_pid=$!
  for _ in $(seq 50); do [ -s ../server-url ] && break; sleep 0.1; done
  cat >> promptctl.yaml <<YAML
providers:
  local: {type: openai-compatible, base_url: "$(cat ../server-url)/v1", retry_base_ms: 50}
YAML
  step "$promptctl" run docs/summarize --var document="Retries are automatic." --model local/gpt-test~429x2
  printf 'model: [local/flaky~500, local/steady]\ntemplate: "{{q}}"\nvariables: {q: {type: string}}\n' \
    > prompts/robust.yaml
  step "$promptctl" run robust --var q="Which model answered?" --json
  # Answers at temperature 0 are cached: the same request again costs nothing, and replay
  # answers from the cache alone (CI without keys).
  step "$promptctl" run analysis/sentiment --var review="Fine." --model local/gpt-test
  step "$promptctl" run analysis/sentiment --var review="Fine." --model local/gpt-test --cache replay --json
  # Structured output: the prompt's schema goes out as OpenAI's json_schema response format,
  # and the answer comes back checked against it and parsed (output_json).
  step "$promptctl" show analysis/contact
  step "$promptctl" run analysis/contact --var text="Write to Ann Lee at ann@example.com." \
    --model local/gpt-test --json
  # Tools: the model asks for a call of the prompt's lookup_order tool; run prints the call
  # (tool_calls in --json) and the ledger keeps it with the run.
  step "$promptctl" show support/order-status
  step "$promptctl" run support/order-status --var question='{"order_id": "1042"}' \
    --model 'local/gpt-test~call=lookup_orderx1'
  # The conversation goes on with the tool's result: rerun answers the run's call.
  printf '{"status": "shipped", "delivery": "2026-12-08"}\n' > ../order-1042.json
  called=$("$promptctl" runs --json | sed -n 's/^ *"run_id": \([0-9]*\),$/\1/p' | head -n 1)
  step "$promptctl" rerun "$called" --tool-result call_test1=@../order-1042.json
  # Its tests assert which tool the model calls, and with what.
  step "$promptctl" test support/order-status -k "looks the order up" \
    --model 'local/gpt-test~call=lookup_order'
  step "$promptctl" test support/order-status -k "lists recent orders" \
    --model 'local/gpt-test~call=list_recent_orders'
  # A chat with history and a message with images, as the loopback provider receives them.
  step "$promptctl" run support/followup --var-file ../vars/followup.yaml --model local/gpt-test
  step "$promptctl" run analysis/receipt --model local/gpt-test
  step "$promptctl" cache stats
  step "$promptctl" stats --by model
fi

[ "${KEEP:-}" = 1 ] && echo "kept $scratch"
echo
echo "execution walk-through finished"
