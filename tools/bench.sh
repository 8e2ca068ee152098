#!/usr/bin/env bash
# Benchmarks: make bench N=<guests>. Uses (and keeps) the database cs_bench.
source "$(dirname "$0")/env.sh"
cd "$REPO_ROOT"
bash tools/bootstrap.sh
n="${1:-2000}"
db="${BENCH_DB:-cs_bench}"
if psql -d postgres -Atc "SELECT 1 FROM pg_database WHERE datname = '$db'" | grep -q 1; then
    odoo_bin -d "$db" -u "$ADDONS" --stop-after-init --log-level=warn
else
    odoo_bin -d "$db" -i "$ADDONS" --stop-after-init --log-level=warn
fi
mkdir -p bench-results
"$VENV/bin/python" tests/bench/run.py -c "$ODOO_CONF" -d "$db" -n "$n" ${BENCH_K:+-k "$BENCH_K"} \
    | tee "bench-results/bench-$(date +%Y%m%d-%H%M%S).txt"
