#!/usr/bin/env bash
# A client of `promptctl serve` with curl: render a deployed prompt from a shell script.
#   client.sh URL NAME '{"variable": "value", ...}'
# The token, when the server wants one, comes from PROMPTCTL_TOKEN. Exits non-zero with the
# server's error document on standard error when the render fails.
set -euo pipefail
url=${1:?URL}
name=${2:?prompt name}
variables=${3:-'{}'}
auth=()
[ -n "${PROMPTCTL_TOKEN:-}" ] && auth=(-H "Authorization: Bearer $PROMPTCTL_TOKEN")
answer=$(mktemp)
trap 'rm -f "$answer"' EXIT
status=$(curl -sS -o "$answer" -w '%{http_code}' "${auth[@]}" \
  -H 'Content-Type: application/json' --data-binary "{\"variables\": $variables}" \
  "$url/v1/prompts/$name/render")
if [ "$status" != 200 ]; then
  echo "render failed with status $status:" >&2
  cat "$answer" >&2
  exit 1
fi
cat "$answer"
