#!/usr/bin/env bash
# The FL002 census: what foundry-lint could not check on real repositories, by cause.
#
#   bash bench/fl002-census.sh [--binary PATH] DIR...
#
#   DIR        repositories (or stacks) to lint, each on its own
#   --binary   the foundry-lint to run (default target/debug/foundry-lint)
#
# Prints the FL002 notes per directory, then every note's cause (the message after the resource
# or value it is about, with names and values in backticks replaced by X) with its count, most
# frequent first. Compare two builds by running it with each --binary.
set -euo pipefail
binary=target/debug/foundry-lint
dirs=()
while [ $# -gt 0 ]; do
  case "$1" in
    --binary) binary="$2"; shift 2 ;;
    *) dirs+=("$1"); shift ;;
  esac
done
if [ ${#dirs[@]} -eq 0 ]; then
  echo "usage: bash bench/fl002-census.sh [--binary PATH] DIR..." >&2
  exit 2
fi
notes=$(mktemp)
trap 'rm -f "$notes"' EXIT
total=0
for dir in "${dirs[@]}"; do
  "$binary" "$dir" --select FL002 --format concise --fail-on never 2>/dev/null \
    | grep ' FL002 ' > "$notes.one" || true
  count=$(wc -l < "$notes.one")
  total=$((total + count))
  printf '%6d  %s\n' "$count" "$dir"
  cat "$notes.one" >> "$notes"
done
rm -f "$notes.one"
printf '%6d  total\n\nBy cause:\n' "$total"
sed -E 's/^.* FL002 note unresolved-value: //; s/^.*(was not checked: its instances cannot be counted|cannot check[^:]*): //' "$notes" \
  | sed -E 's/`[^`]*`/X/g' | sort | uniq -c | sort -rn
