#!/usr/bin/env bash
# What the CI jobs in this folder do, run locally on a scratch repository: a "pull request"
# that changes a partial, linted and tested against its base with a baseline, reported as
# GitHub annotations and JUnit. Offline: the echo provider answers.
#   PROMPTCTL   the binary to run (default: promptctl on PATH)
#   KEEP=1      keep the scratch repository and print where it is
set -euo pipefail

promptctl=${PROMPTCTL:-promptctl}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
scratch=$(mktemp -d "${TMPDIR:-/tmp}/promptctl-ci.XXXXXX")
[ "${KEEP:-}" = 1 ] || trap 'rm -rf "$scratch"' EXIT
step() { printf '\n\033[1m$ %s\033[0m\n' "$*" | { [ -t 1 ] && cat || sed 's/\x1b\[[0-9;]*m//g'; }; "$@"; }

"$promptctl" init "$scratch/repo" >/dev/null
cp "$here/starter/promptctl.yaml" "$scratch/repo/"
cp -R "$here/starter/prompts/." "$scratch/repo/prompts/"
cd "$scratch/repo"
git add -A && git commit -qm "prompts" && git branch -q main-base

# The "pull request": the persona partial grows far too long. Only the prompt that uses it is
# retested, and its length assertion, which passed on the base branch, now fails: a regression.
sed -i "s/You never invent/$(printf 'Be thorough. %.0s' $(seq 70))You never invent/" \
  prompts/shared/persona.yaml
git commit -qam "A more thorough persona"

changed=$(git diff --name-only --diff-filter=d main-base...HEAD -- prompts |
  sed -E 's#^prompts/##; s#(\.tests)?\.yaml$##' | sort -u)
step "$promptctl" lint $changed
status=0
step "$promptctl" test --provider echo --changed-since main-base --baseline main-base \
  --format github --output junit:junit.xml || status=$?
echo "exit status: $status"
if command -v xmllint >/dev/null; then step xmllint --noout junit.xml; fi
step head -n 12 junit.xml

[ "${KEEP:-}" = 1 ] && echo "kept $scratch"
echo
echo "CI walk-through finished"
