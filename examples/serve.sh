#!/usr/bin/env bash
# Serving prompts to applications: the starter prompts deployed to `dev`, `promptctl serve
# --env dev` answering a Python client (examples/serve/client.py, standard library only) and,
# when curl is installed, a shell one (examples/serve/client.sh); a deploy picked up without a
# restart; a graceful stop. Offline and on loopback only. Runs in a scratch folder that is
# removed at the end.
#   PROMPTCTL   the binary to run (default: promptctl on PATH)
#   KEEP=1      keep the scratch folder and print where it is
set -euo pipefail

promptctl=${PROMPTCTL:-promptctl}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
scratch=$(mktemp -d "${TMPDIR:-/tmp}/promptctl-serve.XXXXXX")
server=
cleanup() {
  [ -n "$server" ] && kill "$server" 2>/dev/null || true
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
printf 'environments:\n  dev: {auto_approve: true}\n' >> promptctl.yaml
"$promptctl" commit -m "Starter prompts" >/dev/null
step "$promptctl" deploy support/reply --env dev -m "First reply"
step "$promptctl" deploy docs/summarize --env dev -m "Summaries"

# Port 0: the system picks a free port, which the first line on standard error names.
"$promptctl" serve --env dev --port 0 --reload-interval 200 2>"$scratch/serve.log" &
server=$!
for _ in $(seq 100); do grep -q ' on http://' "$scratch/serve.log" && break; sleep 0.05; done
cat "$scratch/serve.log"
url=$(sed -n 's/.* on \(http:\/\/[^ ,]*\).*/\1/p' "$scratch/serve.log" | head -1)

variables='{"inquiry": "Where is my kettle?", "order_id": "KT-20931", "tone": "formal"}'
step python3 "$here/serve/client.py" "$url" list
step python3 "$here/serve/client.py" "$url" render support/reply "$variables"
step python3 "$here/serve/client.py" "$url" render support/reply '{"tone": "rude"}' ||
  echo "(the client exited $?)"
if command -v curl >/dev/null; then
  step "$here/serve/client.sh" "$url" docs/summarize '{"document": "promptctl serves prompts.", "bullets": 2}'
fi

# A deploy moves the pin: the server serves the new version within a moment, no restart.
sed -i 's/Company the agent speaks for/The company the agent speaks for/' prompts/support/reply.yaml
"$promptctl" commit -m "Clearer variable description" >/dev/null
step "$promptctl" deploy support/reply --env dev -m "Second reply"
deployed=$(git rev-parse --short HEAD)
for _ in $(seq 100); do grep -q "serving $deployed" "$scratch/serve.log" && break; sleep 0.05; done
grep "serving $deployed" "$scratch/serve.log"
step python3 "$here/serve/client.py" "$url" show support/reply

# SIGTERM: no new connections, the requests in flight are answered, exit 0.
kill -TERM "$server"
wait "$server" && echo "serve stopped with exit 0"
server=
