#!/usr/bin/env bash
# Governance at scale: a repository of PROMPTS prompts (default 1,000) and COMMITS commits
# (default 2,000), each commit carrying DECISIONS approval lines in refs/notes/promptctl
# (default 5, so 10,000 decisions), built with `git fast-import`. Times, as medians of RUNS:
# `approvals NAME` (reads every decision), `pending` (every prompt's content against the pins),
# `deploy` (lock, pins file, one commit; alternating between two approved versions), `check`,
# `guard` over an empty window, and `audit NAME` over the whole history.
#   bench/governance.sh [BINARY] [PROMPTS] [COMMITS] [DECISIONS] [RUNS]
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
promptctl=$(realpath "${1:-$here/build/promptctl}")
prompts=${2:-1000}
commits=${3:-2000}
decisions=${4:-5}
runs=${5:-9}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export GIT_AUTHOR_NAME=Bench GIT_AUTHOR_EMAIL=bench@example.com
export GIT_COMMITTER_NAME=Bench GIT_COMMITTER_EMAIL=bench@example.com

"$promptctl" init "$work/repo" >/dev/null
python3 - "$prompts" "$commits" "$decisions" <<'PY' | git -C "$work/repo" fast-import --quiet
import json, sys
prompts, commits, decisions = (int(a) for a in sys.argv[1:4])
out = sys.stdout.buffer
def data(text):
    raw = text.encode()
    out.write(b"data %d\n" % len(raw) + raw + b"\n")
def prompt(i, version):
    return (f"description: Prompt {i}, version {version}\n"
            f"variables:\n  topic: string\n"
            f"template: |\n  Write about {{{{topic}}}} (prompt {i}, version {version}).\n")
settings = ("version: 1\ndefaults:\n  model: {provider: echo, name: echo}\n"
            "environments:\n  dev: {auto_approve: true}\n"
            "  production: {requires: [technical, qa], guard: {min_success: 0.9}}\n")
when = 1767225600
for n in range(commits):
    out.write(b"commit refs/heads/main\nmark :%d\n" % (n + 1))
    out.write(b"committer Bench <bench@example.com> %d +0000\n" % (when + n))
    data(f"commit {n}")
    if n == 0:
        out.write(b"M 100644 inline promptctl.yaml\n"); data(settings)
        for i in range(prompts):
            out.write(f"M 100644 inline prompts/p{i}.yaml\n".encode()); data(prompt(i, 0))
    else:
        i = (n * 7919) % prompts
        out.write(f"M 100644 inline prompts/p{i}.yaml\n".encode()); data(prompt(i, n))
out.write(b"commit refs/notes/promptctl\n")
out.write(b"committer Bench <bench@example.com> %d +0000\n" % (when + commits))
data("approvals")
for n in range(1, commits):
    lines = []
    for d in range(decisions):
        lines.append(json.dumps({"type": "promptctl-decision", "verdict": "approve",
                                 "prompt": f"p{(n * 7919) % prompts}", "content": f"{n:040x}",
                                 "commit": "0" * 40, "stage": ["technical", "qa"][d % 2],
                                 "name": "Bench", "email": f"r{d}@example.com",
                                 "time_ms": (when + n) * 1000 + d, "comment": ""},
                                sort_keys=True))
    out.write(b"N inline :%d\n" % (n + 1))
    data("\n".join(lines) + "\n")
PY
cd "$work/repo"
git checkout -q -f main
"$promptctl" approve p0@HEAD --stage technical >/dev/null
"$promptctl" approve p0@HEAD --stage qa >/dev/null
echo "x-changed: true" >> prompts/p0.yaml
"$promptctl" commit -m "p0 again" p0 >/dev/null
"$promptctl" approve p0 --stage technical >/dev/null
"$promptctl" approve p0 --stage qa >/dev/null

median_ms() {  # median wall time of RUNS runs of "$@", in ms
  local times=()
  for _ in $(seq "$runs"); do
    local start end
    start=$(date +%s%N)
    "$@" >/dev/null
    end=$(date +%s%N)
    times+=($(( (end - start) / 1000000 )))
  done
  printf '%s\n' "${times[@]}" | sort -n | awk '{v[NR]=$1} END {print v[int((NR + 1) / 2)]}'
}

flip=0
# HEAD moves with each deploy: pin the two versions to fixed commits first.
v1=$(git rev-parse HEAD~1); v2=$(git rev-parse HEAD)
deploy_next() {  # alternates between the two approved versions of p0
  if [ $flip = 0 ]; then "$promptctl" deploy "p0@$v1" --env production; flip=1
  else "$promptctl" deploy "p0@$v2" --env production; flip=0; fi
}

echo "repository: $prompts prompts, $commits commits, $(( (commits - 1) * decisions + 4 )) decisions"
echo "approvals p0:   $(median_ms "$promptctl" approvals p0) ms"
echo "pending:        $(median_ms "$promptctl" pending) ms"
echo "deploy:         $(median_ms deploy_next) ms"
echo "check:          $(median_ms "$promptctl" check) ms"
echo "guard:          $(median_ms "$promptctl" guard --env production) ms"
echo "audit p0:       $(median_ms "$promptctl" audit p0) ms"
echo "git notes list: $(median_ms git notes --ref=promptctl list) ms (for comparison)"
