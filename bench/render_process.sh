#!/usr/bin/env bash
# Whole-process time of `promptctl render` in the starter repository (made a git repository),
# median over many runs, and beside it, interleaved, `git rev-parse HEAD` there: the floor a
# command that opens the repository cannot go below.
#   bench/render_process.sh [BINARY] [RUNS]
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
promptctl=$(realpath "${1:-$here/build/promptctl}")
runs=${2:-200}
repo=$(mktemp -d)
trap 'rm -rf "$repo"' EXIT
cp -R "$here/examples/starter/." "$repo/"
cd "$repo"
git init -q . && git add -A && git -c user.name=bench -c user.email=bench@example.com commit -qm starter
args=(render support/reply --var-file "$here/examples/vars/reply.yaml")
"$promptctl" "${args[@]}" >/dev/null
if command -v hyperfine >/dev/null; then
  hyperfine -N --warmup 20 --runs "$runs" --export-json "$repo/result.json" \
    "$promptctl ${args[*]}" >/dev/null
  python3 -c "import json,sys; r=json.load(open(sys.argv[1]))['results'][0]; print(f\"render median {r['median']*1000:.2f} ms, mean {r['mean']*1000:.2f} ms over {len(r['times'])} runs\")" "$repo/result.json"
else
  render_times=()
  git_times=()
  for _ in $(seq "$runs"); do
    # $EPOCHREALTIME costs no process, unlike date(1), whose start-up would swamp a few ms.
    start=${EPOCHREALTIME/./}; "$promptctl" "${args[@]}" >/dev/null; end=${EPOCHREALTIME/./}
    render_times+=($(( end - start )))
    start=${EPOCHREALTIME/./}; git rev-parse HEAD >/dev/null; end=${EPOCHREALTIME/./}
    git_times+=($(( end - start )))
  done
  median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
  render_median=$(median "${render_times[@]}")
  git_median=$(median "${git_times[@]}")
  awk -v r="$render_median" -v g="$git_median" -v n="$runs" 'BEGIN {
    printf "render median %.2f ms, git rev-parse HEAD median %.2f ms: %.2fx, over %d interleaved runs\n",
      r / 1000, g / 1000, r / g, n }'
fi
