#!/usr/bin/env bash
# Issue #4 target: `mqauth psk gen --count 1000000 --out FILE` in at most 0.5 s of wall time
# (file written atomically and fsynced). The openssl-rand shell loop takes about 55 minutes.
source "$(dirname "$0")/common.sh"
COUNT=${COUNT:-1000000}
times=()
for i in $(seq "$TRIALS"); do
    times+=("$(time_once "$WORK" "$MQAUTH" -q psk gen --count "$COUNT" --out "psk$i.txt")")
    test "$(wc -l < "$WORK/psk$i.txt")" -eq "$COUNT"
done
report "psk gen --count $COUNT --out FILE (32-byte keys, mosquitto format)" 0.5 "${times[@]}"
"$MQAUTH" -q psk check "$WORK/psk1.txt" && echo "  psk check: the generated file is clean"
