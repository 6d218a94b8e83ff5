#!/usr/bin/env bash
# fuzz/run.sh [SECONDS]: builds the fuzz targets and runs each in turn for SECONDS (default 600),
# as one libFuzzer job with one worker (`-jobs=1 -workers=1`), so only one fuzzer runs at a time.
# Run fuzz/seed.sh first to seed fuzz/corpus/<target>/.
#
# What it does:
# - `RUSTC_BOOTSTRAP=1 cargo fuzz build --sanitizer $SANITIZER`: cargo-fuzz passes nightly-only
#   (-Z) flags to rustc and cargo; RUSTC_BOOTSTRAP=1 lets the stable toolchain accept them. The
#   build is optimised, with debug assertions and overflow checks, and AddressSanitizer unless
#   SANITIZER=none is given.
# - for each target: the fuzzer binary on fuzz/corpus/<target>/ (new inputs are added there) with
#   -max_total_time=SECONDS, -timeout=30 (an input slower than 30 s is a hang),
#   -rss_limit_mb=2048 and -print_final_stats=1; crashes, hangs and out-of-memory inputs are
#   written to fuzz/artifacts/<target>/, libFuzzer's log to fuzz/logs/<target>/fuzz-0.log.
# - it prints, per target, the executions and the time libFuzzer reports (its final stats) and
#   the crash, if there is one. libFuzzer stops a target at its first crash; the script goes on
#   with the next target and exits 1 at the end if any target crashed.
#
# Environment: TARGETS="terraform arm" runs only these; SANITIZER=none builds without ASan.
# Reproduce a crash: fuzz/target/<host>/release/<target> fuzz/artifacts/<target>/crash-...
set -uo pipefail

seconds=${1:-600}
sanitizer=${SANITIZER:-address}
targets=${TARGETS:-terraform terraform_functions arm arm_expression bicep bicepparam config}
fuzz="$(cd "$(dirname "$0")" && pwd)"
cd "$fuzz" || exit 2

export RUSTC_BOOTSTRAP=1
if ! cargo fuzz build --sanitizer "$sanitizer"; then
    echo "fuzz/run.sh: the build failed (try SANITIZER=none)" >&2
    exit 2
fi
host=$(rustc -vV | sed -n 's/^host: //p')
bin="$fuzz/target/$host/release"

crashed=0
summary=()
for t in $targets; do
    mkdir -p "corpus/$t" "artifacts/$t" "logs/$t"
    rm -f "logs/$t/fuzz-0.log"
    echo "== $t: ${seconds}s"
    start=$(date +%s)
    # -jobs mode writes the job's output to fuzz-0.log in the working directory.
    (cd "logs/$t" && "$bin/$t" "$fuzz/corpus/$t" \
        -max_total_time="$seconds" -jobs=1 -workers=1 -timeout=30 -rss_limit_mb=2048 \
        -print_final_stats=1 -artifact_prefix="$fuzz/artifacts/$t/" > job.log 2>&1)
    elapsed=$(( $(date +%s) - start ))
    log="logs/$t/fuzz-0.log"
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
    done_line=$(grep -E '^Done [0-9]+ runs in [0-9]+ second' "$log" | tail -n 1)
    crash=$(grep -E 'Test unit written to|^==[0-9]+==ERROR|^SUMMARY|panicked at|ALARM: working on the last Unit|out-of-memory' "$log" | head -n 5)
    line="$t: executions ${runs:-?}, ${done_line:-no final stats}, wall ${elapsed}s"
    if [[ -n $crash ]]; then
        crashed=1
        line="$line, CRASH:"$'\n'"$crash"
    else
        line="$line, no crash"
    fi
    echo "$line"
    summary+=("$line")
done
echo
echo "== summary (${seconds}s per target, sanitizer $sanitizer)"
printf '%s\n' "${summary[@]}"
exit "$crashed"
