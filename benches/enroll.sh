#!/usr/bin/env bash
# Issue #12 targets: 10,000 enrollments answered through a real Mosquitto against a PKI that
# already holds 100,000 certificates, >= 500 enrollments/s end to end; and p99 request->answer
# latency < 50 ms at 100 requests/s. The requests come from one load-generator identity that
# the broker's ACL grants the request topics (examples/enroll_load.rs, over mTLS); the service
# is `mqauth enroll serve` with the release build.
#
# Issue #20: the same two measurements again while one device floods the service at 1,000
# requests/s (10x the paced load, and about 10,000x the default per-device rate limit of 6 a
# minute): the well-behaved devices' p99 must stay under 2x the run without the flood, and the
# throughput at >= 1,000 enrollments/s.
source "$(dirname "$0")/common.sh"
COUNT=${COUNT:-10000}
EXISTING=${EXISTING:-100000}
RATE_COUNT=${RATE_COUNT:-1000}
cargo build --release --quiet --manifest-path "$ROOT/Cargo.toml" --example enroll_load
LOAD="$ROOT/target/release/examples/enroll_load"
cd "$WORK"
"$MQAUTH" -q pki init
echo "issuing $EXISTING certificates first..." >&2
"$MQAUTH" -q pki client --count "$EXISTING"
"$MQAUTH" -q pki broker broker1 --ip 127.0.0.1
"$MQAUTH" -q pki client enroll-service
"$MQAUTH" -q pki client loadgen
# The devices that may enroll: their identities are in the bootstrap psk_file.
"$MQAUTH" -q psk gen --count "$COUNT" --template "load-{n}" --out bootstrap.psk
"$MQAUTH" -q psk gen --count "$RATE_COUNT" --template "paced-{n}" --out bootstrap.psk --append
"$MQAUTH" -q psk gen --count "$COUNT" --template "loadf-{n}" --out bootstrap.psk --append
"$MQAUTH" -q psk gen --count "$RATE_COUNT" --template "pacedf-{n}" --out bootstrap.psk --append
"$MQAUTH" -q psk gen flood-1 --out bootstrap.psk --append
FLOOD=${FLOOD:-1000}
PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cat > acl <<ACL
user enroll-service
topic read mqauth/enroll/+/csr
topic read mqauth/enroll/+/renew
topic write mqauth/enroll/+/result
user loadgen
topic write mqauth/enroll/+/csr
topic read mqauth/enroll/+/result
ACL
cat > mosquitto.conf <<CONF
$( [ "$(id -u)" = 0 ] && echo "user root" )
acl_file $WORK/acl
max_queued_messages 100000
max_packet_size 262144
set_tcp_nodelay true
listener $PORT 127.0.0.1
cafile $WORK/pki/chain.pem
certfile $WORK/pki/issued/broker1.fullchain.pem
keyfile $WORK/pki/private/broker1.key
require_certificate true
use_identity_as_username true
CONF
mosquitto -c mosquitto.conf > mosquitto.log 2>&1 &
BROKER=$!
"$MQAUTH" enroll serve --broker "127.0.0.1:$PORT" --cafile pki/ca.crt \
    --cert pki/issued/enroll-service.crt --key pki/private/enroll-service.key \
    --bootstrap-psk-file bootstrap.psk --log-format json 2> service.log &
SERVICE=$!
trap 'kill $SERVICE $BROKER 2>/dev/null' EXIT
for _ in $(seq 100); do grep -q connected service.log && break; sleep 0.1; done
echo "throughput: $COUNT enrollments as fast as they come (target >= 500/s)"
"$LOAD" 127.0.0.1 "$PORT" pki/ca.crt pki/issued/loadgen.crt pki/private/loadgen.key \
    "load-{n}" "$COUNT" 0
echo "latency: $RATE_COUNT enrollments at 100 requests/s (target p99 < 50 ms)"
"$LOAD" 127.0.0.1 "$PORT" pki/ca.crt pki/issued/loadgen.crt pki/private/loadgen.key \
    "paced-{n}" "$RATE_COUNT" 100
# One device flooding while the others enroll: as many flood requests as the run lasts.
flood() { # SECONDS
    "$LOAD" 127.0.0.1 "$PORT" pki/ca.crt pki/issued/loadgen.crt pki/private/loadgen.key \
        flood-1 $((FLOOD * $1)) "$FLOOD" &
    FLOODER=$!
}
echo "throughput with one device flooding at $FLOOD requests/s"
flood 15
"$LOAD" 127.0.0.1 "$PORT" pki/ca.crt pki/issued/loadgen.crt pki/private/loadgen.key \
    "loadf-{n}" "$COUNT" 0
wait $FLOODER
echo "latency at 100 requests/s with one device flooding at $FLOOD requests/s (target p99 < 2x the run without)"
flood $((RATE_COUNT / 100 + 2))
"$LOAD" 127.0.0.1 "$PORT" pki/ca.crt pki/issued/loadgen.crt pki/private/loadgen.key \
    "pacedf-{n}" "$RATE_COUNT" 100
wait $FLOODER
issued=$(grep -c '"outcome":"issued"' service.log)
lines=$(wc -l < service.log)
echo "service log: $issued certificates issued, $lines lines in all (the flood's are summed up per minute)"
