#!/usr/bin/env bash
# Issue #27 target: `mqauth psk check` of a 1,000,000-line PSK file in at most 0.5 s of wall time.
# The file is `psk gen`'s million keys plus a tail of classic mistakes (a duplicate identity, a
# shared key, a patterned key, bad hex), so every finding path runs and its output is compared.
# With BASELINE=/path/to/another/mqauth, each trial also times that binary on the same file, and
# the two binaries' --json findings must be identical.
source "$(dirname "$0")/common.sh"
COUNT=${COUNT:-1000000}
"$MQAUTH" -q psk gen --count "$COUNT" --out "$WORK/psk.txt"
first=$(head -1 "$WORK/psk.txt")
{
    echo "${first%%:*}:00112233445566778899aabbccddeeff"
    echo "clone-1:${first#*:}"
    echo "patterned-1:000102030405060708090a0b0c0d0e0f"
    echo "badhex-1:zz11"
} >> "$WORK/psk.txt"
chmod 600 "$WORK/psk.txt"
times=()
base=()
for i in $(seq "$TRIALS"); do
    times+=("$(time_once "$WORK" sh -c "'$MQAUTH' -q psk check --json psk.txt > new.json || true")")
    if [ -n "${BASELINE:-}" ]; then
        base+=("$(time_once "$WORK" sh -c "'$BASELINE' -q psk check --json psk.txt > base.json || true")")
        cmp -s "$WORK/new.json" "$WORK/base.json" || { echo "findings differ from the baseline's" >&2; exit 1; }
    fi
done
report "psk check of $COUNT lines + 4 mistakes" 0.5 "${times[@]}"
if [ -n "${BASELINE:-}" ]; then
    report "baseline $BASELINE, same file" 0.5 "${base[@]}"
    echo "  findings identical to the baseline's"
fi
