#!/usr/bin/env bash
# Times the release binary on a generated monorepo: N copies of the fixture stacks, each copy
# renamed so that resource names and ids differ between modules.
#   bash bench/run.sh [copies]   (default 100; 100 copies of the 10 stacks = 1,000 modules)
set -euo pipefail
cd "$(dirname "$0")/.."
copies="${1:-100}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
for i in $(seq 1 "$copies"); do
  for stack in fixtures/terraform/*/; do
    name="$(basename "$stack")"
    dest="$work/repo/team$i/$name"
    mkdir -p "$dest"
    for f in "$stack"*.tf "$stack"*.tfvars; do
      [ -e "$f" ] || continue
      sed "s/\"\(rg\|vnet\|snet\|ais\|kv\|pe\)-/\"\1-t$i-/g" "$f" > "$dest/$(basename "$f")"
    done
  done
done
cargo build --release --quiet
files=$(find "$work/repo" -type f | wc -l)
modules=$(find "$work/repo" -mindepth 2 -maxdepth 2 -type d | wc -l)
best=""
for run in 1 2 3 4 5; do
  start=$(date +%s%N)
  ./target/release/foundry-lint "$work/repo" --format json --output "$work/out.json" --fail-on never
  ms=$(( ($(date +%s%N) - start) / 1000000 ))
  if [ -z "$best" ] || [ "$ms" -lt "$best" ]; then best=$ms; fi
done
rss=$(/usr/bin/time -f %M ./target/release/foundry-lint "$work/repo" --format json --output "$work/out.json" --fail-on never 2>&1 >/dev/null | tail -1)
echo "modules=$modules files=$files best_wall_ms=$best peak_rss_kb=$rss files_per_s=$(( files * 1000 / (best > 0 ? best : 1) ))"
