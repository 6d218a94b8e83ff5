#!/usr/bin/env bash
# Benchmarks the release binary on a generated monorepo, and optionally checkov on the same tree.
#
#   bash bench/run.sh [SCALE] [--sweep] [--with-checkov] [--checkov-max-scale N]
#                     [--checkov-timeout SECONDS] [--keep]
#
#   SCALE                  a whole number (default 10): the tree holds 3 x SCALE teams, each with
#                          a copy of every fixture case (fixtures/terraform/*/, fixtures/bicep/*/,
#                          fixtures/arm/*/, 96 files), so scale 1, 10 and 100 are about 290,
#                          2,800 and 28,000 files; 36 and 54 are the sizes of the targets (about
#                          10,000 and 15,000 files).
#   --sweep                run scales 1, 10, 36, 54 and 100 in turn (SCALE is ignored) and print
#                          wall and CPU ms per 1,000 files for each, to check that growth is
#                          linear.
#   --with-checkov         also time checkov on each tree; installs it into bench/.venv
#                          (python3 -m venv, pip install checkov) when bench/.venv/bin/checkov
#                          is missing. Without the flag checkov is not run, installed or not.
#   --checkov-max-scale N  run checkov only on trees of scale <= N (default 10: on 2 busy cores
#                          checkov took about a minute at scale 10 and 18 minutes, 2.5 GB, at
#                          scale 100). Larger trees show "skipped".
#   --checkov-timeout S    give up on checkov after S seconds (default 1800).
#   --keep                 keep the generated trees and reports (their path is printed).
#
# Each copy is renamed (rg-, vnet-, snet-, ais-, kv-, pe-, ... prefixes in quoted strings become
# rg-t<N>-, ...), so resource names and ids differ between teams. Every case is copied, the ones
# that exist to show parse errors too (a real monorepo has some broken files); only the test
# goldens (expected*.txt, args*) are left out.
#
# Measured, per scale:
#   - foundry-lint on the whole tree: best-of-5 wall time (best-of-3 at scale 100), files per
#     second and ms per 1,000 files, the least CPU time (user + sys) of those runs, and the peak
#     resident set (in one more run);
#   - a pre-commit run: the binary given one .tf file inside the tree, best of 5, in ms;
#   - checkov (with --with-checkov): one run, wall time, peak RSS, and checkov / foundry-lint.
# Peak RSS is what `/usr/bin/time -f %M` prints (sampled VmHWM where there is no /usr/bin/time):
# the largest single process. checkov forks worker processes, so its total over the process tree
# (summed Pss, sampled every 100 ms) is printed beside it. bench/measure.py does the measuring.
# Ends with a markdown table to paste into the README.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/target}"

scales=(10)
sweep=0
with_checkov=0
checkov_max_scale=10
checkov_timeout=1800
keep=0
while [ $# -gt 0 ]; do
  case "$1" in
    [1-9] | [1-9][0-9] | [1-9][0-9][0-9]) scales=("$1") ;;
    --sweep) sweep=1 ;;
    --with-checkov) with_checkov=1 ;;
    --checkov-max-scale) checkov_max_scale="${2:?--checkov-max-scale needs a number}"; shift ;;
    --checkov-timeout) checkov_timeout="${2:?--checkov-timeout needs seconds}"; shift ;;
    --keep) keep=1 ;;
    -h | --help) sed -n '2,/^set -euo/{/^#/s/^# \{0,1\}//p}' "$0"; exit 0 ;;
    *) echo "bench/run.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
  shift
done
if [ "$sweep" = 1 ]; then scales=(1 10 36 54 100); fi

measure=(python3 "$root/bench/measure.py")
work="$(mktemp -d "${TMPDIR:-/tmp}/foundry-lint-bench.XXXXXX")"
if [ "$keep" = 1 ]; then
  echo "trees and reports kept in $work"
else
  trap 'rm -rf "$work"' EXIT
fi

# ---- tools -------------------------------------------------------------------------------------
echo "building the release binary..."
cargo build --release --quiet
bin="$CARGO_TARGET_DIR/release/foundry-lint"

checkov="$root/bench/.venv/bin/checkov"
if [ "$with_checkov" = 1 ] && [ ! -x "$checkov" ]; then
  echo "installing checkov into bench/.venv..."
  python3 -m venv "$root/bench/.venv"
  "$root/bench/.venv/bin/pip" install --quiet checkov
