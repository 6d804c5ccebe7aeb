#!/usr/bin/env bash
# Set up, build and exercise promptctl on Debian 12.
#   scripts/dev.sh demo    install packages, build, run the example walk-through
#   scripts/dev.sh test    install packages, build, run the whole test suite
#   scripts/dev.sh build   install packages and build only
#   scripts/dev.sh sanitize  build with clang, AddressSanitizer and UndefinedBehaviorSanitizer,
#                          run the whole test suite under them, then each fuzz target for about
#                          a minute (a fixed number of inputs; FUZZ_SECONDS caps each target)
# BUILD_DIR (default: build) and JOBS (default: number of cores) may be set.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build_dir=${BUILD_DIR:-$here/build}
sanitize_dir=${SANITIZE_BUILD_DIR:-$here/build-sanitize}
fuzz_seconds=${FUZZ_SECONDS:-180}
jobs=${JOBS:-$(nproc)}

packages=(build-essential cmake pkg-config git ca-certificates
  libcli11-dev libgit2-dev libyaml-cpp-dev libcurl4-openssl-dev libsqlite3-dev libmicrohttpd-dev libpq-dev
  nlohmann-json3-dev librapidcheck-dev libgtest-dev libgmock-dev
  libbenchmark-dev libkainjow-mustache-dev libxml2-utils clang-format
  mandoc dpkg-dev man-db libssl-dev openssl openssh-client zsh fish python3-jsonschema
  protobuf-compiler python3-protobuf postgresql)
sanitize_packages=(clang libclang-rt-14-dev)

install_packages() {
  local missing=()
  for p in "${packages[@]}" "$@"; do
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

# promtool (for the test that checks `stats --format prometheus`) from Debian's prometheus
# package, unpacked into the build folder: installing the package would also install and start
# a Prometheus server.
fetch_promtool() {
  local dest="$1/tools"
  [ -x "$dest/usr/bin/promtool" ] && return 0
  local scratch; scratch=$(mktemp -d)
  chmod 755 "$scratch"  # apt downloads as its own user where it can
  if ! (cd "$scratch" && apt-get download prometheus >/dev/null 2>&1); then
    [ "$(id -u)" -eq 0 ] && apt-get update -qq
    (cd "$scratch" && apt-get download prometheus >/dev/null)
  fi
  mkdir -p "$dest"
  dpkg-deb -x "$scratch"/prometheus_*.deb "$scratch/unpacked"
  mkdir -p "$dest/usr/bin" && cp "$scratch/unpacked/usr/bin/promtool" "$dest/usr/bin/"
  rm -rf "$scratch"
}

# tap-parser (node-tap's TAP parser), for the test that reads `test --format tap` as CI tools
# do: a pinned version from npm, into the build folder. Node.js comes from Debian when the
# machine has none.
tap_parser_version=17.0.0
fetch_tap_parser() {
  local dest="$1/tools/tap-parser"
  [ -x "$dest/node_modules/.bin/tap-parser" ] && return 0
  command -v npm >/dev/null || install_packages nodejs npm
  mkdir -p "$dest"
  npm install --prefix "$dest" --no-audit --no-fund --no-save --no-package-lock \
    --loglevel=error "tap-parser@$tap_parser_version" >/dev/null
}

build() {
  cmake -S "$here" -B "$build_dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPROMPTCTL_WERROR=ON \
    -DPROMPTCTL_BUILD_BENCH=ON >/dev/null
  cmake --build "$build_dir" -j "$jobs"
}

sanitize_build() {
  # -O1 with line tables only: stack traces name every frame, and the build takes half the time
  # of an optimised one with full debug information. Debug turns on libstdc++'s assertions.
  cmake -S "$here" -B "$sanitize_dir" -DCMAKE_BUILD_TYPE=Debug \
    -DCMAKE_CXX_FLAGS_DEBUG="-O1 -gline-tables-only" -DCMAKE_CXX_COMPILER=clang++ \
    -DPROMPTCTL_WERROR=ON -DPROMPTCTL_SANITIZE=ON -DPROMPTCTL_BUILD_FUZZ=ON >/dev/null
  cmake --build "$sanitize_dir" -j "$jobs"
  fetch_promtool "$sanitize_dir"
  fetch_tap_parser "$sanitize_dir"
}

# Every fuzz target, seeded from its corpus (copied: libFuzzer adds what it finds to the first
# folder), for a fixed number of inputs from a fixed seed, about a minute each here: the same
# build explores the same inputs, so a verdict can be reproduced. $fuzz_seconds caps each
# target on a slower machine. Any crash, leak, timeout or sanitizer report fails.
fuzz_smoke() {
  local scratch; scratch=$(mktemp -d)
  local failed=0
  for target in template:400000 prompt:80000 data:150000 settings:80000 wire:150000 regex:300000 \
      json:300000; do
    local name=${target%%:*} runs=${target##*:}
    mkdir -p "$scratch/$name"
    cp "$here/fuzz/corpus/$name/"* "$scratch/$name/"
    echo "fuzz: ${name}_fuzzer, $runs inputs"
    if ! (cd "$scratch" && "$sanitize_dir/fuzz/${name}_fuzzer" "$scratch/$name" -seed=1 \
        -runs="$runs" -max_total_time="$fuzz_seconds" -max_len=16384 -timeout=10 \
        -rss_limit_mb=2048 -print_final_stats=1 >"$scratch/$name.log" 2>&1); then
      failed=1
      tail -n 60 "$scratch/$name.log" >&2
      echo "fuzz: ${name}_fuzzer found a problem (the input is kept in $scratch)" >&2
    else
      grep -E '^stat::number_of_executed_units' "$scratch/$name.log" || true
    fi
  done
  [ "$failed" -eq 0 ] && rm -rf "$scratch"
  return "$failed"
}

sanitize() {
  install_packages "${sanitize_packages[@]}"
  sanitize_build
  export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:strict_string_checks=1
  export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
  export LSAN_OPTIONS=suppressions=$here/tests/sanitizers/lsan.supp:print_suppressions=0
  (cd "$sanitize_dir" && ctest --output-on-failure -j "$jobs")
  fuzz_smoke
}

case "${1:-}" in
  build) install_packages; build ;;
  demo)
    install_packages; build
    PROMPTCTL="$build_dir/promptctl" PROMPTCTL_TEST_SERVER="$build_dir/promptctl-test-server" \
      "$here/examples/demo.sh"
    ;;
  test)
    install_packages; build; fetch_promtool "$build_dir"; fetch_tap_parser "$build_dir"
    cd "$build_dir" && ctest --output-on-failure -j "$jobs"
    ;;
  sanitize) sanitize ;;
  *) echo "usage: scripts/dev.sh build|demo|test|sanitize" >&2; exit 2 ;;
esac
