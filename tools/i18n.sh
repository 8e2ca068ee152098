#!/usr/bin/env bash
# Refresh each add-on's .pot from a scratch database and merge it into
# zh_CN.po: new terms appear untranslated (the translation test then fails
# until someone translates them), removed terms are dropped.
source "$(dirname "$0")/env.sh"
bash "$REPO_ROOT/tools/bootstrap.sh"

db="${I18N_DB:-cs_i18n}"
if psql -d postgres -Atc "SELECT 1 FROM pg_database WHERE datname = '$db'" | grep -q 1; then
    odoo_bin -d "$db" -u "$ADDONS" --stop-after-init --log-level=warn
else
    odoo_bin -d "$db" -i "$ADDONS" --stop-after-init --log-level=warn
fi
"$VENV/bin/python" "$ODOO_SRC/odoo-bin" i18n export -c "$ODOO_CONF" -d "$db" ${ADDONS//,/ }

"$VENV/bin/python" - "$REPO_ROOT" ${ADDONS//,/ } <<'PY'
import sys
from pathlib import Path

import polib

root = Path(sys.argv[1])
for module in sys.argv[2:]:
    i18n = root / module / "i18n"
    pot = polib.pofile(str(i18n / f"{module}.pot"))
    po_path = i18n / "zh_CN.po"
    if po_path.exists():
        po = polib.pofile(str(po_path))
    else:
        po = polib.POFile()
        po.metadata = dict(pot.metadata)
    po.metadata["Language"] = "zh_CN"
    po.metadata["Plural-Forms"] = "nplurals=1; plural=0;"
    po.metadata["Content-Transfer-Encoding"] = "8bit"
    po.merge(pot)
    for entry in [e for e in po if e.obsolete]:
        po.remove(entry)
    po.save(str(po_path))
    missing = [e for e in po if not e.msgstr]
    print(f"{module}: {len(po)} terms, {len(missing)} untranslated")
PY
# The layout OCA's po-pretty-format check expects.
"$VENV/bin/oca-checks-po" --fix --no-exit "$REPO_ROOT"/*/i18n/zh_CN.po >/dev/null 2>&1 || true
