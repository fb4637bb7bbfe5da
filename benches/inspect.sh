#!/usr/bin/env bash
# Issue #5 target: `mqauth inspect` on a folder of 100,000 certificates in at most 1 s of wall
# time (parsed in parallel, printed in a stable order). Output goes to a file, not a terminal.
# With BASELINE=/path/to/another/mqauth, that binary inspects the same folder in each trial too.
source "$(dirname "$0")/common.sh"
COUNT=${COUNT:-100000}
"$MQAUTH" -q pki init --dir "$WORK/pki"
echo "issuing $COUNT certificates to inspect..." >&2
(cd "$WORK" && "$MQAUTH" -q pki client --count "$COUNT")
sync
times=()
json=()
base=()
for i in $(seq "$TRIALS"); do
    times+=("$(time_once "$WORK" sh -c "'$MQAUTH' -q inspect pki/issued > table.txt")")
    json+=("$(time_once "$WORK" sh -c "'$MQAUTH' -q inspect pki/issued --json > rows.json")")
    if [ -n "${BASELINE:-}" ]; then
        base+=("$(time_once "$WORK" sh -c "'$BASELINE' -q inspect pki/issued > base.txt")")
    fi
done
test "$(wc -l < "$WORK/table.txt")" -eq "$((COUNT + 1))"
report "inspect pki/issued ($COUNT certificates, table)" 1.0 "${times[@]}"
report "inspect pki/issued --json ($COUNT certificates)" 1.0 "${json[@]}"
if [ -n "${BASELINE:-}" ]; then
    report "baseline $BASELINE, table" 1.0 "${base[@]}"
fi
