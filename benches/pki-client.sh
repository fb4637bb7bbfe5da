#!/usr/bin/env bash
# Issue #2 target: `mqauth pki client --count 10000` writes 10,000 certificates and keys
# (durably: grouped fsync) in at most 1 s of wall time on the 2-core machine.
source "$(dirname "$0")/common.sh"
COUNT=${COUNT:-10000}
times=()
for i in $(seq "$TRIALS"); do
    dir="$WORK/trial$i"
    mkdir -p "$dir"
    "$MQAUTH" -q pki init --dir "$dir/pki"
    sync
    times+=("$(time_once "$dir" "$MQAUTH" -q pki client --count "$COUNT")")
    test "$(ls "$dir/pki/private" | wc -l)" -eq "$COUNT"
done
report "pki client --count $COUNT (P-256, keys + certificates + index.json)" 1.0 "${times[@]}"
best=$(printf '%s\n' "${times[@]}" | sort -n | head -1)
awk -v c="$COUNT" -v b="$best" 'BEGIN { printf "  rate at best: %.0f certificates/s\n", c / b }'