fi
if [ "$with_checkov" = 1 ]; then
  echo "checkov $("$checkov" --version)"
fi

# ---- the tree ----------------------------------------------------------------------------------
# One clean copy of the fixtures without the test goldens, copied once per team.
template="$work/template"
for lang in terraform bicep arm; do
  mkdir -p "$template/$lang"
  cp -R "fixtures/$lang/." "$template/$lang/"
done
find "$template" -type f \( -name 'expected*.txt' -o -name 'args*' \) -delete

generate() { # generate SCALE DIR
  local scale="$1" dir="$2" i
  for i in $(seq 1 $((3 * scale))); do
    local dest
    dest="$dir/teams/team-$(printf %03d "$i")"
    mkdir -p "$dest"
    cp -R "$template/." "$dest/"
    find "$dest" -type f -exec sed -i -E \
      "s/([\"'])(rg|vnet|snet|ais|kv|pe|hub|spoke|aif)-/\1\2-t$i-/g" {} +
  done
}

count() { # count DIR LANG: files of one language (its copies sit under teams/*/LANG/)
  (cd "$1" && find teams -type f -path "teams/*/$2/*" | wc -l)
}

# ---- measuring ---------------------------------------------------------------------------------
# run_measured VAR [measure.py options] -- COMMAND...: sets VAR_ms (wall), VAR_cpu_ms, VAR_kb
# (peak RSS), VAR_tree_kb and VAR_rc.
run_measured() {
  local var="$1" line
  shift
  line="$("${measure[@]}" "$@")"
  local wall cpu rss tree rc
  read -r wall cpu rss tree rc <<< "$(sed 's/[a-z_]*=//g' <<< "$line")"
  printf -v "${var}_ms" '%s' "$wall"
  printf -v "${var}_cpu_ms" '%s' "$cpu"
  printf -v "${var}_kb" '%s' "$rss"
  printf -v "${var}_tree_kb" '%s' "$tree"
  printf -v "${var}_rc" '%s' "$rc"
}

min() { printf '%s\n' "$@" | sort -g | head -1; }
calc() { python3 -c "print($1)"; } # calc 'EXPR': arithmetic with fractions
mb() { calc "f'{$1 / 1024:.1f}'"; }

rows=()
sweep_lines=()
for scale in "${scales[@]}"; do
  tree="$work/scale-$scale/repo"
  echo
  echo "== scale $scale =="
  gen_start=$(date +%s)
  generate "$scale" "$tree"
  n_tf=$(count "$tree" terraform)
  n_bicep=$(count "$tree" bicep)
  n_arm=$(count "$tree" arm)
  files=$((n_tf + n_bicep + n_arm))
  echo "generated $files files in $(($(date +%s) - gen_start)) s: terraform $n_tf, bicep $n_bicep, arm $n_arm"

  # The whole tree.
  runs=5
  if [ "$scale" -ge 100 ]; then runs=3; fi
  report="$work/scale-$scale/foundry-lint.json"
  lint=("$bin" "$tree" --format json --output "$report" --fail-on never)
  walls=()
  cpus=()
  for _ in $(seq 1 "$runs"); do
    run_measured fl --log "$work/scale-$scale/foundry-lint.log" -- "${lint[@]}"
    if [ "$fl_rc" != 0 ]; then
      echo "foundry-lint exited $fl_rc:" >&2
      cat "$work/scale-$scale/foundry-lint.log" >&2
      exit 1
    fi
    walls+=("$fl_ms")
    cpus+=("$fl_cpu_ms")
  done
  best=$(min "${walls[@]}")
  best_cpu=$(min "${cpus[@]}")
  # Memory in a run of its own: /usr/bin/time adds its own start-up to the wall time.
  run_measured fl --rss -- "${lint[@]}"
  peak_kb=$fl_kb
  read -r linted findings < <(python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))
