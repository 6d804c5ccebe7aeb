#!/usr/bin/env bash
# Whole-process time of commands that open the repository through libgit2 (`status`, `log`) in
# the starter repository (made a git repository), beside the same git commands, interleaved;
# with a second binary, that binary's too (e.g. an earlier build), interleaved with the first.
#   bench/git_commands.sh [BINARY] [RUNS] [OTHER_BINARY]
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
binaries=("$(realpath "${1:-$here/build/promptctl}")")
runs=${2:-200}
[ -z "${3:-}" ] || binaries+=("$(realpath "$3")")
repo=$(mktemp -d)
trap 'rm -rf "$repo"' EXIT
cp -R "$here/examples/starter/." "$repo/"
cd "$repo"
git init -q . && git add -A && git -c user.name=bench -c user.email=bench@example.com commit -qm starter

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
declare -A times
for _ in $(seq "$runs"); do
  for command in status log; do
    for index in "${!binaries[@]}"; do
      # $EPOCHREALTIME costs no process, unlike date(1), whose start-up would swamp a few ms.
      start=${EPOCHREALTIME/./}; "${binaries[$index]}" "$command" >/dev/null; end=${EPOCHREALTIME/./}
      times[$command/$index]+="$(( end - start )) "
    done
    start=${EPOCHREALTIME/./}; git "$command" >/dev/null; end=${EPOCHREALTIME/./}
    times[$command/git]+="$(( end - start )) "
  done
done
for command in status log; do
  git_median=$(printf '%s\n' ${times[$command/git]} | median)
  for index in "${!binaries[@]}"; do
    m=$(printf '%s\n' ${times[$command/$index]} | median)
    awk -v c="$command" -v b="${binaries[$index]}" -v m="$m" -v g="$git_median" -v n="$runs" 'BEGIN {
      printf "%s %s: median %.2f ms, %.2fx git %s (%.2f ms), %d interleaved runs\n", b, c, m / 1000, m / g, c, g / 1000, n }'
  done
done
