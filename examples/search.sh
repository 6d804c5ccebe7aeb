#!/usr/bin/env bash
# A walk through finding prompts: ranked full-text search with snippets, an index that follows
# git and uncommitted edits, near-duplicates by wording, and a search of the ledger. With
# PROMPTCTL_TEST_SERVER pointing at the built loopback provider (build/promptctl-test-server),
# it also searches by meaning with embeddings, and then offline from the stored ones.
# Runs in a scratch folder removed at the end.
#   PROMPTCTL   the binary to run (default: promptctl on PATH)
#   KEEP=1      keep the scratch folder and print where it is
set -euo pipefail

promptctl=${PROMPTCTL:-promptctl}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
scratch=$(mktemp -d "${TMPDIR:-/tmp}/promptctl-search.XXXXXX")
server_pid=
cleanup() {
  [ -z "$server_pid" ] || kill "$server_pid" 2>/dev/null || true
  [ "${KEEP:-}" = 1 ] || rm -rf "$scratch"
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

# Ranked by BM25: a word in the name or description counts more than one in a template.
# The first search builds the index in .git/promptctl/search.db.
step "$promptctl" search customer
step "$promptctl" search json --category classification
step "$promptctl" search 'summar*' -n 1 --json

# The index follows the working tree: an uncommitted edit is searched at once, and only the
# edited file is read again ("updated": 1).
sed -i 's/Reply to a customer inquiry/Reply to a customer inquiry about a parcel/' \
  prompts/support/reply.yaml
step "$promptctl" search parcel --json
git checkout -q -- prompts/support/reply.yaml
step "$promptctl" search parcel || echo "(search exited $?: nothing matched)"

# A near-copy of a prompt, found by its wording.
sed 's/Reply to a customer inquiry/Answer a customer inquiry/' prompts/support/reply.yaml \
  > prompts/support/reply-copy.yaml
step "$promptctl" dupes --method shingles
step "$promptctl" dupes --method shingles --exit-code || echo "(dupes exited $?: a CI job would fail here)"

# The ledger is searched too: runs whose inputs or output mention a text.
"$promptctl" run docs/summarize --model echo/echo --var document="Order 1234 arrived late." --var bullets=1 >/dev/null
"$promptctl" run docs/summarize --model echo/echo --var document="Order 5678 arrived early." --var bullets=1 >/dev/null
step "$promptctl" runs --grep "order 1234"

if [ -x "${PROMPTCTL_TEST_SERVER:-}" ]; then
  # Embeddings from the loopback provider's /v1/embeddings. Each prompt is embedded once and
  # stored under the hash of its text.
  "$PROMPTCTL_TEST_SERVER" --url-file ../server-url >/dev/null 2>&1 &
  server_pid=$!
  for _ in $(seq 50); do [ -s ../server-url ] && break; sleep 0.1; done
  cat >> promptctl.yaml <<YAML
providers:
  local: {type: openai-compatible, base_url: "$(cat ../server-url)/v1", retry_base_ms: 50}
search:
  embedding_model: local/embed-test
YAML
  step "$promptctl" search --similar "a polite answer to an unhappy customer"
  step "$promptctl" search --like support/reply -n 3
  step "$promptctl" dupes --threshold 0.9
  # The endpoint goes away: what is stored still answers.
  kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; server_pid=
  step "$promptctl" search --like support/reply -n 3 --offline
fi

[ "${KEEP:-}" = 1 ] && echo "kept $scratch"
echo
echo "search walk-through finished"
