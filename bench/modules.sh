#!/usr/bin/env bash
# Benchmarks registry modules restored as `terraform init` lays them out, against the same tree
# without them (what a run costs before `terraform init`).
#
#   bash bench/modules.sh [ROOTS] [--keep]
#
#   ROOTS   how many root modules (default 200). Each root is fixtures/terraform/module-tree with
#           its three local modules turned into registry modules (`contoso/<name>/azurerm`), and
#           each call installed under the root's .terraform/modules/<key> with a modules.json, one
#           copy of the package per module key and per root, as `terraform init` does. Every root
#           deploys two environments (for_each), so each module directory is evaluated twice.
#
# Prints, for the tree with the modules restored and for the same tree with every .terraform
# removed: files, best-of-5 wall and CPU time, peak RSS and findings, then the ratios. Issue 13's
# target: restored within 3x of not restored, memory included.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/target}"
roots=200
keep=0
for arg in "$@"; do
  case "$arg" in
    --keep) keep=1 ;;
    [1-9]*) roots="$arg" ;;
    *) echo "bench/modules.sh: unknown argument '$arg'" >&2; exit 2 ;;
  esac
done
measure=(python3 "$root/bench/measure.py")
work="$(mktemp -d "${TMPDIR:-/tmp}/foundry-lint-modules.XXXXXX")"
if [ "$keep" = 1 ]; then echo "trees kept in $work"; else trap 'rm -rf "$work"' EXIT; fi

echo "building the release binary..."
cargo build --release --quiet
bin="$CARGO_TARGET_DIR/release/foundry-lint"

# ---- the trees ---------------------------------------------------------------------------------
case_dir="fixtures/terraform/module-tree"
restored="$work/restored"
for i in $(seq 1 "$roots"); do
  dest="$restored/stacks/stack-$(printf %04d "$i")"
  mkdir -p "$dest/.terraform/modules"
  sed -E -e 's#source( *)= "\./modules/([a-z]+)"#source\1= "contoso/\2/azurerm"\n  version = "1.0.0"#' \
    -e "s/([\"'])(rg|vnet|snet|ais|kv|pe)-/\1\2-s$i-/g" "$case_dir/main.tf" > "$dest/main.tf"
  cp "$case_dir/terraform.tfvars" "$dest/"
  entries='{"Key":"","Source":"","Dir":"."}'
  for module in "$case_dir"/modules/*/; do
    name="$(basename "$module")"
    # A package as the registry serves it: the module, its examples and tests (never read).
    package="$dest/.terraform/modules/$name"
    mkdir -p "$package/examples/default" "$package/tests"
    cp "$module"*.tf "$package/"
    cp "$module"*.tf "$package/examples/default/"
    echo '# test' > "$package/tests/unit.tftest.hcl"
    entries="$entries,{\"Key\":\"$name\",\"Source\":\"registry.terraform.io/contoso/$name/azurerm\",\"Version\":\"1.0.0\",\"Dir\":\".terraform/modules/$name\"}"
  done
  echo "{\"Modules\":[$entries]}" > "$dest/.terraform/modules/modules.json"
done
bare="$work/bare"
cp -R "$restored" "$bare"
find "$bare" -name .terraform -type d -prune -exec rm -rf {} +

# ---- measuring ---------------------------------------------------------------------------------
min() { printf '%s\n' "$@" | sort -g | head -1; }
calc() { python3 -c "print($1)"; }
declare -A wall cpu rss files findings
for tree in restored bare; do
  walls=()
  cpus=()
  for _ in 1 2 3 4 5; do
    line="$("${measure[@]}" -- "$bin" "$work/$tree" --format json --output "$work/$tree.json" --fail-on never)"
    walls+=("$(sed -E 's/.*wall_ms=([0-9.]+).*/\1/' <<< "$line")")
    cpus+=("$(sed -E 's/.*cpu_ms=([0-9.]+).*/\1/' <<< "$line")")
  done
  wall[$tree]=$(min "${walls[@]}")
  cpu[$tree]=$(min "${cpus[@]}")
  line="$("${measure[@]}" --rss -- "$bin" "$work/$tree" --format json --output "$work/$tree.json" --fail-on never)"
  rss[$tree]="$(sed -E 's/.*rss_kb=([0-9]+).*/\1/' <<< "$line")"
  read -r files[$tree] findings[$tree] < <(python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))
print(r["summary"]["files"], len(r["findings"]))' "$work/$tree.json")
  echo "$tree: ${files[$tree]} files read, ${findings[$tree]} findings; best of 5: ${wall[$tree]} ms wall," \
    "${cpu[$tree]} ms CPU; peak RSS $(calc "f'{${rss[$tree]} / 1024:.1f}'") MB"
done
echo
echo "restored / not restored ($roots roots): wall $(calc "f'{${wall[restored]} / ${wall[bare]}:.2f}'")x," \
  "CPU $(calc "f'{${cpu[restored]} / ${cpu[bare]}:.2f}'")x, peak RSS $(calc "f'{${rss[restored]} / ${rss[bare]}:.2f}'")x"
