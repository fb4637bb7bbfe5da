# Shared by the benchmark scripts: a release build, fresh directories, wall-clock timing.
#
# Trial directories are NOT deleted by the scripts. ext4's inode allocator avoids reusing inodes
# freed in the last 60-300 s (fs/ext4/ialloc.c, recently_deleted()), and after tens of
# thousands of deletions every file creation scans past them: `perf` shows 70% of the time in
# recently_deleted(), and issuance runs 3-7x slower. Deleting a previous run's files and
# benchmarking at once would measure that scan, not mqauth. Remove target/bench.* yourself, and
# wait five minutes before the next run.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cargo build --release --quiet --manifest-path "$ROOT/Cargo.toml"
MQAUTH="$ROOT/target/release/mqauth"
WORK=$(mktemp -d "${BENCH_DIR:-$ROOT/target}/bench.XXXXXX")
echo "trial directories: $WORK (remove them yourself; see the note in benches/common.sh)" >&2
TRIALS=${TRIALS:-5}

# time_once DIR CMD...: runs CMD in DIR and prints its wall time in seconds.
time_once() {
    local dir=$1
    shift
    local start end
    start=$(date +%s.%N)
    (cd "$dir" && "$@")
    end=$(date +%s.%N)
    awk -v s="$start" -v e="$end" 'BEGIN { printf "%.3f\n", e - s }'
}

# report LABEL TARGET TIMES...: prints each trial, the best and the median, and whether the
# median meets TARGET seconds.
report() {
    local label=$1 target=$2
    shift 2
    local sorted median best
    sorted=$(printf '%s\n' "$@" | sort -n)
    best=$(echo "$sorted" | head -1)
    median=$(echo "$sorted" | sed -n "$(( ($# + 1) / 2 ))p")
    printf '%s\n' "$label"
    printf '  trials: %s\n' "$(printf '%.3f ' "$@")"
    printf '  best %.3f s, median %.3f s, target <= %s s: %s\n' "$best" "$median" "$target" \
        "$(awk -v m="$median" -v t="$target" 'BEGIN { print (m <= t) ? "met" : "NOT met" }')"
}
