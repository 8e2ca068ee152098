# Shared settings for the project's scripts. Source it; do not run it.
# Every value can be overridden from the environment.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export REPO_ROOT
# Sourced before for another checkout (a CI clone run from a developer's
# shell): its paths must not leak into this one's.
if [ -n "${CS_ENV_ROOT:-}" ] && [ "$CS_ENV_ROOT" != "$REPO_ROOT" ]; then
    unset VENV BUILD_DIR
fi
export CS_ENV_ROOT="$REPO_ROOT"
export ODOO_SRC="${ODOO_SRC:-/opt/odoo}"
export VENV="${VENV:-$REPO_ROOT/.venv}"
export BUILD_DIR="${BUILD_DIR:-$REPO_ROOT/.build}"
export ODOO_CONF="$BUILD_DIR/odoo.conf"
export PYTHON="${PYTHON:-python3}"

# PostgreSQL. When none of PGHOST/PGUSER is given, the scripts use (and, as
# root, create) a local server with a password-authenticated role: Odoo refuses
# to run as the 'postgres' superuser.
# Decided once, by the first script: the scripts it runs inherit the
# exported PG* values and must not mistake them for the user's.
if [ -z "${PG_MANAGED:-}" ]; then
    PG_MANAGED=0
    if [ -z "${PGHOST:-}" ] && [ -z "${PGUSER:-}" ]; then
        PG_MANAGED=1
    fi
fi
export PG_MANAGED
export PGHOST="${PGHOST:-127.0.0.1}"
export PGPORT="${PGPORT:-5432}"
export PGUSER="${PGUSER:-odoo}"
export PGPASSWORD="${PGPASSWORD:-odoo}"

export DEMO_DB="${DEMO_DB:-customer_service_demo}"
export HTTP_PORT="${HTTP_PORT:-8069}"
export ADDONS="customer_service,customer_service_reports"

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf 'ERROR: %s\n' "$*" >&2; exit 1; }

odoo_bin() { "$VENV/bin/python" "$ODOO_SRC/odoo-bin" -c "$ODOO_CONF" "$@"; }
