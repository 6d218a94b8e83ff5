#!/usr/bin/env bash
# The install steps of action.yml, kept in a file so they can be tested outside GitHub. Inputs
# arrive only as environment variables (INPUT_INSTALL, INPUT_VERSION).
#
#   action-install.sh plan     which binary the job needs: writes `install` (release or source),
#                              `version`, `dir` (where the binary lives) and `key` (the cache key
#                              for that directory) to GITHUB_OUTPUT.
#   action-install.sh install  puts foundry-lint on PATH: a release binary already in `dir` (the
#                              cache restored it) is used as it is; otherwise the release archive
#                              for the runner's OS and architecture is downloaded, its SHA-256
#                              checked against the release's .sha256 file, and unpacked into `dir`.
#                              `install: source` builds the action's own checkout with cargo.
#
# The release is the one named by the `version` input, or else the version in the action's own
# Cargo.toml: the release workflow refuses a tag that differs from it, so `uses: ...@v0.2.0`
# downloads v0.2.0. Archives come from FOUNDRY_LINT_DOWNLOAD_URL (the tests serve a fake release
# there) or else from the releases of the repository the action was checked out from.
set -euo pipefail

action_path="${GITHUB_ACTION_PATH:-$(cd "$(dirname "$0")/.." && pwd)}"
install="${INPUT_INSTALL:-release}"
version="${INPUT_VERSION:-}"
version="${version#v}"

# shellcheck source=scripts/inputs.sh
source "$(dirname "$0")/inputs.sh"

fail() {
  echo "::error title=foundry-lint::$(escape "$1")"
  exit 2
}

case "$install" in
  release | source) ;;
  *) fail "install is '$install'; expected release or source" ;;
esac
if [ -z "$version" ]; then
  version="$(sed -n 's/^version *= *"\([^"]*\)".*/\1/p' "$action_path/Cargo.toml" | head -n1)"
fi
# The version becomes part of a URL, a path and a cache key.
[[ "$version" =~ ^[0-9]+\.[0-9]+\.[0-9]+([-+][0-9A-Za-z.-]+)?$ ]] ||
  fail "version is '$version'; expected a release such as 0.1.0"

case "${RUNNER_OS:-$(uname -s)}" in
  Linux) os=unknown-linux-musl ;;
  macOS | Darwin) os=apple-darwin ;;
  Windows | MINGW* | MSYS* | CYGWIN*) os=pc-windows-msvc ;;
  *) fail "no foundry-lint release for the runner's OS '${RUNNER_OS:-}'; use install: source" ;;
esac
case "${RUNNER_ARCH:-$(uname -m)}" in
  X64 | x86_64 | amd64) arch=x86_64 ;;
  ARM64 | arm64 | aarch64) arch=aarch64 ;;
  *) fail "no foundry-lint release for the runner's architecture '${RUNNER_ARCH:-}'; use install: source" ;;
esac
target="$arch-$os"
if [ "$target" = aarch64-pc-windows-msvc ]; then
  fail "no foundry-lint release for Windows on ARM64; use install: source"
fi
exe=""
archive="foundry-lint-v$version-$target.tar.gz"
if [ "$os" = pc-windows-msvc ]; then
  exe=".exe"
  archive="foundry-lint-v$version-$target.zip"
fi
dir="${RUNNER_TOOL_CACHE:-$HOME/.cache}/foundry-lint/$version/$target"

case "${1:-}" in
  plan)
    if [ -n "${GITHUB_OUTPUT:-}" ]; then
      {
        echo "install=$install"
        echo "version=$version"
        echo "dir=$dir"
        echo "key=foundry-lint-$install-$version-$target"
      } >>"$GITHUB_OUTPUT"
    fi
    exit 0
    ;;
  install) ;;
  *)
    echo "usage: $0 plan|install" >&2
    exit 2
    ;;
esac

add_to_path() {
  if [ -n "${GITHUB_PATH:-}" ]; then
    echo "$1" >>"$GITHUB_PATH"
  fi
}

if [ "$install" = source ]; then
  # Built outside the workspace so the lint run does not walk the build's files.
  root="$HOME/.cache/foundry-lint/source"
  cargo install --path "$action_path" --locked --root "$root" --target-dir "$root/target"
  add_to_path "$root/bin"
  exit 0
fi

if [ -x "$dir/foundry-lint$exe" ]; then
  echo "foundry-lint: v$version for $target from the cache"
  add_to_path "$dir"
  exit 0
fi

if [ -n "${FOUNDRY_LINT_DOWNLOAD_URL:-}" ]; then
  base="$FOUNDRY_LINT_DOWNLOAD_URL/v$version"
else
  repository="${ACTION_REPOSITORY:-}"
  if [ -z "$repository" ]; then
    # github.action_repository is not promised inside composite actions; the checkout of a
    # `uses: owner/repo@ref` action is .../_actions/owner/repo/ref.
    repository="$(basename "$(dirname "$(dirname "$action_path")")")/$(basename "$(dirname "$action_path")")"
  fi
  base="https://github.com/$repository/releases/download/v$version"
fi

download="$(mktemp -d)"
trap 'rm -rf "$download"' EXIT
echo "foundry-lint: downloading $base/$archive"
fetch() {
  curl --fail --silent --show-error --location --retry 3 --output "$download/$1" "$base/$1"
}
fetch "$archive" ||
  fail "could not download $base/$archive: is v$version released? For an unreleased ref use install: source"
fetch "$archive.sha256" || fail "could not download $base/$archive.sha256"

expected="$(cut -d' ' -f1 <"$download/$archive.sha256" | tr -d '\r\n' | tr 'A-F' 'a-f')"
if command -v sha256sum >/dev/null 2>&1; then
  actual="$(sha256sum "$download/$archive" | cut -d' ' -f1)"
else
  actual="$(shasum -a 256 "$download/$archive" | cut -d' ' -f1)"
fi
actual="${actual#\\}"
if [ "$actual" != "$expected" ]; then
  fail "$archive has SHA-256 $actual but the release says $expected: refusing to run it"
fi

case "$archive" in
  # Git Bash on a Windows runner may lack unzip; 7-Zip is installed there.
  *.zip) if command -v unzip >/dev/null 2>&1; then
    unzip -q "$download/$archive" -d "$download/unpacked"
  else
    7z x -bso0 -o"$download/unpacked" "$download/$archive"
  fi ;;
  *) mkdir "$download/unpacked" && tar -xzf "$download/$archive" -C "$download/unpacked" ;;
esac
binary="$download/unpacked/foundry-lint-v$version-$target/foundry-lint$exe"
[ -f "$binary" ] || fail "$archive holds no foundry-lint-v$version-$target/foundry-lint$exe"
mkdir -p "$dir"
# Moved in last, so a cancelled job never leaves a partial binary for the cache to keep.
cp "$binary" "$dir/.foundry-lint$exe.partial"
chmod +x "$dir/.foundry-lint$exe.partial"
mv "$dir/.foundry-lint$exe.partial" "$dir/foundry-lint$exe"
echo "foundry-lint: v$version for $target installed in $dir"
add_to_path "$dir"
