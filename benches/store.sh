#!/usr/bin/env bash
# Issue #11 targets, on a PKI that already holds COUNT (1,000,000) client certificates:
#   one more certificate <= 20 ms; `pki revoke NAME` with the CRL re-signed <= 100 ms while
#   1,000 are revoked; `pki list --expiring 30d` <= 200 ms; `pki renew` of 10,000 expiring
#   certificates <= 2 s; `inspect --pki` <= 15 s; and the database's size per certificate.
# Building the PKI takes minutes and 2,000,000 files: REUSE=DIR runs the timings again on the
# directory an earlier run printed (its pki/ keeps what earlier runs added). Batch issuance
# against the landed commit is benches/pki-client.sh with BASELINE=.
source "$(dirname "$0")/common.sh"
COUNT=${COUNT:-1000000}
REVOKED=${REVOKED:-1000}
EXPIRING=${EXPIRING:-10000}
if [ -n "${REUSE:-}" ]; then
    rmdir "$WORK"
    WORK=$REUSE
    echo "reusing $WORK" >&2
else
    "$MQAUTH" -q pki init --dir "$WORK/pki"
    sync
    echo "building a PKI of $COUNT client certificates in $WORK..." >&2
    built=$(time_once "$WORK" "$MQAUTH" -q pki client --count "$COUNT")
    sync
    awk -v t="$built" -v c="$COUNT" \
        'BEGIN { printf "pki client --count %d: %.1f s (%.0f certificates/s)\n", c, t, c / t }'
fi
cd "$WORK"
# A fresh name for every trial, so reruns on the same PKI never collide.
stamp=$(date +%s)

if [ ! -e revoked.done ]; then
    echo "revoking $REVOKED certificates..." >&2
    start=$(date +%s.%N)
    for n in $(seq -f "device-%04g" 1 "$REVOKED"); do
        "$MQAUTH" -q pki revoke "$n" --reason cessationOfOperation
    done
    end=$(date +%s.%N)
    touch revoked.done
    awk -v s="$start" -v e="$end" -v n="$REVOKED" \
        'BEGIN { printf "set-up: %d revocations one by one, %.1f ms each on average\n", n, (e - s) * 1000 / n }'
fi

one=()
revoke=()
for i in $(seq "$TRIALS"); do
    one+=("$(time_once . "$MQAUTH" -q pki client "extra-$stamp-$i")")
    sync
    revoke+=("$(time_once . "$MQAUTH" -q pki revoke "extra-$stamp-$i" --reason keyCompromise)")
    sync
done
report "pki client NAME (one more certificate)" 0.020 "${one[@]}"
report "pki revoke NAME, CRL re-signed ($REVOKED+ revoked)" 0.100 "${revoke[@]}"
openssl crl -in pki/crl.pem -noout -text | grep -c "Serial Number" |
    awk '{ print "  the CRL lists " $1 " serials" }'

list=()
renew=()
for i in $(seq "$TRIALS"); do
    "$MQAUTH" -q pki client --count "$EXPIRING" --days 20d --template "soon-$stamp-$i-{n:05}"
    sync
    list+=("$(time_once . sh -c "'$MQAUTH' -q pki list --expiring 30d > expiring.txt")")
    test "$(wc -l < expiring.txt)" -eq "$((EXPIRING + 1))"
    renew+=("$(time_once . "$MQAUTH" -q pki renew --within 30d --days 365d)")
    sync
    "$MQAUTH" -q pki list --expiring 30d > expiring.txt
    test "$(wc -l < expiring.txt)" -eq 1
done
report "pki list --expiring 30d ($EXPIRING rows)" 0.200 "${list[@]}"
report "pki renew --within 30d ($EXPIRING certificates)" 2.0 "${renew[@]}"

inspect=()
for i in $(seq "${INSPECT_TRIALS:-3}"); do
    inspect+=("$(time_once . sh -c "'$MQAUTH' -q inspect --pki pki --json > audit.json || test \$? -eq 3")")
done
report "inspect --pki (every certificate in force, files and keys checked)" 15 "${inspect[@]}"

rows=$("$MQAUTH" -q pki list --json | grep -c '"serial"')
bytes=$(($(stat -c %s pki/pki.db) + $(stat -c %s pki/pki.db-wal 2>/dev/null || echo 0)))
awk -v b="$bytes" -v r="$rows" \
    'BEGIN { printf "pki.db: %.1f MB for %d certificates, %.0f bytes each\n", b / 1e6, r, b / r }'
