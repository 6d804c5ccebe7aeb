#!/usr/bin/env bash
# Traces: promptctl's model calls as OpenTelemetry spans, sent over OTLP/HTTP to a small
# collector (examples/traces/collector.py, Python's standard library only) and printed as trees:
# a run inside a CI job's trace (TRACEPARENT), then a test run with a span per case. Offline and
# on loopback only. Runs in a scratch folder that is removed at the end.
#   PROMPTCTL   the binary to run (default: promptctl on PATH)
#   KEEP=1      keep the scratch folder and print where it is
set -euo pipefail

promptctl=${PROMPTCTL:-promptctl}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
scratch=$(mktemp -d "${TMPDIR:-/tmp}/promptctl-traces.XXXXXX")
collector=
cleanup() {
  [ -n "$collector" ] && kill "$collector" 2>/dev/null || true
  [ "${KEEP:-}" = 1 ] && echo "kept $scratch" || rm -rf "$scratch"
}
trap cleanup EXIT

step() { printf '\n\033[1m$ %s\033[0m\n' "$*" | { [ -t 1 ] && cat || sed 's/\x1b\[[0-9;]*m//g'; }; "$@"; }

export GIT_AUTHOR_NAME=Alice GIT_AUTHOR_EMAIL=alice@example.com
export GIT_COMMITTER_NAME=Alice GIT_COMMITTER_EMAIL=alice@example.com

"$promptctl" init "$scratch/repo" >/dev/null
cp "$here/starter/promptctl.yaml" "$scratch/repo/"
cp -R "$here/starter/prompts/." "$scratch/repo/prompts/"
cp -R "$here/starter/images" "$scratch/repo/"
cd "$scratch/repo"
"$promptctl" commit -m "Starter prompts" >/dev/null

python3 "$here/traces/collector.py" serve "$scratch/port" "$scratch/spans.jsonl" &
collector=$!
for _ in $(seq 100); do [ -s "$scratch/port" ] && break; sleep 0.05; done

# The standard variables: where spans go and what the service is called. A CI system sets
# TRACEPARENT for its job; promptctl's spans then belong to the job's trace. This small
# collector reads the JSON encoding; real collectors also take the default, http/protobuf.
export OTEL_EXPORTER_OTLP_ENDPOINT="http://127.0.0.1:$(cat "$scratch/port")"
export OTEL_EXPORTER_OTLP_PROTOCOL=http/json
export OTEL_SERVICE_NAME=prompts-ci
export TRACEPARENT=00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01
step "$promptctl" run docs/summarize --provider echo --var document="promptctl traces its calls." \
  --var bullets=2
step "$promptctl" test docs/summarize support/reply --provider echo
python3 "$here/traces/collector.py" show "$scratch/spans.jsonl"
