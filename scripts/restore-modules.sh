#!/usr/bin/env bash
# The restore step of action.yml (input `restore-modules`): before linting, restore the registry
# modules the stacks call with the toolchain already on the runner, as a deployment would, so
# that foundry-lint can read them (it never downloads anything itself). Inputs arrive only as
# environment variables (INPUT_PATH: one path per line, INPUT_RESTORE_MODULES).
#
# Terraform: `terraform get` (modules only: no providers, no backend) in every directory whose
# .tf files call a module by a non-local source. Bicep: `bicep restore` (or `az bicep restore`)
# for every .bicep / .bicepparam file that names a `br:` / `ts:` module. A missing toolchain or a
# failed restore is a warning: the lint step then says which modules were not read (FL005).
set -uo pipefail

# shellcheck source=scripts/inputs.sh
source "$(dirname "$0")/inputs.sh"
lines paths "${INPUT_PATH:-.}"
if [ "${#paths[@]}" -eq 0 ]; then
  paths=(.)
fi
case "${INPUT_RESTORE_MODULES:-true}" in
  false | no | 0 | "") exit 0 ;;
esac
cd "${GITHUB_WORKSPACE:-.}" || exit 2

warn() {
  echo "::warning title=foundry-lint::$(escape "$1")"
}

# A module block's `source` that is not a relative path; .terraform holds what was restored.
mapfile -t terraform_dirs < <(
  grep -rlE --include='*.tf' '^[[:space:]]*source[[:space:]]*=[[:space:]]*"[^."]' -- "${paths[@]}" 2>/dev/null |
    grep -v '/\.terraform/' | xargs -r -d '\n' -n1 dirname | sort -u
)
if [ "${#terraform_dirs[@]}" -gt 0 ]; then
  if command -v terraform >/dev/null 2>&1; then
    for dir in "${terraform_dirs[@]}"; do
      echo "foundry-lint: terraform get in $dir"
      terraform -chdir="$dir" get -no-color >/dev/null || warn "terraform get failed in $dir: its registry modules are not linted"
    done
  else
    warn "terraform is not on PATH: registry modules of ${#terraform_dirs[@]} Terraform director(ies) are not restored"
  fi
fi

mapfile -t bicep_files < <(
  grep -rlE --include='*.bicep' --include='*.bicepparam' "^[[:space:]]*(module|import)[^']*'(br|ts)[:/]" -- "${paths[@]}" 2>/dev/null | sort -u
)
if [ "${#bicep_files[@]}" -gt 0 ]; then
  if command -v bicep >/dev/null 2>&1; then
    restore=(bicep restore)
  elif command -v az >/dev/null 2>&1; then
    restore=(az bicep restore --file)
  else
    warn "neither bicep nor az is on PATH: registry modules of ${#bicep_files[@]} Bicep file(s) are not restored"
    exit 0
  fi
  for file in "${bicep_files[@]}"; do
    echo "foundry-lint: ${restore[*]} $file"
    "${restore[@]}" "$file" >/dev/null || warn "${restore[*]} failed for $file: its registry modules are not linted"
  done
fi
exit 0
