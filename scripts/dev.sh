#!/usr/bin/env bash
# Set up, build and exercise promptctl on Debian 12.
#   scripts/dev.sh demo    install packages, build, run the example walk-through
#   scripts/dev.sh test    install packages, build, run the whole test suite
#   scripts/dev.sh build   install packages and build only
# BUILD_DIR (default: build) and JOBS (default: number of cores) may be set.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build_dir=${BUILD_DIR:-$here/build}
jobs=${JOBS:-$(nproc)}

packages=(build-essential cmake pkg-config git ca-certificates
  libcli11-dev libgit2-dev libyaml-cpp-dev libcurl4-openssl-dev libsqlite3-dev
  nlohmann-json3-dev librapidcheck-dev libgtest-dev libgmock-dev
  libbenchmark-dev libkainjow-mustache-dev libxml2-utils clang-format)

install_packages() {
  local missing=()
  for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -ne 0 ]; then
    echo "dev.sh: missing Debian packages: ${missing[*]} (run as root to install them)" >&2
    exit 2
  fi
  echo "dev.sh: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

build() {
  cmake -S "$here" -B "$build_dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPROMPTCTL_WERROR=ON \
    -DPROMPTCTL_BUILD_BENCH=ON >/dev/null
  cmake --build "$build_dir" -j "$jobs"
}

case "${1:-}" in
  build) install_packages; build ;;
  demo)
    install_packages; build
    PROMPTCTL="$build_dir/promptctl" PROMPTCTL_TEST_SERVER="$build_dir/promptctl-test-server" \
      "$here/examples/demo.sh"
    ;;
  test)
    install_packages; build
    cd "$build_dir" && ctest --output-on-failure -j "$jobs"
    ;;
  *) echo "usage: scripts/dev.sh build|demo|test" >&2; exit 2 ;;
esac
