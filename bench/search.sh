#!/usr/bin/env bash
# `promptctl search` over N prompts (default 10,000) in a git repository, whole process:
#   - while every prompt file is untracked: the first search, and warm ones;
#   - the first search, which builds the index from nothing;
#   - warm searches (three queries, a filter, --json), medians of RUNS;
#   - a search after editing one prompt (uncommitted), and after a commit of 100 changed
#     prompts made with git: the index reads only what git reports as changed;
#   - `dupes --method shingles`, and `ls` for scale;
#   - four first searches started at once, sharing one index build;
#   - with the loopback test server (its path as the third argument, or built beside the
#     binary): the first --similar, which embeds every prompt, and later ones from the store.
#   bench/search.sh [BINARY] [N] [TEST_SERVER] [RUNS]
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
promptctl=$(realpath "${1:-$here/build/promptctl}")
count=${2:-10000}
server=$(realpath -m "${3:-$(dirname "$promptctl")/promptctl-test-server}")
runs=${4:-15}
repo=$(mktemp -d)
server_pid=
trap 'rm -rf "$repo"; [[ -n $server_pid ]] && kill "$server_pid" 2>/dev/null || true' EXIT
"$promptctl" init "$repo" >/dev/null
python3 - "$repo" "$count" <<'PY'
import os, random, sys
root, count = sys.argv[1], int(sys.argv[2])
random.seed(7)
# A vocabulary with a long tail, so that some words are rare and BM25 has something to rank.
vocabulary = [f"{stem}{n}" for stem in ("refund", "order", "parcel", "invoice", "summary",
              "tone", "policy", "draft", "review", "ticket") for n in range(200)]
weights = [1 / (i + 1) for i in range(len(vocabulary))]
for i in range(count):
    folder = os.path.join(root, "prompts", f"team{i % 50:02d}")
    os.makedirs(folder, exist_ok=True)
    words = " ".join(random.choices(vocabulary, weights, k=40))
    with open(os.path.join(folder, f"prompt{i:05d}.yaml"), "w") as f:
        f.write(f"""description: Prompt {i} about {random.choice(vocabulary)}
tags: [generated, team{i % 50:02d}]
category: bench
variables:
  topic: {{type: string, description: What to write about}}
template: |
  Write about {{{{topic}}}}. {words}
""")
PY
median_ms() {  # median wall time of RUNS runs of "$@", in ms
  local times=()
  for _ in $(seq "$runs"); do
    local start end
    start=$(date +%s%N)
    "$@" >/dev/null || true
    end=$(date +%s%N)
    times+=($(( (end - start) / 1000000 )))
  done
  printf '%s\n' "${times[@]}" | sort -n | sed -n "$(( (runs + 1) / 2 ))p"
}
once_ms() {
  local start end
  start=$(date +%s%N)
  "$@" >/dev/null || true
  end=$(date +%s%N)
  echo $(( (end - start) / 1000000 ))
}

cd "$repo"
sleep 2  # files written a while ago, as untracked files usually are
echo "repository: $count prompts, untracked"
echo "first search, every prompt file untracked: $(once_ms "$promptctl" search refund3) ms"
echo "search refund3, every prompt file untracked, warm: $(median_ms "$promptctl" search refund3) ms"
rm -f .git/promptctl/search.db .git/promptctl/search.db-wal .git/promptctl/search.db-shm
git add -A >/dev/null && git -c user.name=b -c user.email=b@b commit -qm prompts
git status >/dev/null  # refresh git's index, as any git command after a checkout would
sleep 1
echo "repository: $count prompts, one commit"

echo "first search (index built from nothing): $(once_ms "$promptctl" search refund3) ms"
echo "search refund3, warm: $(median_ms "$promptctl" search refund3) ms"
echo "search \"parcel7 invoice12 tone150\", warm: $(median_ms "$promptctl" search parcel7 invoice12 tone150) ms"
echo "search order* --tag team07, warm: $(median_ms "$promptctl" search 'order*' --tag team07) ms"
echo "search refund3 --json -n 50, warm: $(median_ms "$promptctl" search refund3 --json -n 50) ms"
echo "ls -1, warm cache (for scale): $(median_ms "$promptctl" ls -1) ms"

sed -i 's/Write about/Write carefully about/' prompts/team07/prompt00007.yaml
echo "search after editing one prompt (uncommitted): $(once_ms "$promptctl" search carefully) ms"
echo "search with that edit in place, warm: $(median_ms "$promptctl" search carefully) ms"
git checkout -q -- prompts/team07/prompt00007.yaml
for i in $(seq 0 99); do
  sed -i 's/Write about/Write briefly about/' "prompts/team$(printf %02d $(( i % 50 )))/prompt$(printf %05d "$i").yaml"
done
git -c user.name=b -c user.email=b@b commit -qam "100 changed"
git status >/dev/null
echo "search after a git commit of 100 changed prompts: $(once_ms "$promptctl" search briefly) ms"
echo "search --reindex (from nothing): $(once_ms "$promptctl" search --reindex) ms"
echo "dupes --method shingles: $(once_ms "$promptctl" dupes --method shingles) ms"
four_at_once() {
  for _ in 1 2 3 4; do "$promptctl" search refund3 >/dev/null & done
  wait
}
rm -f .git/promptctl/search.db .git/promptctl/search.db-wal .git/promptctl/search.db-shm
echo "four first searches at once (one builds the index, three find it built): $(once_ms four_at_once) ms"

if [[ -x $server ]]; then
  port=$(( 20000 + RANDOM % 20000 ))
  "$server" --port "$port" --key sk-bench >/dev/null 2>&1 &
  server_pid=$!
  sleep 0.5
  export OPENAI_BASE_URL=http://127.0.0.1:$port/v1 OPENAI_API_KEY=sk-bench
  echo "first search --similar (embeds $count prompts over loopback): $(once_ms "$promptctl" search --similar "refund3 parcel7") ms"
  echo "search --similar, every embedding stored: $(median_ms "$promptctl" search --similar "refund3 parcel7") ms"
  echo "search --like team07/prompt00007 --offline: $(median_ms "$promptctl" search --like team07/prompt00007 --offline) ms"
  echo "dupes --method embeddings --offline ($count² / 2 cosines): $(once_ms "$promptctl" dupes --method embeddings --offline) ms"
fi
