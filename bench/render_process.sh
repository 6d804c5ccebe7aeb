#!/usr/bin/env bash
# Whole-process time of `promptctl render` in the starter repository: median over many runs.
#   bench/render_process.sh [BINARY] [RUNS]
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
promptctl=$(realpath "${1:-$here/build/promptctl}")
runs=${2:-200}
repo=$(mktemp -d)
trap 'rm -rf "$repo"' EXIT
cp -R "$here/examples/starter/." "$repo/"
cd "$repo"
args=(render support/reply --var-file "$here/examples/vars/reply.yaml")
"$promptctl" "${args[@]}" >/dev/null
if command -v hyperfine >/dev/null; then
  hyperfine -N --warmup 20 --runs "$runs" --export-json "$repo/result.json" \
    "$promptctl ${args[*]}" >/dev/null
  python3 -c "import json,sys; r=json.load(open(sys.argv[1]))['results'][0]; print(f\"render median {r['median']*1000:.2f} ms, mean {r['mean']*1000:.2f} ms over {len(r['times'])} runs\")" "$repo/result.json"
else
  times=()
  for _ in $(seq "$runs"); do
    start=$(date +%s%N); "$promptctl" "${args[@]}" >/dev/null; end=$(date +%s%N)
    times+=($(( (end - start) / 1000 )))
  done
  printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {printf "render median %.2f ms over %d runs\n", a[int((NR+1)/2)]/1000, NR}'
fi
