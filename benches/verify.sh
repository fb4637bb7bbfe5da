#!/usr/bin/env bash
# `mqauth verify` on 100,000 client certificates of one PKI (chain to the root through the
# intermediate, purpose client, the PKI's CRL checked), by the file list as CI gives it: the
# cost of issue #15's checks (name constraints, extension rules, key checks) and whether
# verification runs on all cores. With BASELINE=/path/to/another/mqauth, that binary verifies
# the same files in each trial too, alternating, and the ratio of the medians is printed. The
# budget, 10 s (100 µs a certificate of wall time), is mqauth's own: the issue set none.
source "$(dirname "$0")/common.sh"
COUNT=${COUNT:-100000}
"$MQAUTH" -q pki init --dir "$WORK/pki"
echo "issuing $COUNT certificates to verify..." >&2
(cd "$WORK" && "$MQAUTH" -q pki client --count "$COUNT" && "$MQAUTH" -q pki crl)
sync
# One invocation for all files: a list file, not argv (100,000 paths exceed ARG_MAX).
(cd "$WORK" && find pki/issued -name '*.crt' | sort > files.txt)
verify_all() {
    (cd "$WORK" && xargs -a files.txt -s 2000000 "$1" -q verify --ca pki/ca.crt --untrusted pki/intermediate.crt --crl pki/crl.pem --purpose client > "$2")
}
times=()
base=()
for i in $(seq "$TRIALS"); do
    times+=("$(time_once "$WORK" verify_all "$MQAUTH" verdicts.txt)")
    if [ -n "${BASELINE:-}" ]; then
        base+=("$(time_once "$WORK" verify_all "$BASELINE" base.txt)")
    fi
done
test "$(grep -c ': OK$' "$WORK/verdicts.txt")" -eq "$COUNT"
report "verify --purpose client --crl ($COUNT certificates)" 10.0 "${times[@]}"
if [ -n "${BASELINE:-}" ]; then
    report "baseline $BASELINE" 10.0 "${base[@]}"
    awk -v a="$(printf '%s\n' "${times[@]}" | sort -n | sed -n "$(( (TRIALS + 1) / 2 ))p")" \
        -v b="$(printf '%s\n' "${base[@]}" | sort -n | sed -n "$(( (TRIALS + 1) / 2 ))p")" \
        'BEGIN { printf "  median ratio this/baseline: %.2f\n", a / b }'
fi
