#!/usr/bin/env bash
# Records in PostgreSQL (docs/postgres.md), on a throwaway cluster started here (as the
# postgres user when run as root; loopback, its own port and socket directory, fsync off):
#   `pki migrate` of a SQLite PKI of COUNT (10,000) client certificates; then on the moved PKI
#   one more certificate, `pki revoke NAME` with the CRL re-signed, `pki list --expiring 30d`.
# PG_BIN picks the server programs (default: the newest /usr/lib/postgresql/*/bin).
source "$(dirname "$0")/common.sh"
COUNT=${COUNT:-10000}
PG_BIN=${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)}
PORT=${PORT:-$(( 20000 + RANDOM % 20000 ))}
PGDIR=$(mktemp -d /tmp/mqauth-bench-pg.XXXXXX)
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
[ "$(id -u)" = 0 ] && chown postgres:postgres "$PGDIR"
stop_pg() {
    as_pg "$PG_BIN/pg_ctl" -D "$PGDIR/data" -m fast -w stop >/dev/null 2>&1 || true
    rm -rf "$PGDIR"
}
trap stop_pg EXIT
as_pg "$PG_BIN/initdb" -D "$PGDIR/data" -U postgres --auth-local=trust --auth-host=trust \
    --no-sync -E UTF8 --locale=C.UTF-8 >/dev/null
as_pg "$PG_BIN/pg_ctl" -D "$PGDIR/data" -l "$PGDIR/server.log" -w -t 30 \
    -o "-c listen_addresses=127.0.0.1 -p $PORT -k $PGDIR -c fsync=off -c synchronous_commit=off" \
    start >/dev/null
as_pg "$PG_BIN/psql" -h "$PGDIR" -p "$PORT" -U postgres -d postgres -qAt -v ON_ERROR_STOP=1 \
    -c "CREATE ROLE bench LOGIN" -c "CREATE DATABASE pki OWNER bench"
URL="postgres://bench@127.0.0.1:$PORT/pki"

"$MQAUTH" -q pki init --dir "$WORK/pki"
echo "building a SQLite PKI of $COUNT client certificates in $WORK..." >&2
built=$(time_once "$WORK" "$MQAUTH" -q pki client --count "$COUNT")
awk -v t="$built" -v c="$COUNT" 'BEGIN { printf "pki client --count %d: %.1f s\n", c, t }'
moved=$(time_once "$WORK" "$MQAUTH" -q pki migrate --records "$URL")
report "pki migrate of $COUNT certificates to PostgreSQL" 30 "$moved"

cd "$WORK"
stamp=$(date +%s)
one=()
for t in $(seq "$TRIALS"); do
    one+=("$(time_once . "$MQAUTH" -q pki client "bench-$stamp-$t")")
done
report "one more certificate (PostgreSQL, $COUNT in the PKI)" 0.05 "${one[@]}"
revoke=()
for t in $(seq "$TRIALS"); do
    revoke+=("$(time_once . "$MQAUTH" -q pki revoke "device-$(printf %04d "$t")")")
done
report "pki revoke NAME, CRL re-signed (PostgreSQL)" 0.2 "${revoke[@]}"
list=()
for t in $(seq "$TRIALS"); do
    list+=("$(time_once . sh -c "'$MQAUTH' pki list --expiring 30d >/dev/null")")
done
report "pki list --expiring 30d (PostgreSQL)" 0.2 "${list[@]}"
