#!/usr/bin/env bash
# The audit differential test on many seeds: `mqauth audit` against the real Mosquitto on
# generated configurations (tests/suite/audit_differential.rs). Prints how many were tried
# and every disagreement (seed, configuration, probes, findings).
#   benches/audit-differential.sh [COUNT] [FROM]     (default 2000 from seed 0)
set -euo pipefail
cd "$(dirname "$0")/.."
count=${1:-2000}
from=${2:-0}
MQAUTH_DIFF_SEEDS=$count MQAUTH_DIFF_FROM=$from \
  cargo test --release --test suite audit_differential -- --nocapture 2>&1 |
  grep -E '^(audit differential|seed |test result)|disagree' || true
