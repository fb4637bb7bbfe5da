#!/usr/bin/env bash
# Issue #14 target: auditing a deployment with 100,000 PSK identities and a 100,000-rule ACL
# takes under 1 s. The deployment: an mTLS listener (mqauth PKI, CRL) and a PSK listener, both
# with the ACL; the PSK file made by `mqauth psk gen`.
source "$(dirname "$0")/common.sh"
COUNT=${COUNT:-100000}
cd "$WORK"
"$MQAUTH" -q pki init
"$MQAUTH" -q pki broker broker1 --dns localhost --ip 127.0.0.1
"$MQAUTH" -q pki crl
"$MQAUTH" -q psk gen --count "$COUNT" --template "dev-{n:06}" --out psk.txt
awk -v n="$COUNT" 'BEGIN { for (i = 1; i <= n; i++) printf "user dev-%06d\ntopic readwrite devices/dev-%06d/#\n", i, i }' > acl
cat > mosquitto.conf <<CONF
per_listener_settings true
listener 8883
max_connections 200000
cafile $WORK/pki/chain.pem
certfile $WORK/pki/issued/broker1.fullchain.pem
keyfile $WORK/pki/private/broker1.key
require_certificate true
use_identity_as_username true
tls_version tlsv1.2
crlfile $WORK/pki/crl.pem
acl_file $WORK/acl
listener 8884
max_connections 200000
psk_hint fleet
psk_file $WORK/psk.txt
use_identity_as_username true
tls_version tlsv1.2
acl_file $WORK/acl
CONF
times=()
for _ in $(seq 1 "$TRIALS"); do
    times+=("$(time_once "$WORK" "$MQAUTH" -q audit --config mosquitto.conf --min-severity warning)")
done
report "audit: $COUNT PSK identities, $COUNT ACL rules" 1.0 "${times[@]}"
