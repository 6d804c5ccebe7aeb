#!/usr/bin/env bash
# A shared ledger: two clones of one repository record their runs into one PostgreSQL database,
# and each sees the other's; a CI job's runs, kept in its own file ledger, are imported into it.
# Starts a private PostgreSQL server (Debian's postgresql; as root, run as the `postgres` user)
# listening on a Unix socket in a scratch folder, which is removed at the end. Offline.
#   PROMPTCTL   the binary to run (default: promptctl on PATH)
#   KEEP=1      keep the scratch folder and print where it is
set -euo pipefail

promptctl=${PROMPTCTL:-promptctl}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
if [ -z "$bin" ]; then
  echo "shared_ledger.sh: needs a PostgreSQL server (Debian package postgresql)" >&2
  exit 1
fi
scratch=$(mktemp -d "${TMPDIR:-/tmp}/promptctl-ledger.XXXXXX")
pg=$scratch/pg
mkdir "$pg"
as_server=()
if [ "$(id -u)" -eq 0 ]; then
  chmod o+x "$scratch"
  chown postgres: "$pg"
  as_server=(runuser -u postgres --)
fi
server() { (cd "$pg" && "${as_server[@]}" "$@"); }
started=
cleanup() {
  [ -n "$started" ] && server "$bin/pg_ctl" -D "$pg/data" -m fast stop >/dev/null || true
  [ "${KEEP:-}" = 1 ] && echo "kept $scratch" || rm -rf "$scratch"
}
trap cleanup EXIT

step() { printf '\n\033[1m$ %s\033[0m\n' "$*" | { [ -t 1 ] && cat || sed 's/\x1b\[[0-9;]*m//g'; }; "$@"; }

export GIT_AUTHOR_NAME=Alice GIT_AUTHOR_EMAIL=alice@example.com
export GIT_COMMITTER_NAME=Alice GIT_COMMITTER_EMAIL=alice@example.com

server "$bin/initdb" -D "$pg/data" -A trust -U team -E UTF8 --no-locale >/dev/null
server "$bin/pg_ctl" -D "$pg/data" -l "$pg/log" -w -o "-k $pg -c listen_addresses=''" start >/dev/null
started=1
"$bin/createdb" -h "$pg" -U team prompts

"$promptctl" init "$scratch/repo" >/dev/null
cp "$here/starter/promptctl.yaml" "$scratch/repo/"
cp -R "$here/starter/prompts/." "$scratch/repo/prompts/"
cp -R "$here/starter/images" "$scratch/repo/"
cd "$scratch/repo"
"$promptctl" commit -m "Starter prompts" >/dev/null
git clone -q "$scratch/repo" "$scratch/laptop"

# The team's database, on this machine here. A URL in promptctl.yaml is committed, so it never
# holds a password (libpq reads PGPASSWORD or ~/.pgpass); one that names another machine is
# used only when the user trusts it. PROMPTCTL_LEDGER_URL, set by the user, takes precedence.
export PROMPTCTL_LEDGER_URL="postgresql:///prompts?host=$pg&user=team"
step "$promptctl" ledger status

# A run from each clone, at once (the offline echo provider answers).
PROMPTCTL_ENV=server "$promptctl" run support/reply --var-file "$here/vars/reply.yaml" \
  --provider echo >/dev/null &
(cd "$scratch/laptop" && PROMPTCTL_ENV=laptop "$promptctl" run support/reply \
  --var-file "$here/vars/reply.yaml" --var order_id=KT-77120 --provider echo >/dev/null)
wait
step "$promptctl" stats --by env
(cd "$scratch/laptop" && step "$promptctl" runs -n 5)

# A CI job kept its runs in its own file ledger and exported them; the team's ledger takes them
# once, however often the import runs.
(unset PROMPTCTL_LEDGER_URL
 PROMPTCTL_ENV=ci "$promptctl" run support/reply --var-file "$here/vars/reply.yaml" \
   --provider echo >/dev/null
 "$promptctl" runs export > "$scratch/ci-runs.jsonl")
step "$promptctl" runs import "$scratch/ci-runs.jsonl"
step "$promptctl" runs import "$scratch/ci-runs.jsonl"
step "$promptctl" ledger status
