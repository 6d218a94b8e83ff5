#!/usr/bin/env bash
# The lint step of action.yml, kept in a file so it can be tested outside GitHub. Inputs arrive
# only as environment variables (INPUT_PATH, INPUT_FORMAT, INPUT_FAIL_ON, INPUT_CONFIG,
# INPUT_SARIF_FILE, INPUT_BASELINE, INPUT_VAR_FILE, INPUT_PARAMETERS, INPUT_SELECT, INPUT_IGNORE,
# INPUT_ARGS): expanded inside a `run:` script, a crafted input would be shell code. Multi-line
# inputs (path, var-file, parameters, args) take one value per line, each passed to foundry-lint
# as one argument, never read by a shell.
#
# One run writes every output: the chosen format on standard output (annotations by default), and
# through --report the Markdown appended to the job summary and the SARIF file. Its exit code is
# the step's (0 clean, 1 findings at or above fail-on, 2 usage or I/O error). (--report came with
# foundry-lint 0.2: an older `version` input is a usage error.)
set -euo pipefail

path="${INPUT_PATH:-.}"
format="${INPUT_FORMAT:-github}"
fail_on="${INPUT_FAIL_ON:-warning}"
config="${INPUT_CONFIG:-}"
sarif_file="${INPUT_SARIF_FILE-foundry-lint.sarif}"

# shellcheck source=scripts/inputs.sh
source "$(dirname "$0")/inputs.sh"

usage_error() {
  echo "::error title=foundry-lint::$(escape "$1")"
  exit 2
}

case "$fail_on" in
  error | warning | note | never) ;;
  *) usage_error "fail-on is '$fail_on'; expected error, warning, note or never" ;;
esac
# A newline would let the value add lines of its own to GITHUB_OUTPUT.
case "$sarif_file" in
  *$'\n'* | *$'\r'*) usage_error "sarif-file must be a single line" ;;
esac

cd "${GITHUB_WORKSPACE:-.}"
lines paths "$path"
if [ "${#paths[@]}" -eq 0 ]; then
  paths=(.)
fi
args=()
if [ -n "$config" ]; then
  args+=(--config "$config")
fi
if [ -n "${INPUT_BASELINE:-}" ]; then
  args+=(--baseline "$INPUT_BASELINE")
fi
lines var_files "${INPUT_VAR_FILE:-}"
for file in "${var_files[@]}"; do
  args+=(--var-file "$file")
done
lines parameters "${INPUT_PARAMETERS:-}"
for file in "${parameters[@]}"; do
  args+=(--parameters "$file")
done
if [ -n "${INPUT_SELECT:-}" ]; then
  args+=(--select "$INPUT_SELECT")
fi
if [ -n "${INPUT_IGNORE:-}" ]; then
  args+=(--ignore "$INPUT_IGNORE")
fi
lines extra "${INPUT_ARGS:-}"
args+=("${extra[@]}" -- "${paths[@]}")

reports=()
summary=""
if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
  summary="$(mktemp)"
  reports+=(--report "markdown=$summary")
fi
if [ -n "$sarif_file" ]; then
  mkdir -p "$(dirname "$sarif_file")"
  reports+=(--report "sarif=$sarif_file")
fi

status=0
foundry-lint --format "$format" --fail-on "$fail_on" "${reports[@]}" "${args[@]}" || status=$?
if [ -n "$summary" ]; then
  if [ "$status" -lt 2 ]; then
    cat "$summary" >>"$GITHUB_STEP_SUMMARY"
  fi
  rm -f "$summary"
fi
if [ "$status" -ge 2 ]; then
  exit "$status"
fi

written=""
if [ -n "$sarif_file" ]; then
  written="$sarif_file"
fi
if [ -n "${GITHUB_OUTPUT:-}" ]; then
  echo "sarif-file=$written" >>"$GITHUB_OUTPUT"
fi

exit "$status"
