#!/usr/bin/env bash
# A streaming hot standby of the local PostgreSQL cluster, on loopback, for
# Odoo's read replica (db_replica_host / db_replica_port).
#
#   tools/replica.sh start            make the standby (pg_basebackup -R) and wait for it
#   tools/replica.sh status           its state and lag (the primary's replay_lag is the lag;
#                                     the standby side counts from the last commit it replayed)
#   tools/replica.sh stop             drop the standby and undo every change on the primary
#   tools/replica.sh sync DB          DB's commits wait until the standby has applied them
#   tools/replica.sh async [DB]       back to asynchronous streaming
#
# Environment: REPLICA_PORT (5433), REPLICA_NAME (cs_replica: the standby
# cluster's name, its replication role and its application_name on the
# primary), PG_VERSION (15), PRIMARY_CLUSTER (main). Needs root and Debian's
# postgresql-common (pg_createcluster, pg_ctlcluster, pg_dropcluster).
#
# What 'start' changes on the primary: it creates the role REPLICA_NAME
# (LOGIN REPLICATION, a new random password each start), the physical
# replication slot REPLICA_NAME and, only if no pg_hba.conf line lets the
# role stream from 127.0.0.1, adds one (marked) and reloads. 'stop' drops
# all three. Nothing needs a restart of the primary.
source "$(dirname "$0")/env.sh"

REPLICA_PORT="${REPLICA_PORT:-5433}"
REPLICA_NAME="${REPLICA_NAME:-cs_replica}"
PG_VERSION="${PG_VERSION:-15}"
PRIMARY_CLUSTER="${PRIMARY_CLUSTER:-main}"
PG_BIN="/usr/lib/postgresql/$PG_VERSION/bin"
# Seconds the standby may take to replay up to a consistent state and stream.
REPLICA_WAIT="${REPLICA_WAIT:-120}"
HBA_MARK="# added by tools/replica.sh for $REPLICA_NAME"

[[ "$REPLICA_NAME" =~ ^[a-z][a-z0-9_]*$ ]] || die "REPLICA_NAME must be a lower-case identifier: $REPLICA_NAME"

# env.sh exports the application's PG* settings (user odoo over TCP): the
# postgres commands here go through the local socket as postgres instead.
as_postgres() {
    runuser -u postgres -- env -u PGHOST -u PGPORT -u PGUSER -u PGPASSWORD -u PGDATABASE "$@"
}

preflight() {
    [ "$(id -u)" = 0 ] || die "tools/replica.sh needs root (it runs pg_createcluster and pg_basebackup as postgres)."
    command -v pg_createcluster >/dev/null \
        || die "pg_createcluster not found: install postgresql-common (Debian's cluster tools)."
    [ -x "$PG_BIN/pg_basebackup" ] || die "$PG_BIN/pg_basebackup not found: install postgresql-client-$PG_VERSION."
    cluster_field "$PRIMARY_CLUSTER" 4 | grep -q online \
        || die "the primary cluster $PG_VERSION $PRIMARY_CLUSTER is not online."
    PRIMARY_PORT="$(cluster_field "$PRIMARY_CLUSTER" 3)"
    # A primary restarting (a crash test restarts it) answers again within seconds.
    local deadline=$((SECONDS + 60))
    until as_postgres "$PG_BIN/pg_isready" -q -p "$PRIMARY_PORT"; do
        [ $SECONDS -lt $deadline ] || die "the primary on port $PRIMARY_PORT does not accept connections."
        sleep 1
    done
}

# A column of pg_lsclusters for one cluster (1 version, 2 name, 3 port, 4 status, 6 data dir).
cluster_field() {
    pg_lsclusters --no-header 2>/dev/null | awk -v v="$PG_VERSION" -v c="$1" -v f="$2" '$1 == v && $2 == c { print $f }'
}

primary_sql() { as_postgres psql -p "$PRIMARY_PORT" -X -v ON_ERROR_STOP=1 -qAt "$@"; }
standby_sql() { as_postgres psql -p "$REPLICA_PORT" -X -v ON_ERROR_STOP=1 -qAt "$@"; }

ensure_role() {
    local password="$1"
    primary_sql -d postgres -v role="$REPLICA_NAME" -v password="$password" <<'SQL'
SELECT format('CREATE ROLE %I LOGIN REPLICATION', :'role')
 WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'role') \gexec
ALTER ROLE :"role" LOGIN REPLICATION PASSWORD :'password';
SQL
}

# Debian's default pg_hba.conf already lets any role stream from 127.0.0.1
# with a password; a line is added only where it does not.
ensure_hba() {
    local hba
    hba="$(primary_sql -d postgres -c 'SHOW hba_file')"
    if ! PGPASSWORD="$1" "$PG_BIN/psql" -X -qAt \
            "host=127.0.0.1 port=$PRIMARY_PORT user=$REPLICA_NAME dbname=replication replication=true" \
            -c IDENTIFY_SYSTEM >/dev/null 2>&1; then
        if ! grep -qF "$HBA_MARK" "$hba"; then
            log "Allowing $REPLICA_NAME to stream from 127.0.0.1 in $hba"
            printf '%s\nhost replication %s 127.0.0.1/32 scram-sha-256\n' "$HBA_MARK" "$REPLICA_NAME" >>"$hba"
            primary_sql -d postgres -c 'SELECT pg_reload_conf()' >/dev/null
        fi
    fi
}

