#!/usr/bin/env bash
# A repository of N prompts (default 10,000): time `promptctl ls` and `render`, and count the
# prompt files that `render` opens (with strace, when installed) to show it reads only its own.
#   bench/large_repo.sh [BINARY] [N]
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
promptctl=$(realpath "${1:-$here/build/promptctl}")
count=${2:-10000}
repo=$(mktemp -d)
trap 'rm -rf "$repo"' EXIT
"$promptctl" init "$repo" >/dev/null
python3 "$here/bench/generate_prompts.py" "$repo" "$count"
cd "$repo"
echo "repository: $count prompts"
if command -v hyperfine >/dev/null; then
  hyperfine -N --warmup 3 --runs 20 "$promptctl ls" "$promptctl ls --json" \
    "$promptctl render team07/prompt00007 --var topic=tea" 2>/dev/null | grep -E "Time|promptctl"
else
  for cmd in "ls" "render team07/prompt00007 --var topic=tea"; do
    start=$(date +%s%N); "$promptctl" $cmd >/dev/null; end=$(date +%s%N)
    echo "$cmd: $(( (end - start) / 1000000 )) ms"
  done
fi
if command -v strace >/dev/null; then
  opened=$(strace -f -e trace=openat "$promptctl" render team07/prompt00007 --var topic=tea 2>&1 >/dev/null |
    grep -c '/prompts/.*\.yaml"' || true)
  echo "render opened $opened prompt files (itself, its tests file lookup and its partial)"
fi
