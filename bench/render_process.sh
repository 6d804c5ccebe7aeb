#!/usr/bin/env bash
# Whole-process time of `promptctl render` in the starter repository (made a git repository),
# median over many runs, and beside it, interleaved, `git rev-parse HEAD` there: the floor a
# command that opens the repository cannot go below. Also interleaved: the same render in a copy
# of the repository that cannot keep compiled prompts (a file stands where their folder would
# be), so every run parses the prompt and its partial as a first run does.
#   bench/render_process.sh [BINARY] [RUNS]
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
promptctl=$(realpath "${1:-$here/build/promptctl}")
runs=${2:-200}
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
repo=$scratch/kept
cp -R "$here/examples/starter/." "$repo/"
cd "$repo"
git init -q . && git add -A && git -c user.name=bench -c user.email=bench@example.com commit -qm starter
cp -R "$repo" "$scratch/parsed"
mkdir -p "$scratch/parsed/.git/promptctl/cache"
touch "$scratch/parsed/.git/promptctl/cache/compiled"
args=(render support/reply --var-file "$here/examples/vars/reply.yaml")
"$promptctl" "${args[@]}" >/dev/null
if [[ ! -d .git/promptctl/cache/compiled ]]; then
  echo "render kept no compiled prompt" >&2
  exit 1
fi
kept_times=()
parsed_times=()
git_times=()
for _ in $(seq "$runs"); do
  # $EPOCHREALTIME costs no process, unlike date(1), whose start-up would swamp a few ms.
  start=${EPOCHREALTIME/./}; "$promptctl" "${args[@]}" >/dev/null; end=${EPOCHREALTIME/./}
  kept_times+=($(( end - start )))
  start=${EPOCHREALTIME/./}; git rev-parse HEAD >/dev/null; end=${EPOCHREALTIME/./}
  git_times+=($(( end - start )))
  cd "$scratch/parsed"
  start=${EPOCHREALTIME/./}; "$promptctl" "${args[@]}" >/dev/null; end=${EPOCHREALTIME/./}
  parsed_times+=($(( end - start )))
  cd "$repo"
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
kept=$(median "${kept_times[@]}")
parsed=$(median "${parsed_times[@]}")
floor=$(median "${git_times[@]}")
awk -v k="$kept" -v p="$parsed" -v g="$floor" -v n="$runs" 'BEGIN {
  printf "render median %.2f ms (%.2fx git rev-parse HEAD, %.2f ms); parsing every time %.2f ms (%.2fx); %d interleaved runs\n",
    k / 1000, k / g, g / 1000, p / 1000, p / g, n }'
