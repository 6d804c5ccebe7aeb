#!/usr/bin/env bash
# A walk through versioning with promptctl: history, a branch, a prompt-aware diff, a merge
# with a conflict, releases, and a shared remote. Runs in a scratch folder that is removed at
# the end; needs no network (the "remote" is a bare repository in the scratch folder).
#   PROMPTCTL   the binary to run (default: promptctl on PATH)
#   KEEP=1      keep the scratch folder and print where it is
set -euo pipefail

promptctl=${PROMPTCTL:-promptctl}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
scratch=$(mktemp -d "${TMPDIR:-/tmp}/promptctl-versioning.XXXXXX")
[ "${KEEP:-}" = 1 ] || trap 'rm -rf "$scratch"' EXIT

step() { printf '\n\033[1m$ %s\033[0m\n' "$*" | { [ -t 1 ] && cat || sed 's/\x1b\[[0-9;]*m//g'; }; "$@"; }
export GIT_AUTHOR_NAME=${GIT_AUTHOR_NAME:-Demo} GIT_AUTHOR_EMAIL=${GIT_AUTHOR_EMAIL:-demo@example.com}
export GIT_COMMITTER_NAME=${GIT_COMMITTER_NAME:-Demo} GIT_COMMITTER_EMAIL=${GIT_COMMITTER_EMAIL:-demo@example.com}

"$promptctl" init "$scratch/repo" >/dev/null
cp "$here/starter/promptctl.yaml" "$scratch/repo/"
cp -R "$here/starter/prompts/." "$scratch/repo/prompts/"
cd "$scratch/repo"
"$promptctl" commit -m "Starter prompts" >/dev/null
git branch -M main

# The first release of the reply prompt.
step "$promptctl" release support/reply --bump minor

# A branch that makes replies formal and signed, with a new variable.
step "$promptctl" switch -c formal-replies
sed -i -e 's/default: friendly,/default: formal,/' \
  -e 's/Answer in a {{tone}} tone\./Answer in a {{tone}} tone and sign as {{agent}}./' \
  -e 's/^variables:$/variables:\n  agent: {type: string, default: the support team, description: Who signs}/' \
  prompts/support/reply.yaml
step "$promptctl" diff support/reply
step "$promptctl" commit -m "Formal replies, signed" support/reply
step "$promptctl" log support/reply

# Meanwhile on main, the same line changes differently: the merge stops with a conflict.
step "$promptctl" switch main
sed -i 's/Answer in a {{tone}} tone\./Answer in a {{tone}} tone, in at most 120 words./' \
  prompts/support/reply.yaml
"$promptctl" commit -m "Shorter replies" support/reply >/dev/null
step "$promptctl" diff main formal-replies --stat
step "$promptctl" merge formal-replies || echo "(merge exited $?)"
step "$promptctl" lint support/reply || echo "(lint exited $?)"
# Keep both changes, then finish the merge.
awk -v resolved='    content: "{{> shared/persona}} Answer in a {{tone}} tone, in at most 120 words, and sign as {{agent}}."' '
  /^<<<<<<< / { print resolved; skipping = 1; next }
  /^>>>>>>> / { skipping = 0; next }
  !skipping' prompts/support/reply.yaml > reply.resolved
mv reply.resolved prompts/support/reply.yaml
step "$promptctl" merge --continue
step "$promptctl" log support/reply -n 3

# The merged prompt becomes release 1.1.0; any release renders by its version.
step "$promptctl" release support/reply --bump minor -m "Formal, signed and short"
step "$promptctl" releases support/reply
step "$promptctl" render support/reply@1.0.0 --var inquiry="Where is my order?"
step "$promptctl" diff support/reply@1.0.0 support/reply@1.1.0 --stat

# Share through a remote: push, clone elsewhere, and find the releases there.
git init -q --bare "$scratch/hub.git"
step "$promptctl" remote add origin "$scratch/hub.git"
step "$promptctl" push
step "$promptctl" -C "$scratch" clone "$scratch/hub.git" teammate
step "$promptctl" -C "$scratch/teammate" releases support/reply

# Going back: bring 1.0.0 back as the newest version.
step "$promptctl" restore support/reply@1.0.0
step "$promptctl" status
git checkout -q -- prompts/support/reply.yaml

[ "${KEEP:-}" = 1 ] && echo "kept $scratch"
echo
echo "versioning walk-through finished"
