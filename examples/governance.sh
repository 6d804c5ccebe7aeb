#!/usr/bin/env bash
# A walk through governance: environments and their policy, approvals by two people, deploys
# as commits, NAME@ENV, an automatic rollback by the guard, an emergency rollback, the checks
# a server-side CI job runs, the bundle applications load, and the audit trail. Offline: runs
# go to the echo provider. Runs in a scratch folder that is removed at the end.
#   PROMPTCTL   the binary to run (default: promptctl on PATH)
#   KEEP=1      keep the scratch folder and print where it is
set -euo pipefail

promptctl=${PROMPTCTL:-promptctl}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
scratch=$(mktemp -d "${TMPDIR:-/tmp}/promptctl-governance.XXXXXX")
[ "${KEEP:-}" = 1 ] || trap 'rm -rf "$scratch"' EXIT

step() { printf '\n\033[1m$ %s\033[0m\n' "$*" | { [ -t 1 ] && cat || sed 's/\x1b\[[0-9;]*m//g'; }; "$@"; }
# Runs as another person: approvals are recorded under the git identity.
as() { GIT_AUTHOR_NAME=$1 GIT_AUTHOR_EMAIL=$2 "${@:3}"; }

export GIT_AUTHOR_NAME=Alice GIT_AUTHOR_EMAIL=alice@example.com
export GIT_COMMITTER_NAME=Alice GIT_COMMITTER_EMAIL=alice@example.com

"$promptctl" init "$scratch/repo" >/dev/null
cp "$here/starter/promptctl.yaml" "$scratch/repo/"
cp -R "$here/starter/prompts/." "$scratch/repo/prompts/"
cp -R "$here/starter/images" "$scratch/repo/"
cd "$scratch/repo"
cat >> promptctl.yaml <<'YAML'
environments:
  dev: {auto_approve: true}
  staging: {requires: [technical]}
  production:
    requires: [technical, qa]
    approvers: {qa: [quinn@example.com]}
    guard: {window: 1h, min_runs: 3, min_success: 0.95}
providers:
  # A server that is down: nothing listens on this loopback port.
  outage: {type: openai-compatible, base_url: "http://127.0.0.1:9/v1", max_retries: 0}
YAML
"$promptctl" commit -m "Starter prompts and environments" >/dev/null
step "$promptctl" env list

# Dev approves automatically; production wants two stages, and says exactly which are missing.
step "$promptctl" deploy support/reply --env dev
step "$promptctl" deploy support/reply --env production || echo "(deploy exited $?)"
step "$promptctl" approve support/reply --stage technical -m "tone and length reviewed"
step "$promptctl" approve support/reply --stage qa || echo "(approve exited $?: qa is Quinn's)"
step "$promptctl" pending support/reply --approver quinn@example.com
step as Quinn quinn@example.com "$promptctl" approve support/reply --stage qa -m "checked 20 tickets"
step "$promptctl" approvals support/reply
step "$promptctl" deploy support/reply --env production -m "First production version"
step git log --oneline -2 -- deployments.yaml

# A new version, approved and deployed; NAME@ENV reads what each environment runs.
sed -i 's/Answer in a {{tone}} tone./Answer in a {{tone}} tone, in three sentences at most./' \
  prompts/support/reply.yaml
"$promptctl" commit -m "Shorter replies" support/reply >/dev/null
step "$promptctl" diff support/reply@production support/reply --stat
"$promptctl" approve support/reply --stage technical >/dev/null
as Quinn quinn@example.com "$promptctl" approve support/reply --stage qa >/dev/null
step "$promptctl" deploy support/reply --env production
step "$promptctl" render support/reply@production --var inquiry="Where is my kettle?" --role system

# Production runs are recorded as production's. This version's runs fail (the provider is
# down), so the guard rolls production back to the previous version.
for i in 1 2 3; do
  "$promptctl" run support/reply@production --var inquiry="Where is my kettle?" \
    --provider outage >/dev/null 2>&1 || true
done
step "$promptctl" runs support/reply -n 3
step "$promptctl" guard --env production --dry-run || echo "(guard exited $?)"
step "$promptctl" guard --env production || echo "(guard exited $?)"
step "$promptctl" deploys support/reply

# An emergency fix that nobody has approved yet needs --emergency and a reason; it is
# recorded, and check flags it until the version is approved and deployed normally.
sed -i 's/three sentences at most/two sentences at most/' prompts/support/reply.yaml
"$promptctl" commit -m "Hotfix: even shorter replies" support/reply >/dev/null
step "$promptctl" rollback support/reply --env production --to HEAD || echo "(rollback exited $?)"
step "$promptctl" rollback support/reply --env production --to HEAD --emergency \
  --reason "incident 42: replies too long for the SMS channel"
step "$promptctl" check || echo "(check exited $?)"
step "$promptctl" check --strict || echo "(check --strict exited $?)"

# What applications load, and who did what.
"$promptctl" export --env production -o ../bundle.json
step "$promptctl" export --env production --json
step "$promptctl" audit support/reply

[ "${KEEP:-}" = 1 ] && echo "kept $scratch"
echo
echo "governance walk-through finished"
