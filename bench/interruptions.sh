#!/usr/bin/env bash
# The interruption harness at length: commit, deploy, approve and run, each killed (SIGKILL) or
# interrupted (SIGINT) at TRIALS random moments (default 200 per command), every trial checked
# with git fsck --strict, the index against HEAD and the work tree, SQLite's integrity check and
# a next command that must work without repair. The test suite runs the same harness with 10.
#   bench/interruptions.sh [BUILD_DIR] [TRIALS]
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=$(realpath "${1:-$here/build}")
trials=${2:-200}
start=$(date +%s)
PROMPTCTL_INTERRUPTION_TRIALS=$trials "$build/tests/e2e_tests" \
  --gtest_filter='InterruptionTest.*' --gtest_brief=1
echo "interruptions: $((trials * 4)) trials ($trials per command), no failure, $(($(date +%s) - start)) s"
