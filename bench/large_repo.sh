#!/usr/bin/env bash
# A repository of N prompts (default 10,000): `promptctl ls` and `ls --json` with a warm summary
# cache, medians of RUNS whole-process runs, interleaved with the same commands of BASELINE (a
# previous build) when one is given; then `render` of one prompt, and the prompt files `render`
# opens (with strace, when installed) to show that it reads only its own.
#   bench/large_repo.sh [BINARY] [N] [RUNS] [BASELINE]
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
promptctl=$(realpath "${1:-$here/build/promptctl}")
count=${2:-10000}
runs=${3:-40}
baseline=${4:+$(realpath "$4")}
repo=$(mktemp -d)
trap 'rm -rf "$repo"' EXIT
"$promptctl" init "$repo" >/dev/null
python3 "$here/bench/generate_prompts.py" "$repo" "$count"
cd "$repo"
git add -A && git -c user.name=bench -c user.email=bench@example.com -c gc.auto=0 commit -qm prompts
echo "repository: $count prompts"
# The summary cache trusts only files older than two seconds: wait, then fill it.
sleep 2.1
"$promptctl" ls >/dev/null

declare -A times
binaries=(new)
[[ -n "$baseline" ]] && binaries+=(baseline)
for _ in $(seq "$runs"); do
  for which in "${binaries[@]}"; do
    binary=$promptctl
    [[ $which == baseline ]] && binary=$baseline
    for mode in text json; do
      flags=()
      [[ $mode == json ]] && flags=(--json)
      # $EPOCHREALTIME costs no process, unlike date(1), whose start-up would count.
      start=${EPOCHREALTIME/./}; "$binary" ls "${flags[@]}" >/dev/null; end=${EPOCHREALTIME/./}
      times[$which-$mode]+="$(( end - start )) "
    done
  done
done
median_ms() { tr ' ' '\n' <<<"$1" | grep . | sort -n | awk '{v[NR]=$1} END {printf "%.1f", v[int((NR + 1) / 2)] / 1000}'; }
for which in "${binaries[@]}"; do
  echo "$which: ls $(median_ms "${times[$which-text]}") ms, ls --json $(median_ms "${times[$which-json]}") ms (medians of $runs)"
done

render=(render team07/prompt00007 --var topic=tea)
start=${EPOCHREALTIME/./}; "$promptctl" "${render[@]}" >/dev/null; end=${EPOCHREALTIME/./}
echo "render: $(( (end - start) / 1000 )) ms"
if command -v strace >/dev/null; then
  opened=$(strace -f -e trace=openat "$promptctl" "${render[@]}" 2>&1 >/dev/null |
    grep -c '/prompts/.*\.yaml"' || true)
  echo "render opened $opened prompt files (itself, its tests file lookup and its partial)"
fi
