#!/usr/bin/env bash
# Idempotent setup: system packages, the Odoo tree, the virtualenv, PostgreSQL
# and the Odoo configuration file. Each step is skipped when already done.
source "$(dirname "$0")/env.sh"

DEBIAN_PACKAGES=(postgresql libpq-dev libldap2-dev libsasl2-dev chromium git)

ensure_debian_packages() {
    local missing=()
    for pkg in "${DEBIAN_PACKAGES[@]}"; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" \
            || missing+=("$pkg")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null; then
        die "missing system packages: ${missing[*]}. Install them with: sudo apt-get install ${missing[*]}"
    fi
    log "Installing Debian packages: ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
    # An upgraded postgresql package leaves a stale server that cannot load plpgsql.
    if [[ " ${missing[*]} " == *" postgresql "* ]] && command -v pg_ctlcluster >/dev/null; then
        pg_lsclusters -h 2>/dev/null | while read -r ver name _; do
            pg_ctlcluster "$ver" "$name" restart || true
        done
    fi
}

ensure_odoo_src() {
    [ -f "$ODOO_SRC/odoo-bin" ] && return 0
    log "No Odoo tree at $ODOO_SRC: cloning Odoo 19.0"
    if ! git clone --depth 1 -b 19.0 https://github.com/odoo/odoo "$ODOO_SRC"; then
        die "no Odoo 19 tree at ODOO_SRC=$ODOO_SRC and it could not be cloned: run 'git clone --depth 1 -b 19.0 https://github.com/odoo/odoo /path/to/odoo' and set ODOO_SRC=/path/to/odoo."
    fi
}

# pip, without the warnings about absent local find-links folders.
pip_quiet() { "$VENV/bin/python" -m pip "$@" 2> >(grep -v "is ignored: it is neither" >&2); }

ensure_venv() {
    local stamp="$VENV/.cs-requirements.sha1" want
    want=$(cat "$ODOO_SRC/requirements.txt" "$REPO_ROOT/requirements.txt" \
        "$REPO_ROOT/requirements-dev.txt" "$REPO_ROOT/constraints.txt" | sha1sum | cut -d' ' -f1)-$ODOO_SRC
    if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
        return 0
    fi
    log "Creating the virtualenv in $VENV"
    [ -x "$VENV/bin/python" ] || "$PYTHON" -m venv "$VENV"
    local pip=(pip_quiet install -q --disable-pip-version-check -c "$REPO_ROOT/constraints.txt")
    "${pip[@]}" --upgrade "pip>=23.2" "setuptools<81" wheel
    "${pip[@]}" -r "$ODOO_SRC/requirements.txt"
    # compat mode: a plain .pth entry, so odoo.addons.__path__ holds only real folders.
    "${pip[@]}" -e "$ODOO_SRC" --config-settings editable_mode=compat 2>&1 \
        | { grep -v -E "BuildBackendWarning|^ +|^$|!!" || true; } >&2
    "${pip[@]}" -r "$REPO_ROOT/requirements.txt" -r "$REPO_ROOT/requirements-dev.txt"
    echo "$want" > "$stamp"
}

pg_ready() { pg_isready -q -h "$PGHOST" -p "$PGPORT" 2>/dev/null; }

ensure_postgres() {
    if [ "$PG_MANAGED" = 1 ] && [ "$(id -u)" -eq 0 ] && command -v pg_lsclusters >/dev/null; then
        if ! pg_ready; then
            log "Starting PostgreSQL"
            local ver
            ver=$(pg_lsclusters -h | awk 'NR==1 {print $1}')
            [ -n "$ver" ] || die "no PostgreSQL cluster found; create one with pg_createcluster"
            pg_ctlcluster "$ver" main start
            for _ in $(seq 30); do pg_ready && break; sleep 1; done
        fi
        # A non-superuser role that may create databases (Odoo refuses 'postgres').
        # PG* variables name our role, not the superuser: clear them for this call.
        runuser -u postgres -- env -u PGHOST -u PGUSER -u PGPASSWORD \
            psql -q -v ON_ERROR_STOP=1 -p "$PGPORT" -d postgres <<SQL
DO \$\$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$PGUSER') THEN
    CREATE ROLE "$PGUSER" LOGIN CREATEDB PASSWORD '$PGPASSWORD';
  END IF;
END \$\$;
SQL
    fi
    pg_ready || die "PostgreSQL is not reachable at $PGHOST:$PGPORT. Start it, or set PGHOST/PGPORT/PGUSER/PGPASSWORD to a server where PGUSER may create databases."
    psql -q -d postgres -c 'SELECT 1' >/dev/null \
        || die "cannot log in to PostgreSQL as $PGUSER at $PGHOST:$PGPORT: check PGUSER/PGPASSWORD"
}

write_odoo_conf() {
    mkdir -p "$BUILD_DIR/data"
    cat > "$ODOO_CONF" <<CONF
[options]
addons_path = $ODOO_SRC/addons,$REPO_ROOT
data_dir = $BUILD_DIR/data
db_host = $PGHOST
db_port = $PGPORT
db_user = $PGUSER
db_password = $PGPASSWORD
http_interface = 127.0.0.1
http_port = $HTTP_PORT
CONF
    chmod 600 "$ODOO_CONF"
}

ensure_debian_packages
ensure_odoo_src
ensure_venv
ensure_postgres
write_odoo_conf
