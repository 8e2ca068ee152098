#!/usr/bin/env bash
# make load: a measured load run (issue #12 §3).
#
# Builds (once, then reuses) a big database: a fresh install with demo data
# grown to ARCHIVES guest archives and LINES consumption lines by
# tests/load/populate.py. Each run works on a copy of it, served by
# WORKERS prefork workers on a free loopback port, and drives it with locust
# (USERS users for TIME, at most MAX_REQUESTS requests). Results go to
# bench-results/: load-<stamp>.md and .json (the summary), load-<stamp>/ (raw
# CSVs and logs).
#
#   USERS=40 TIME=5m WORKERS=4 ARCHIVES=100000 LINES=1000000 make load
#   LOAD_SOURCE=cs_base make load   # clone an installed database instead of installing
#   LOAD_REBUILD=1 make load        # build the big database again
#   KEEP_RUN_DB=1 make load         # keep the run's copy for profiling
#
# Exit status: 0 all good, 1 failures/deadlocks/broken invariants, 2 slower
# than 3 x the baseline's p95.
source "$(dirname "$0")/env.sh"
cd "$REPO_ROOT"

USERS="${USERS:-40}"
SPAWN_RATE="${SPAWN_RATE:-4}"
TIME="${TIME:-5m}"
WORKERS="${WORKERS:-4}"
ARCHIVES="${ARCHIVES:-100000}"
LINES="${LINES:-1000000}"
MAX_REQUESTS="${MAX_REQUESTS:-100000}"
PG_LOG="${PG_LOG:-/var/log/postgresql/postgresql-15-main.log}"
big="${LOAD_DB:-cs_load_${ARCHIVES}_${LINES}}"
stamp="$(date -u +%Y%m%d-%H%M%S)"
out="bench-results/load-$stamp"
filestore="$BUILD_DIR/data/filestore"

[ -x "$VENV/bin/locust" ] || die "locust is missing from $VENV: run 'make setup'."
[ -f "$ODOO_CONF" ] || die "no $ODOO_CONF: run 'make setup'."
mkdir -p "$out"

db_exists() { psql -d postgres -Atc "SELECT 1 FROM pg_database WHERE datname = '$1'" | grep -q 1; }
drop_db() {
    psql -d postgres -qAtc "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '$1'" >/dev/null
    dropdb --if-exists "$1"
    rm -rf "${filestore:?}/$1"
}
copy_db() {  # copy_db SOURCE TARGET: a template copy, with the filestore
    psql -d postgres -qAtc "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '$1'" >/dev/null
    psql -d postgres -qc "CREATE DATABASE \"$2\" TEMPLATE \"$1\" STRATEGY FILE_COPY"
    if [ -d "$filestore/$1" ]; then
        mkdir -p "$filestore/$2" && cp -a "$filestore/$1/." "$filestore/$2/"
    fi
}
facts="$BUILD_DIR/load-$big.json"

# 1. The big database, built once per name.
if [ "${LOAD_REBUILD:-0}" = 1 ] && db_exists "$big"; then
    drop_db "$big"
fi
if ! db_exists "$big"; then
    building="${big}_building"
    drop_db "$building"
    started=$(date +%s)
    if [ -n "${LOAD_SOURCE:-}" ]; then
        log "Copying $LOAD_SOURCE to $building"
        copy_db "$LOAD_SOURCE" "$building"
        installed="copy of $LOAD_SOURCE"
    else
        log "Installing the add-ons with demo data in $building"
        odoo_bin -d "$building" -i "$ADDONS" --with-demo --load-language=zh_CN \
            --stop-after-init --log-level=warn >"$out/install.log" 2>&1 \
            || { tail -n 40 "$out/install.log" >&2; die "the install failed"; }
        installed="fresh install"
    fi
    install_s=$(( $(date +%s) - started ))
    log "Populating $building: $ARCHIVES archives, $LINES consumption lines"
    started=$(date +%s)
    "$VENV/bin/python" tests/load/populate.py -d "$building" \
        --archives "$ARCHIVES" --lines "$LINES" | tee "$out/populate.log"
    populate_s=$(( $(date +%s) - started ))
    psql -d postgres -qc "ALTER DATABASE \"$building\" RENAME TO \"$big\""
    [ -d "$filestore/$building" ] && mv "$filestore/$building" "$filestore/$big"
    printf '{"base": "%s", "base_s": %s, "populate_s": %s}\n' \
        "$installed" "$install_s" "$populate_s" >"$facts"
