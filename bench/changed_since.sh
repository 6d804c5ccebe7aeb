#!/usr/bin/env bash
# `test --changed-since HEAD` in a committed repository of N prompts (default 10,000) after one
# prompt changed in the working tree: the medians of RUNS runs (default 5) with the identity
# cache cold (removed before each run: a fresh clone, as in CI) and warm.
#   bench/changed_since.sh [BINARY] [N] [RUNS]
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
promptctl=$(realpath "${1:-$here/build/promptctl}")
count=${2:-10000}
runs=${3:-5}
repo=$(mktemp -d)
trap 'rm -rf "$repo"' EXIT
export GIT_AUTHOR_NAME=Bench GIT_AUTHOR_EMAIL=bench@example.com
export GIT_COMMITTER_NAME=Bench GIT_COMMITTER_EMAIL=bench@example.com
"$promptctl" init "$repo" >/dev/null
python3 "$here/bench/generate_prompts.py" "$repo" "$count"
cd "$repo"
git add -A && git commit -qm "prompts"
sed -i 's/Keep it factual/Keep it short and factual/' prompts/team07/prompt00007.yaml
cache=$(git rev-parse --git-dir)/promptctl/identities.json

# The median wall-clock time of running "$@" $runs times, in milliseconds; `before` runs first.
median_ms() {
  local before=$1 times=() start
  shift
  for ((i = 0; i < runs; i++)); do
    $before
    start=$EPOCHREALTIME
    "$@" >/dev/null
    times+=("$(echo "($EPOCHREALTIME - $start) * 1000" | bc)")
  done
  printf '%s\n' "${times[@]}" | sort -n | sed -n "$(((runs + 1) / 2))p" | xargs printf '%.0f'
}
cold() { rm -f "$cache"; }
warm() { :; }
"$promptctl" test --changed-since HEAD >/dev/null  # fills the ledger's folder
echo "repository: $count prompts, one changed; load: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "test --changed-since HEAD, cache cold: $(median_ms cold "$promptctl" test --changed-since HEAD) ms"
echo "test --changed-since HEAD, cache warm: $(median_ms warm "$promptctl" test --changed-since HEAD) ms"