remove_hba() {
    local hba
    hba="$(primary_sql -d postgres -c 'SHOW hba_file')"
    if grep -qF "$HBA_MARK" "$hba"; then
        # The mark and the line after it.
        sed -i "\|^$HBA_MARK\$|,+1d" "$hba"
        primary_sql -d postgres -c 'SELECT pg_reload_conf()' >/dev/null
    fi
}

# A slot nobody streams from keeps WAL on the primary for ever: dropped
# before each start and by stop.
drop_slot() {
    # A stopped standby's WAL sender may take a moment to exit.
    local deadline=$((SECONDS + 15))
    while [ "$(primary_sql -d postgres -v name="$REPLICA_NAME" <<'SQL'
SELECT active FROM pg_replication_slots WHERE slot_name = :'name';
SQL
)" = t ]; do
        [ $SECONDS -lt $deadline ] || die "the replication slot $REPLICA_NAME is in use by another standby."
        sleep 0.5
    done
    primary_sql -d postgres -v name="$REPLICA_NAME" >/dev/null <<'SQL'
SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = :'name';
SQL
}

standby_ready() {
    [ "$(standby_sql -d postgres -c 'SELECT pg_is_in_recovery()' 2>/dev/null)" = t ] \
        && [ "$(standby_sql -d postgres -c 'SELECT status FROM pg_stat_wal_receiver' 2>/dev/null)" = streaming ]
}

start() {
    preflight
    if [ -n "$(cluster_field "$REPLICA_NAME" 1)" ]; then
        if standby_ready; then
            log "Standby $PG_VERSION/$REPLICA_NAME already streaming on port $REPLICA_PORT"
            return 0
        fi
        log "Dropping the broken standby $PG_VERSION/$REPLICA_NAME"
        rm -f "/etc/postgresql/$PG_VERSION/$REPLICA_NAME/conf.d/replica.conf"
        pg_dropcluster --stop "$PG_VERSION" "$REPLICA_NAME"
    fi
    if as_postgres "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$REPLICA_PORT"; then
        die "port $REPLICA_PORT is in use: set REPLICA_PORT."
    fi
    [ "$(primary_sql -d postgres -c 'SHOW max_wal_senders')" -gt 0 ] \
        || die "the primary has max_wal_senders = 0: it cannot stream (changing it needs a restart)."

    local password
    password="$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
    ensure_role "$password"
    ensure_hba "$password"

    log "Creating the standby $PG_VERSION/$REPLICA_NAME on port $REPLICA_PORT"
    # pg_createcluster writes the Debian configuration (/etc/postgresql/...);
    # its fresh data directory is then replaced by a base backup of the primary.
    pg_createcluster --start-conf=manual -p "$REPLICA_PORT" "$PG_VERSION" "$REPLICA_NAME" >/dev/null
    local datadir confdir
    datadir="$(cluster_field "$REPLICA_NAME" 6)"
    confdir="/etc/postgresql/$PG_VERSION/$REPLICA_NAME"
    find "$datadir" -mindepth 1 -delete
    drop_slot
    # -R writes standby.signal and primary_conninfo (with this connection's
    # options, application_name included, for synchronous_standby_names).
    # -C -S: a replication slot keeps the primary's WAL from the backup's
    # start until the standby streams it (a busy primary recycles it sooner).
    local started=$SECONDS
    as_postgres env PGPASSWORD="$password" "$PG_BIN/pg_basebackup" \
        -d "host=127.0.0.1 port=$PRIMARY_PORT user=$REPLICA_NAME application_name=$REPLICA_NAME" \
        -D "$datadir" -R -X stream -c fast -C -S "$REPLICA_NAME"
    log "Base backup: $(du -sh "$datadir" | cut -f1) in $((SECONDS - started))s"
    # hot_standby_feedback: the primary's vacuum must not cancel a long
    # report on the standby ("conflict with recovery").
    cat >"$confdir/conf.d/replica.conf" <<CONF
hot_standby = on
hot_standby_feedback = on
CONF
    chown postgres:postgres "$confdir/conf.d/replica.conf"
    pg_ctlcluster "$PG_VERSION" "$REPLICA_NAME" start

    local deadline=$((SECONDS + REPLICA_WAIT))
    until standby_ready; do
        if [ $SECONDS -ge $deadline ]; then
            tail -n 20 "/var/log/postgresql/postgresql-$PG_VERSION-$REPLICA_NAME.log" >&2 || true
            die "the standby did not stream within ${REPLICA_WAIT}s (its log above; 'tools/replica.sh stop' removes it)"
        fi
        sleep 0.5
    done
    log "Standby streaming on 127.0.0.1:$REPLICA_PORT: odoo-bin --db_replica_host=127.0.0.1 --db_replica_port=$REPLICA_PORT"
}

