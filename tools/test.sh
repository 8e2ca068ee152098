#!/usr/bin/env bash
# Run every test on a new, empty database: lint, the add-ons' Odoo tests
# (browser tours included) and the repository-level tests, with pytest and
# pytest-odoo. Extra arguments go to pytest (e.g. a path or -k EXPR).
source "$(dirname "$0")/env.sh"
cd "$REPO_ROOT"
bash tools/bootstrap.sh

# Odoo skips browser tests silently without Chromium or websocket-client:
# here that is an error (and conftest.py fails any browser test that skips).
command -v chromium >/dev/null || command -v chromium-browser >/dev/null \
    || command -v google-chrome >/dev/null \
    || die "Chromium is not installed: browser tests cannot run. Install it (apt-get install chromium)."
"$VENV/bin/python" -c "import websocket" 2>/dev/null \
    || die "websocket-client is missing from $VENV: browser tests cannot run. Run 'make setup'."

[ "${SKIP_LINT:-0}" = 1 ] || bash tools/lint.sh

db="cs_test_$(date +%Y%m%d_%H%M%S)_$$"
export CS_TEST_DB="$db"
cleanup() {
    dropdb --if-exists "$db" 2>/dev/null || true
    rm -rf "$BUILD_DIR/data/filestore/$db"
}
trap cleanup EXIT

log "Creating $db with both add-ons, demo data and zh_CN"
install_log="$BUILD_DIR/install-$db.log"
start=$(date +%s)
if ! odoo_bin -d "$db" -i "$ADDONS" --with-demo --load-language=zh_CN \
        --stop-after-init --log-level=warn >"$install_log" 2>&1; then
    tail -n 60 "$install_log" >&2
    die "installing the add-ons failed (log: $install_log)"
fi
if grep -E "^[0-9-]+ [0-9:,]+ [0-9]+ (ERROR|CRITICAL) " "$install_log"; then
    die "the install logged errors (log: $install_log)"
fi
log "Installed in $(( $(date +%s) - start ))s"

paths=("$@")
[ ${#paths[@]} -gt 0 ] || paths=(customer_service customer_service_reports tests)
"$VENV/bin/pytest" --odoo-config="$ODOO_CONF" --odoo-database="$db" --odoo-http \
    --odoo-log-level=warn "${paths[@]}"