print(r["summary"]["files"], len(r["findings"]))' "$report")
  fps=$(calc "round($files * 1000 / $best)")
  per_k=$(calc "f'{$best * 1000 / $files:.1f}'")
  cpu_per_k=$(calc "f'{$best_cpu * 1000 / $files:.1f}'")
  echo "foundry-lint: best of $runs ${best} ms (runs: ${walls[*]}), $fps files/s, $per_k ms per 1,000 files;" \
    "CPU (user + sys) best ${best_cpu} ms, $cpu_per_k ms per 1,000 files; peak RSS $(mb "$peak_kb") MB;" \
    "report: $linted files read, $findings findings"

  # Pre-commit: one changed file, given by its path relative to the repository root.
  changed="teams/team-$(printf %03d $(((3 * scale + 1) / 2)))/terraform/module-tree/main.tf"
  pre=()
  for _ in 1 2 3 4 5; do
    run_measured pc --cwd "$tree" -- "$bin" "$changed" --format json --fail-on never
    pre+=("$pc_ms")
  done
  pre_best=$(min "${pre[@]}")
  echo "pre-commit ($changed): best of 5 ${pre_best} ms (runs: ${pre[*]})"

  # checkov, once, on the same tree.
  ck_s="-"
  ck_mb="-"
  ratio="-"
  if [ "$with_checkov" = 1 ]; then
    if [ "$scale" -le "$checkov_max_scale" ]; then
      echo "checkov: running once (timeout ${checkov_timeout} s)..."
      ck_out="$work/scale-$scale/checkov"
      # --skip-download: no calls to the Prisma Cloud platform (guidelines, mappings); external
      # Terraform modules are not downloaded (the default). The frameworks cover what
      # foundry-lint reads: .tf, .tf.json, plans, ARM and Bicep.
      run_measured ck --rss --tree --timeout "$checkov_timeout" --log "$work/scale-$scale/checkov.log" -- \
        "$checkov" -d "$tree" --quiet --compact -o json --output-file-path "$ck_out" \
        --framework terraform,terraform_json,terraform_plan,arm,bicep \
        --skip-download --download-external-modules false
      if [ "$ck_rc" = 124 ]; then
        echo "checkov: timed out after ${checkov_timeout} s"
        ck_s=">${checkov_timeout}"
        ratio=">$(calc "round($checkov_timeout * 1000 / $best)")x"
      else
        # Exit 1 means failed checks were found; 2 or more is a crash.
        summary=$(python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))
r = r if isinstance(r, list) else [r]
s = lambda k: sum(x.get("summary", {}).get(k, 0) for x in r)
print(s("resource_count"), "resources,", s("passed"), "passed,", s("failed"), "failed,", s("parsing_errors"), "parsing errors")
' "$ck_out/results_json.json" 2>/dev/null || echo "no readable report")
        ck_s=$(calc "f'{$ck_ms / 1000:.1f}'")
        ck_mb=$(mb "$ck_kb")
        ratio="$(calc "round($ck_ms / $best)")x"
        echo "checkov: ${ck_s} s (exit $ck_rc), peak RSS $ck_mb MB (largest process;" \
          "$(mb "$ck_tree_kb") MB over its process tree), $ratio foundry-lint's time; $summary"
        if [ "$ck_rc" -ge 2 ]; then
          echo "checkov crashed; the last lines of its output:" >&2
          tail -20 "$work/scale-$scale/checkov.log" >&2
        fi
      fi
    else
      echo "checkov: skipped at scale $scale (over --checkov-max-scale $checkov_max_scale)"
      ck_s="skipped"
      ck_mb="skipped"
    fi
  fi

  rows+=("| $scale | $files ($n_tf / $n_bicep / $n_arm) | $best | $fps | $per_k | $(mb "$peak_kb") | $pre_best | $ck_s | $ck_mb | $ratio |")
  sweep_lines+=("scale $scale: $files files, $per_k ms per 1,000 files (wall), $cpu_per_k ms CPU per 1,000 files")
  # Trees are large at scale 100; each one goes once measured.
  if [ "$keep" = 0 ]; then rm -rf "$tree"; fi
done

echo
echo "## Summary ($(nproc) cores; foundry-lint $("$bin" --version | awk '{print $2}'))"
echo
echo "| scale | files (tf / bicep / arm) | foundry-lint wall ms | files/s | ms per 1,000 files | peak RSS MB | pre-commit single-file ms | checkov wall s | checkov peak RSS MB | checkov / foundry-lint |"
echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
printf '%s\n' "${rows[@]}"
if [ "$sweep" = 1 ]; then
  echo
  echo "Growth (flat if the time is linear in the tree size; CPU time is the steadier figure when"
  echo "other jobs share the machine):"
  printf '  %s\n' "${sweep_lines[@]}"
fi
