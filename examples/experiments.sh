#!/usr/bin/env bash
# A walk through comparing prompt versions and running an online experiment: two releases of
# support/reply compared over the same cases, then an experiment between them with sticky
# assignment by user, simulated user feedback, the report with its statistics, and the winner
# promoted. Offline: the echo provider answers. Runs in a scratch folder removed at the end.
#   PROMPTCTL   the binary to run (default: promptctl on PATH)
#   KEEP=1      keep the scratch folder and print where it is
set -euo pipefail

promptctl=${PROMPTCTL:-promptctl}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
scratch=$(mktemp -d "${TMPDIR:-/tmp}/promptctl-experiments.XXXXXX")
[ "${KEEP:-}" = 1 ] || trap 'rm -rf "$scratch"' EXIT

step() { printf '\n\033[1m$ %s\033[0m\n' "$*" | { [ -t 1 ] && cat || sed 's/\x1b\[[0-9;]*m//g'; }; "$@"; }
# The value of "key": in promptctl's JSON output (one key per line).
field() { sed -n "s/^  \"$1\": \"\{0,1\}\([^\",]*\)\"\{0,1\},\{0,1\}$/\1/p" | head -1; }

export GIT_AUTHOR_NAME=Alice GIT_AUTHOR_EMAIL=alice@example.com
export GIT_COMMITTER_NAME=Alice GIT_COMMITTER_EMAIL=alice@example.com

"$promptctl" init "$scratch/repo" >/dev/null
cp "$here/starter/promptctl.yaml" "$scratch/repo/"
cp -R "$here/starter/prompts/." "$scratch/repo/prompts/"
cp -R "$here/starter/images" "$scratch/repo/"
cd "$scratch/repo"
"$promptctl" commit -m "Starter prompts" >/dev/null
"$promptctl" release support/reply --bump minor >/dev/null          # support/reply@1.0.0
sed -i 's/Answer in a {{tone}} tone./Answer in a {{tone}} tone, in two sentences./' \
  prompts/support/reply.yaml
"$promptctl" commit -m "Shorter replies" support/reply >/dev/null
"$promptctl" release support/reply --bump minor >/dev/null          # support/reply@1.1.0

# Offline comparison: both releases over the prompt's two test cases, paired case by case;
# two pairs are too few for any difference to be significant, and the report says so.
step "$promptctl" compare support/reply@1.0.0 support/reply@1.1.0 --model echo/echo
# Over 12 tickets, the longer instruction costs tokens on every one: significant, so
# --fail-if-worse fails as a CI gate would.
for i in $(seq 1 12); do printf '{"inquiry": "Ticket %s: where is my parcel?"}\n' "$i"; done > ../tickets.jsonl
step "$promptctl" compare support/reply@1.0.0 support/reply@1.1.0 --model echo/echo \
  --input ../tickets.jsonl --metric tokens --fail-if-worse --html ../compare.html \
  || echo "(compare exited $?: B uses significantly more tokens)"

cat >> promptctl.yaml <<'YAML'
environments:
  production: {auto_approve: true}
experiments:
  tone:
    prompt: support/reply
    variants:
      - {name: control, version: 1.0.0, weight: 50}
      - {name: short, version: 1.1.0, weight: 50}
    metrics: [feedback, success_rate, latency_ms]
YAML
"$promptctl" commit -m "Experiment: shorter replies" >/dev/null
step "$promptctl" experiment list
step "$promptctl" experiment start tone

# 200 users, each served the variant their id is assigned; a simulated user scores the answer
# (1 or 0), more often 1 for the short variant.
for i in $(seq 1 200); do
  out=$("$promptctl" run support/reply --experiment tone --key "user-$i" --provider echo \
        --var inquiry="Where is order $i?" --json)
  id=$(printf '%s\n' "$out" | field run_id)
  variant=$(printf '%s\n' "$out" | field variant)
  chance=$([ "$variant" = short ] && echo 65 || echo 45)
  score=$(( (i * 7919 + 13) % 100 < chance ? 1 : 0 ))
  "$promptctl" feedback "$id" --score "$score" >/dev/null
done
step "$promptctl" run support/reply --experiment tone --key user-7 --provider echo \
  --var inquiry="Where is my order?" --json
step "$promptctl" experiment status tone
step "$promptctl" experiment report tone --html ../tone.html
step "$promptctl" experiment stop tone
step "$promptctl" experiment promote tone short --env production
step "$promptctl" render support/reply@production --var inquiry="Hi" --role system

[ "${KEEP:-}" = 1 ] && echo "kept $scratch"
echo
echo "experiments walk-through finished"
