#!/usr/bin/env bash
# A walk through promptctl on the starter repository, in a scratch copy that is removed at the
# end. Works offline: the starter's default model is the echo provider.
#   PROMPTCTL   the binary to run (default: promptctl on PATH)
#   KEEP=1      keep the scratch repository and print where it is
set -euo pipefail

promptctl=${PROMPTCTL:-promptctl}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
scratch=$(mktemp -d "${TMPDIR:-/tmp}/promptctl-demo.XXXXXX")
[ "${KEEP:-}" = 1 ] || trap 'rm -rf "$scratch"' EXIT

step() { printf '\n\033[1m$ %s\033[0m\n' "$*" | { [ -t 1 ] && cat || sed 's/\x1b\[[0-9;]*m//g'; }; "$@"; }

# A fresh prompt repository (git included), filled with the starter prompts.
step "$promptctl" init "$scratch/repo"
cp "$here/starter/promptctl.yaml" "$scratch/repo/"
cp -R "$here/starter/prompts/." "$scratch/repo/prompts/"
cp -R "$here/starter/images" "$scratch/repo/"
cp -R "$here/vars" "$scratch/vars"
cd "$scratch/repo"

step "$promptctl" ls
step "$promptctl" ls --tag support --json
step "$promptctl" show support/reply
step "$promptctl" vars data/sql
step "$promptctl" render support/reply --var-file ../vars/reply.yaml
step "$promptctl" render docs/summarize --var document="promptctl keeps prompts in git." --var bullets=2
step "$promptctl" render data/sql --var-file ../vars/sql.json --json
# A chat with history: the conversation is a variable of type messages, placed by the prompt.
step "$promptctl" render support/followup --var-file ../vars/followup.yaml
step "$promptctl" lint

# Versions: commit, change, and render any earlier version straight from git.
export GIT_AUTHOR_NAME=${GIT_AUTHOR_NAME:-Demo} GIT_AUTHOR_EMAIL=${GIT_AUTHOR_EMAIL:-demo@example.com}
export GIT_COMMITTER_NAME=${GIT_COMMITTER_NAME:-Demo} GIT_COMMITTER_EMAIL=${GIT_COMMITTER_EMAIL:-demo@example.com}
step "$promptctl" status
step "$promptctl" commit -m "Starter prompts"
sed -i 's/exactly {{bullets}} bullet points/{{bullets}} short bullet points/' prompts/docs/summarize.yaml
step "$promptctl" status
step "$promptctl" commit -m "Shorter summaries" docs/summarize
step "$promptctl" render docs/summarize@HEAD~1 --var document="promptctl keeps prompts in git."

# Mistakes are caught with their location, and nothing is changed.
printf 'descripton: typo\ntemplate: "Hi {{nmae}}"\nvariables: {name: string}\n' > prompts/scratch.yaml
step "$promptctl" lint scratch || echo "(lint exited $?)"
step "$promptctl" render support/reply --var tone=rude --var inquiry=hi || echo "(render exited $?)"
rm prompts/scratch.yaml

# Standalone Mustache rendering, for scripts, outside any repository.
printf 'Dear {{name}},\n{{> signature}}\n' > ../letter.mustache
mkdir -p ../partials && printf -- '-- {{team}}\n' > ../partials/signature
step "$promptctl" render --template-file ../letter.mustache --partials-dir ../partials --var name=Ann --var team=Support

# The starter prompts' tests that grade text, graded offline by the echo provider (the tests of
# support/order-status assert tool calls, which a model makes: execution.sh runs them against
# the loopback provider).
graded=(data/sql support/reply support/escalate analysis/extract-entities analysis/sentiment
  docs/summarize)
step "$promptctl" test "${graded[@]}" --provider echo
step "$promptctl" test "${graded[@]}" --provider echo --format tap

# Branches, diffs, merges, releases and remotes have a walk-through of their own, and so do
# calling models, the ledger and the cache, gating changes in CI, governing deploys, and
# comparing versions and running experiments, finding prompts, serving them, traces, and a
# ledger shared by several clones.
PROMPTCTL=$promptctl "$here/versioning.sh"
PROMPTCTL=$promptctl "$here/execution.sh"
PROMPTCTL=$promptctl "$here/ci/ci.sh"
PROMPTCTL=$promptctl "$here/governance.sh"
PROMPTCTL=$promptctl "$here/experiments.sh"
PROMPTCTL=$promptctl "$here/search.sh"
PROMPTCTL=$promptctl "$here/serve.sh"
PROMPTCTL=$promptctl "$here/traces.sh"
PROMPTCTL=$promptctl "$here/shared_ledger.sh"

[ "${KEEP:-}" = 1 ] && echo "kept $scratch"
echo
echo "demo finished"
