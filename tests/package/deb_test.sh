#!/usr/bin/env bash
# Builds the Debian package from a finished build, installs it with dpkg, uses it as a user
# would (the binary, the man page, bash completion), removes it and checks that nothing it
# installed is left behind. Needs root; exits 77 (skipped) without it, or when a promptctl
# package is already installed, which this test must not replace.
#   tests/package/deb_test.sh BUILD_DIR
set -euo pipefail
build_dir=$1

if [ "$(id -u)" -ne 0 ]; then
  echo "skipped: installing a package needs root"
  exit 77
fi
if dpkg-query -W -f='${Status}' promptctl 2>/dev/null | grep -q 'install ok installed'; then
  echo "skipped: a promptctl package is installed already"
  exit 77
fi

scratch=$(mktemp -d)
installed=0
cleanup() {
  if [ "$installed" -eq 1 ]; then dpkg -r promptctl >/dev/null 2>&1 || true; fi
  rm -rf "$scratch"
}
trap cleanup EXIT
fail() { echo "FAILED: $*" >&2; exit 1; }

(cd "$build_dir" && cpack -G DEB -B "$scratch" >"$scratch/cpack.log" 2>&1) ||
  { cat "$scratch/cpack.log" >&2; fail "cpack -G DEB"; }
deb=$(ls "$scratch"/promptctl_*.deb)
echo "package: $(basename "$deb"), $(du -k "$deb" | cut -f1) KiB"

depends=$(dpkg-deb -f "$deb" Depends)
echo "Depends: $depends"
for needed in libgit2- libcurl4 libmicrohttpd12 libc6 libsqlite3; do
  [[ $depends == *"$needed"* ]] || fail "Depends lacks $needed"
done
dpkg-deb -c "$deb" | awk '{print $6}' | sed 's|^\./|/|' | grep -v '/$' >"$scratch/files"
for expected in /usr/bin/promptctl /usr/share/man/man1/promptctl.1.gz \
  /usr/share/bash-completion/completions/promptctl /usr/share/zsh/vendor-completions/_promptctl \
  /usr/share/fish/vendor_completions.d/promptctl.fish; do
  grep -qx "$expected" "$scratch/files" || fail "the package lacks $expected"
done

dpkg -i "$deb" >/dev/null
installed=1
if readelf -S /usr/bin/promptctl | grep -q '\.debug_info'; then
  fail "/usr/bin/promptctl is not stripped"
fi
echo "installed binary: $(du -k /usr/bin/promptctl | cut -f1) KiB"
/usr/bin/promptctl --version | grep -q '^promptctl [0-9]' || fail "promptctl --version"
[ "$(man -w promptctl)" = /usr/share/man/man1/promptctl.1.gz ] || fail "man -w promptctl"
[ "$(man -w promptctl-run)" = /usr/share/man/man1/promptctl-run.1.gz ] || fail "man -w promptctl-run"
[ "$(man -w 7 promptctl-json)" = /usr/share/man/man7/promptctl-json.7.gz ] || fail "man -w 7 promptctl-json"
completed=$(cd "$scratch" && bash -c '
  source /usr/share/bash-completion/completions/promptctl
  COMP_WORDS=(promptctl vers); COMP_CWORD=1; _promptctl; printf "%s\n" "${COMPREPLY[@]}"')
[ "$completed" = version ] || fail "bash completion of 'promptctl vers' gave '$completed'"

dpkg -r promptctl >/dev/null
installed=0
while read -r file; do
  [ ! -e "$file" ] || fail "$file is left after dpkg -r"
done <"$scratch/files"
echo "installed, used and removed cleanly"
