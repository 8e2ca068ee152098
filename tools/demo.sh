#!/usr/bin/env bash
# Serve the product on a demo database at http://127.0.0.1:$HTTP_PORT.
# WORKERS=N serves in prefork mode, as production does: N HTTP workers, cron
# workers apart (CRON_THREADS, default 1), the bus on GEVENT_PORT, and the
# memory and time limits of the README's "Running a hotel group".
source "$(dirname "$0")/env.sh"
cd "$REPO_ROOT"
bash tools/bootstrap.sh

if psql -d postgres -Atc "SELECT 1 FROM pg_database WHERE datname = '$DEMO_DB'" | grep -q 1; then
    log "Updating the demo database $DEMO_DB"
    odoo_bin -d "$DEMO_DB" -u "$ADDONS" --stop-after-init --log-level=warn
else
    log "Creating the demo database $DEMO_DB (about three minutes)"
    odoo_bin -d "$DEMO_DB" -i "$ADDONS" --with-demo --load-language=zh_CN \
        --stop-after-init --log-level=warn
fi

cat <<MSG

  Customer Service is at http://127.0.0.1:$HTTP_PORT   (database: $DEMO_DB)

  Demo logins (password = login):
    admin            administrator, English (password: admin)
    cs_staff         CS staff 王丽            cs_staff2       CS staff 李强
    cs_supervisor    information supervisor   cs_manager      CS manager
    cs_leader        company leader / GM      cs_finance      finance
    cs_liaison_fo    front office liaison     cs_liaison_fnb  F&B liaison
    cs_liaison_hk    housekeeping liaison     cs_liaison_rec  recreation liaison

  Stop with Ctrl-C.
MSG
serving=()
if [ "${WORKERS:-0}" -gt 0 ]; then
    log "Prefork: $WORKERS HTTP workers, ${CRON_THREADS:-1} cron worker(s), bus on port ${GEVENT_PORT:-8072}"
    serving=(
        --workers="$WORKERS"
        --max-cron-threads="${CRON_THREADS:-1}"
        --gevent-port="${GEVENT_PORT:-8072}"
        --limit-memory-soft="${LIMIT_MEMORY_SOFT:-2147483648}"
        --limit-memory-hard="${LIMIT_MEMORY_HARD:-2684354560}"
        --limit-time-cpu="${LIMIT_TIME_CPU:-600}"
        --limit-time-real="${LIMIT_TIME_REAL:-1200}"
        --limit-time-real-cron="${LIMIT_TIME_REAL_CRON:-3600}"
        --limit-request=8192
    )
fi
exec "$VENV/bin/python" "$ODOO_SRC/odoo-bin" -c "$ODOO_CONF" -d "$DEMO_DB" \
    --db-filter="^${DEMO_DB}\$" --log-level=info "${serving[@]}"
