#!/usr/bin/env bash
# Runs this repository's pre-commit hooks for real: pre-commit builds foundry-lint from the working
# tree (`language: rust` is `cargo install --path .`) and runs it in a throwaway repository, once
# with a broken Terraform stack (must fail with FL201) and once with only a correct one (must pass).
# The `foundry-lint-system` hook runs the same way with the foundry-lint found on PATH: the
# directory FOUNDRY_LINT_BIN_DIR (the build under test) is put first on it.
#
# FOUNDRY_LINT_TOOLS: a directory kept between runs for the venv holding pre-commit and the cargo
# target directory of the hook's build; a temporary one otherwise. CARGO_HOME is left alone, so
# crates already in the registry cache are not downloaded again (CARGO_NET_OFFLINE=true works
# when they are all there).
set -euo pipefail

repo="$(cd "$(dirname "$0")/../.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
tools="${FOUNDRY_LINT_TOOLS:-$work/tools}"
mkdir -p "$tools"
start=$SECONDS

if [ ! -x "$tools/venv/bin/pre-commit" ]; then
  python3 -m venv "$tools/venv"
  "$tools/venv/bin/pip" install --quiet pre-commit
fi
pre_commit="$tools/venv/bin/pre-commit"
echo "pre-commit $("$pre_commit" --version | cut -d' ' -f2) ready after $((SECONDS - start))s"

git_commit() {
  git -c user.name=foundry-lint-test -c user.email=test@example.invalid \
    -c commit.gpgsign=false commit --quiet --no-verify "$@"
}

# try-repo clones a commit and, of local changes, takes only tracked files: a new hook manifest or
# source file would be missed. So the working tree, untracked files included, becomes one commit.
snapshot="$work/foundry-lint"
mkdir "$snapshot"
(cd "$repo" && git ls-files -z --cached --others --exclude-standard) |
  while IFS= read -r -d '' file; do
    [ -f "$repo/$file" ] || continue # deleted but not yet committed
    mkdir -p "$snapshot/$(dirname "$file")"
    cp "$repo/$file" "$snapshot/$file"
  done
(cd "$snapshot" && git init --quiet && git add --all && git_commit -m snapshot)

project="$work/project"
mkdir -p "$project/bad" "$project/good"
cp "$repo"/fixtures/terraform/agent-subnet-sizing/*.tf \
  "$repo"/fixtures/terraform/agent-subnet-sizing/*.tfvars "$project/bad/"
cp "$repo"/fixtures/terraform/clean/*.tf "$repo"/fixtures/terraform/clean/*.tfvars "$project/good/"
cd "$project"
git init --quiet
git add --all
git_commit -m stacks

# The hook's build lands here, so the dependencies compile once per tools directory, not once per
# run (each try-repo installs into a fresh store).
export CARGO_TARGET_DIR="$tools/cargo-target"

hooks=(foundry-lint)
if [ -n "${FOUNDRY_LINT_BIN_DIR:-}" ]; then
  hooks+=(foundry-lint-system)
  export PATH="$FOUNDRY_LINT_BIN_DIR:$PATH"
fi

run_hook() {
  local started=$SECONDS status=0
  "$pre_commit" try-repo "$snapshot" "$1" --all-files >"$work/out.txt" 2>&1 || status=$?
  echo "try-repo $1 ($2): exit $status after $((SECONDS - started))s"
  return $status
}

for hook in "${hooks[@]}"; do
  if run_hook "$hook" "bad and good stacks"; then
    cat "$work/out.txt"
    echo "FAIL: $hook passed on a stack with a /28 agent subnet" >&2
    exit 1
  fi
  cat "$work/out.txt"
  if ! grep -q "FL201" "$work/out.txt"; then
    echo "FAIL: $hook failed without reporting FL201" >&2
    exit 1
  fi
done

git rm -r --quiet bad
git_commit -m "only the good stack"
for hook in "${hooks[@]}"; do
  if ! run_hook "$hook" "good stack only"; then
    cat "$work/out.txt"
    echo "FAIL: $hook failed on the correct stack" >&2
    exit 1
  fi
done
echo "pre-commit hook: ok in $((SECONDS - start))s"
