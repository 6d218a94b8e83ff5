# Sourced by the action's scripts: reading inputs, and echoing them into the log safely.

# The non-empty lines of $2 into the array named $1 (a Windows editor's \r dropped): multi-line
# inputs take one value per line.
lines() {
  local -n into="$1"
  local line
  into=()
  while IFS= read -r line || [ -n "$line" ]; do
    line="${line%$'\r'}"
    if [ -n "$line" ]; then
      into+=("$line")
    fi
  done <<<"$2"
}

# An input echoed into the log could forge workflow commands (`::set-output`); escape it the way
# the runner decodes command data.
escape() {
  local s="${1//%/%25}"
  s="${s//$'\r'/%0D}"
  printf '%s' "${s//$'\n'/%0A}"
}
