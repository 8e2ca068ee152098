#!/usr/bin/env bash
# Static checks: ruff (lint and format), pylint-odoo's mandatory checks, OCA's
# manifest/XML/PO checks, and generated READMEs being current.
source "$(dirname "$0")/env.sh"
cd "$REPO_ROOT"
addons=(customer_service customer_service_reports)
rc=0
run() { log "$*"; "$@" || rc=1; }
run "$VENV/bin/ruff" check .
run "$VENV/bin/ruff" format --check .
run "$VENV/bin/pylint" --rcfile=.pylintrc-mandatory "${addons[@]}"
run "$VENV/bin/oca-checks-odoo-module" "${addons[@]}"
run "$VENV/bin/oca-checks-po" "${addons[@]/%//i18n/zh_CN.po}"
run "$VENV/bin/python" tools/gen_readme.py --check
[ $rc -eq 0 ] || die "lint failed"
