#!/usr/bin/env bash
# Issue #13: `export --all` streams a fleet for a manufacturing line. Measures wall time and peak
# memory (GNU time's maximum RSS) for fleets of SMALL and LARGE devices (half mTLS, half PSK),
# keys included: memory that grows with the fleet, beyond what reading the manifest and PSK
# store costs, would mean the stream is being held.
source "$(dirname "$0")/common.sh"
SMALL=${SMALL:-10000}
LARGE=${LARGE:-100000}
for n in "$SMALL" "$LARGE"; do
    dir="$WORK/fleet-$n"
    mkdir -p "$dir"
    half=$((n / 2))
    cat > "$dir/fleet.yaml" <<YAML
fleet: acme
brokers:
  - { name: b1, dns: [mqtt.acme.example], mtls_port: 8883, psk_port: 8884 }
groups:
  s: { auth: mtls, publish: ["d/{id}"] }
  g: { auth: psk, publish: ["g/{id}"] }
devices:
  - { template: "s-{n:06}", from: 1, to: $half, group: s }
  - { template: "g-{n:06}", from: 1, to: $half, group: g }
YAML
    echo "applying $n devices..." >&2
    (cd "$dir" && "$MQAUTH" -q fleet apply)
    times=()
    for t in $(seq 1 "${TRIALS}"); do
        out=$( { /usr/bin/time -f '%e %M' "$MQAUTH" -q export --all -m "$dir/fleet.yaml" \
            --include-keys --force --out "$dir/factory.jsonl" ; } 2>&1 | tail -1)
        times+=("$(echo "$out" | cut -d' ' -f1)")
        rss=$(echo "$out" | cut -d' ' -f2)
    done
    bytes=$(stat -c %s "$dir/factory.jsonl")
    printf 'export --all, %s devices (%s MB written)\n' "$n" "$((bytes / 1000000))"
    printf '  trials: %s s; peak RSS %s MiB (last trial)\n' "${times[*]}" "$((rss / 1024))"
done