fi
population="$(cat "$facts" 2>/dev/null || echo '"unknown"')"

# 2. A copy to run on: the big database stays as built.
run_db="${big}_run_$$"
copy_db "$big" "$run_db"
port=$("$VENV/bin/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
server_log="$out/server.log"
pg_offset=0
[ -r "$PG_LOG" ] && pg_offset=$(stat -c %s "$PG_LOG")
cleanup() {
    [ -n "${server_pid:-}" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null || true
    [ "${KEEP_RUN_DB:-0}" = 1 ] || drop_db "$run_db"
}
trap cleanup EXIT
# The big database was built by an earlier checkout: bring the copy to this code.
log "Updating the add-ons in $run_db"
odoo_bin -d "$run_db" -u "$ADDONS" --stop-after-init --log-level=warn >"$out/update.log" 2>&1 \
    || { tail -n 40 "$out/update.log" >&2; die "updating the add-ons failed"; }

log "Serving $run_db with $WORKERS workers on 127.0.0.1:$port"
"$VENV/bin/python" "$ODOO_SRC/odoo-bin" -c "$ODOO_CONF" -d "$run_db" --db-filter="^$run_db\$" --http-interface=127.0.0.1 \
    --http-port="$port" --gevent-port=0 --workers="$WORKERS" --max-cron-threads=0 \
    --limit-time-cpu=600 --limit-time-real=1200 --log-level=info --logfile="$server_log" &
server_pid=$!
for _ in $(seq 1 120); do
    curl -sf -o /dev/null "http://127.0.0.1:$port/web/login" && break
    kill -0 "$server_pid" 2>/dev/null || die "odoo-bin exited, see $server_log"
    sleep 1
done
curl -sf -o /dev/null "http://127.0.0.1:$port/web/login" || die "odoo-bin did not answer, see $server_log"

load_start="$(uptime)"
log "locust: $USERS users for $TIME (at most $MAX_REQUESTS requests)"
LOAD_DB="$run_db" LOAD_SUMMARY="$out/locust-summary.json" \
    "$VENV/bin/locust" -f tests/load/locustfile.py --headless --only-summary \
    -H "http://127.0.0.1:$port" -u "$USERS" -r "$SPAWN_RATE" -t "$TIME" \
    --max-requests "$MAX_REQUESTS" --stop-timeout 30 --csv "$out/locust" \
    >"$out/locust.log" 2>&1 || true
load_end="$(uptime)"
kill "$server_pid" && wait "$server_pid" 2>/dev/null || true
server_pid=
[ -f "$out/locust-summary.json" ] || { tail -n 40 "$out/locust.log" >&2; die "locust wrote no summary"; }

pg_args=()
if [ -r "$PG_LOG" ]; then
    tail -c +"$((pg_offset + 1))" "$PG_LOG" >"$out/postgresql.log"
    pg_args=(--pg-log "$out/postgresql.log")
fi
run=$(printf '{"stamp": "%s", "database": "%s", "population": %s, "workers": %s, "users": %s, "spawn_rate": %s, "time": "%s", "max_requests": %s, "load_start": "%s", "load_end": "%s"}' \
    "$stamp" "$big" "$population" "$WORKERS" "$USERS" "$SPAWN_RATE" "$TIME" "$MAX_REQUESTS" \
    "$(echo "$load_start" | sed 's/^ *//')" "$(echo "$load_end" | sed 's/^ *//')")
status=0
"$VENV/bin/python" tests/load/report.py --database "$run_db" --summary "$out/locust-summary.json" \
    --server-log "$server_log" "${pg_args[@]}" --run "$run" --out "bench-results/load-$stamp" \
    || status=$?
log "Summary: bench-results/load-$stamp.md (raw files in $out/)"
exit "$status"
