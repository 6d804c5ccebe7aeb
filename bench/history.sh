#!/usr/bin/env bash
# History at scale: a repository of COMMITS commits (default 10,000) over PROMPTS prompts
# (default 1,000), built with `git fast-import`. Compares `promptctl log NAME` with
# `git log --format=%H -- prompts/NAME.yaml` (interleaved runs, medians), and times `show` and
# `render` at an old revision there and in a ten-commit repository, to show that reading a
# version does not depend on the repository's size.
#   bench/history.sh [BINARY] [COMMITS] [PROMPTS] [RUNS]
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
promptctl=$(realpath "${1:-$here/build/promptctl}")
commits=${2:-10000}
prompts=${3:-1000}
runs=${4:-15}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Writes a fast-import stream: one commit adding every prompt, then one changed prompt per
# commit, visiting the prompts in a scattered order.
make_repo() {
  local dir=$1 commit_count=$2 prompt_count=$3
  "$promptctl" init "$dir" >/dev/null
  python3 - "$commit_count" "$prompt_count" <<'PY' | git -C "$dir" fast-import --quiet
import sys
commits, prompts = int(sys.argv[1]), int(sys.argv[2])
out = sys.stdout.buffer
def data(text):
    raw = text.encode()
    out.write(b"data %d\n" % len(raw) + raw + b"\n")
def prompt(i, version):
    return (f"description: Prompt {i}, version {version}\n"
            f"variables:\n  topic: string\n"
            f"template: |\n  Write about {{{{topic}}}} (prompt {i}, version {version}).\n")
settings = "version: 1\ndefaults:\n  model: {provider: echo, name: echo}\n"
when = 1767225600
for n in range(commits):
    out.write(b"commit refs/heads/main\n")
    out.write(b"committer Bench <bench@example.com> %d +0000\n" % (when + n))
    data(f"commit {n}")
    if n == 0:
        out.write(b"M 100644 inline promptctl.yaml\n"); data(settings)
        for i in range(prompts):
            out.write(f"M 100644 inline prompts/p{i:04d}.yaml\n".encode()); data(prompt(i, 0))
    else:
        i = (n * 7919) % prompts
        out.write(f"M 100644 inline prompts/p{i:04d}.yaml\n".encode()); data(prompt(i, n))
PY
  git -C "$dir" symbolic-ref HEAD refs/heads/main
  git -C "$dir" reset -q --hard main
}

# Median wall-clock milliseconds of each command, runs interleaved so that machine load
# affects them alike.
medians() {
  python3 - "$runs" "$@" <<'PY'
import statistics, subprocess, sys, time
runs, commands = int(sys.argv[1]), sys.argv[2:]
times = {c: [] for c in commands}
for _ in range(runs):
    for c in commands:
        start = time.perf_counter()
        subprocess.run(c, shell=True, check=True, stdout=subprocess.DEVNULL)
        times[c].append((time.perf_counter() - start) * 1000)
for c in commands:
    print(f"{statistics.median(times[c]):9.1f} ms  {c}")
PY
}

make_repo "$work/big" "$commits" "$prompts"
make_repo "$work/small" 10 "$prompts"
name=p0500
versions=$(cd "$work/big" && "$promptctl" log "$name" | wc -l)
echo "repository: $commits commits over $prompts prompts; $name has $versions versions"
cd "$work/big"
medians "git log --format=%H -- prompts/$name.yaml" "$promptctl log $name" \
  "$promptctl log $name --json" "$promptctl log -n 20"
# By commit id: "HEAD~5000" would time git's walk of 5,000 parents, not the reading.
old=$(git rev-parse "HEAD~$((commits / 2))")
small_old=$(git -C "$work/small" rev-parse HEAD~5)
echo "reading one version at an old commit, large and small repository:"
medians "$promptctl show $name@$old" "$promptctl render $name@$old --var topic=tea" \
  "cd $work/small && $promptctl show $name@$small_old" \
  "cd $work/small && $promptctl render $name@$small_old --var topic=tea"
