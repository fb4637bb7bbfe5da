#!/usr/bin/env bash
# Issue #6 targets, for a manifest of 100,000 devices (half mTLS, half PSK):
#   fleet apply, first run   <= 6 s
#   fleet apply, no-op run   <= 0.5 s
#   acl render               <= 0.3 s
source "$(dirname "$0")/common.sh"
HALF=${HALF:-50000}
cat > "$WORK/fleet.yaml" <<YAML
fleet: bench
brokers:
  - { name: broker1, listen: 127.0.0.1, dns: [mqtt.bench.example], ip: [127.0.0.1], mtls_port: 8883, psk_port: 8884 }
groups:
  sensors: { auth: mtls, publish: ["devices/{id}/telemetry", "devices/{id}/status"], subscribe: ["devices/{id}/cmd/#"] }
  gateways: { auth: psk, publish: ["gateways/{id}/#"], subscribe: ["devices/+/telemetry"] }
devices:
  - { template: "sensor-{n:06}", from: 1, to: $HALF, group: sensors }
  - { template: "gw-{n:06}", from: 1, to: $HALF, group: gateways }
YAML
first=()
noop=()
acl=()
for i in $(seq "$TRIALS"); do
    sync
    first+=("$(time_once "$WORK" "$MQAUTH" -q fleet apply -m fleet.yaml --fleet-dir "run$i")")
    noop+=("$(time_once "$WORK" "$MQAUTH" -q fleet apply -m fleet.yaml --fleet-dir "run$i")")
    acl+=("$(time_once "$WORK" sh -c "'$MQAUTH' -q acl render -m fleet.yaml --fleet-dir run$i > acl.txt")")
done
test "$(ls "$WORK/run1/pki/issued" | wc -l)" -eq "$((HALF + 2))"
test "$(grep -c : "$WORK/run1/psk/devices.psk")" -eq "$HALF"
report "fleet apply, first run ($((2 * HALF)) devices)" 6.0 "${first[@]}"
report "fleet apply, second run (no-op)" 0.5 "${noop[@]}"
report "acl render (mosquitto)" 0.3 "${acl[@]}"
