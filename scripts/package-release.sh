#!/usr/bin/env bash
# Packs one release archive and its checksum, as .github/workflows/release.yml attaches them to a
# GitHub release and as scripts/action-install.sh and `cargo binstall` (Cargo.toml's
# [package.metadata.binstall]) expect them:
#
#   foundry-lint-v<VERSION>-<TARGET>.tar.gz (.zip for Windows targets)
#     foundry-lint-v<VERSION>-<TARGET>/foundry-lint[.exe], README.md, LICENSE-MIT, LICENSE-APACHE
#   foundry-lint-v<VERSION>-<TARGET>.tar.gz.sha256  ("<hex>  <archive name>", as sha256sum prints)
#
# Usage: package-release.sh VERSION TARGET BINARY OUTDIR; prints the archive's path.
set -euo pipefail

if [ "$#" -ne 4 ]; then
  echo "usage: $0 VERSION TARGET BINARY OUTDIR" >&2
  exit 2
fi
version="$1"
target="$2"
binary="$3"
out="$4"
root="$(cd "$(dirname "$0")/.." && pwd)"

name="foundry-lint-v$version-$target"
case "$target" in
  *windows*) exe=".exe" archive="$name.zip" ;;
  *) exe="" archive="$name.tar.gz" ;;
esac

mkdir -p "$out"
out="$(cd "$out" && pwd)"
stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT
mkdir "$stage/$name"
cp "$binary" "$stage/$name/foundry-lint$exe"
chmod +x "$stage/$name/foundry-lint$exe"
cp "$root/README.md" "$root/LICENSE-MIT" "$root/LICENSE-APACHE" "$stage/$name/"

rm -f "$out/$archive"
case "$archive" in
  # 7-Zip on the Windows runner; zip elsewhere.
  *.zip) if command -v 7z >/dev/null 2>&1; then
    (cd "$stage" && 7z a -tzip -bso0 "$out/$archive" "$name")
  else
    (cd "$stage" && zip -qr "$out/$archive" "$name")
  fi ;;
  *) tar -C "$stage" -czf "$out/$archive" "$name" ;;
esac

# macOS has shasum, not sha256sum; both print "<hex>  <file>".
if command -v sha256sum >/dev/null 2>&1; then
  (cd "$out" && sha256sum "$archive" >"$archive.sha256")
else
  (cd "$out" && shasum -a 256 "$archive" >"$archive.sha256")
fi
echo "$out/$archive"
