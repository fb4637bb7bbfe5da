#!/usr/bin/env bash
# Issue #2 target: `mqauth pki client --count 10000` writes 10,000 certificates and keys
# (durably: grouped fsync, journaled renames) in at most 1 s of wall time on the 2-core machine.
# With BASELINE=/path/to/another/mqauth, each trial also times that binary on a fresh PKI,
# alternating, and the ratio of the medians is printed (e.g. against the landed commit).
source "$(dirname "$0")/common.sh"
COUNT=${COUNT:-10000}
times=()
base=()
for i in $(seq "$TRIALS"); do
    dir="$WORK/trial$i"
    mkdir -p "$dir"
    "$MQAUTH" -q pki init --dir "$dir/pki"
    sync
    times+=("$(time_once "$dir" "$MQAUTH" -q pki client --count "$COUNT")")
    test "$(ls "$dir/pki/private" | wc -l)" -eq "$COUNT"
    if [ -n "${BASELINE:-}" ]; then
        bdir="$WORK/baseline$i"
        mkdir -p "$bdir"
        "$BASELINE" -q pki init --dir "$bdir/pki"
        sync
        base+=("$(time_once "$bdir" "$BASELINE" -q pki client --count "$COUNT")")
    fi
done
report "pki client --count $COUNT (P-256, keys + certificates + records)" 1.0 "${times[@]}"
best=$(printf '%s\n' "${times[@]}" | sort -n | head -1)
awk -v c="$COUNT" -v b="$best" 'BEGIN { printf "  rate at best: %.0f certificates/s\n", c / b }'
if [ -n "${BASELINE:-}" ]; then
    report "baseline $BASELINE, same trials" 1.0 "${base[@]}"
    median() { printf '%s\n' "$@" | sort -n | sed -n "$(( ($# + 1) / 2 ))p"; }
    awk -v a="$(median "${times[@]}")" -v b="$(median "${base[@]}")" \
        'BEGIN { printf "  median ratio this/baseline: %.2f\n", a / b }'
fi