# The primary's configuration as ALTER SYSTEM left it (postgresql.auto.conf).
auto_setting() {
    primary_sql -d postgres -v name="$1" <<'SQL'
SELECT setting FROM pg_file_settings
 WHERE name = :'name' AND sourcefile LIKE '%/postgresql.auto.conf' AND applied;
SQL
}

# synchronous_standby_names applies to the whole primary: its other
# databases default to 'local' meanwhile, so only DB waits for the standby
# (and only DB would hang if the standby went away).
sync_on() {
    local db="${1:?usage: tools/replica.sh sync DB}"
    preflight
    standby_ready || die "the standby $REPLICA_NAME is not streaming: run 'tools/replica.sh start' first."
    local names commit
    names="$(auto_setting synchronous_standby_names)"
    commit="$(auto_setting synchronous_commit)"
    if { [ -n "$names" ] && [ "$names" != "$REPLICA_NAME" ]; } || { [ -n "$commit" ] && [ "$commit" != local ]; }; then
        die "the primary already sets synchronous_standby_names='$names' synchronous_commit='$commit' (ALTER SYSTEM): not overriding it."
    fi
    primary_sql -d postgres -v db="$db" -v name="$REPLICA_NAME" >/dev/null <<'SQL'
ALTER SYSTEM SET synchronous_commit = 'local';
ALTER SYSTEM SET synchronous_standby_names = :'name';
SELECT pg_reload_conf();
ALTER DATABASE :"db" SET synchronous_commit = 'remote_apply';
SQL
    # A reload is not instant: wait until the primary lists the standby as synchronous.
    local deadline=$((SECONDS + 20))
    until [ "$(primary_sql -d postgres -c "SELECT sync_state FROM pg_stat_replication WHERE application_name = '$REPLICA_NAME'")" = sync ]; do
        [ $SECONDS -lt $deadline ] || die "the primary does not treat $REPLICA_NAME as synchronous."
        sleep 0.2
    done
    log "$db commits now wait for the standby (new connections: restart Odoo)"
}

sync_off() {
    preflight
    if [ "$(auto_setting synchronous_standby_names)" = "$REPLICA_NAME" ]; then
        primary_sql -d postgres >/dev/null <<'SQL'
ALTER SYSTEM RESET synchronous_standby_names;
ALTER SYSTEM RESET synchronous_commit;
SELECT pg_reload_conf();
SQL
    fi
    if [ -n "${1:-}" ]; then
        primary_sql -d postgres -v db="$1" <<'SQL'
SELECT format('ALTER DATABASE %I RESET synchronous_commit', :'db')
 WHERE EXISTS (SELECT FROM pg_database WHERE datname = :'db') \gexec
SQL
    fi
}

stop() {
    preflight
    # First: a primary waiting for a standby that is gone hangs every commit.
    sync_off
    if [ -n "$(cluster_field "$REPLICA_NAME" 1)" ]; then
        log "Dropping the standby $PG_VERSION/$REPLICA_NAME"
        # pg_dropcluster leaves a directory holding a file it did not write.
        rm -f "/etc/postgresql/$PG_VERSION/$REPLICA_NAME/conf.d/replica.conf"
        pg_dropcluster --stop "$PG_VERSION" "$REPLICA_NAME"
    fi
    drop_slot
    primary_sql -d postgres -v role="$REPLICA_NAME" <<'SQL'
SELECT format('DROP ROLE %I', :'role') WHERE EXISTS (SELECT FROM pg_roles WHERE rolname = :'role') \gexec
SQL
    remove_hba
}

status() {
    preflight
    if [ -z "$(cluster_field "$REPLICA_NAME" 1)" ]; then
        echo "no standby $PG_VERSION/$REPLICA_NAME"
        return 1
    fi
    echo "primary $PG_VERSION/$PRIMARY_CLUSTER (port $PRIMARY_PORT):"
    primary_sql -d postgres -P footer=off -F ' | ' -v name="$REPLICA_NAME" <<'SQL'
\pset tuples_only off
SELECT application_name, state, sync_state,
       pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn) AS replay_lag_bytes,
       write_lag, flush_lag, replay_lag
  FROM pg_stat_replication WHERE application_name = :'name';
SQL
    echo "standby $PG_VERSION/$REPLICA_NAME (port $REPLICA_PORT):"
    standby_sql -d postgres -P footer=off -F ' | ' <<'SQL'
\pset tuples_only off
SELECT pg_is_in_recovery() AS in_recovery, status AS receiver,
       pg_wal_lsn_diff(pg_last_wal_receive_lsn(), pg_last_wal_replay_lsn()) AS received_not_replayed_bytes,
       now() - pg_last_xact_replay_timestamp() AS since_last_replayed_commit
  FROM pg_stat_wal_receiver;
SQL
}

case "${1:-}" in
    start) start ;;
    stop) stop ;;
    status) status ;;
    sync) shift; sync_on "$@" ;;
    async) shift; sync_off "$@" ;;
    *) die "usage: tools/replica.sh start|stop|status|sync DB|async [DB]" ;;
esac
