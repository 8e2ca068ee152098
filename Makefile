# The two commands a newcomer needs are 'make demo' and 'make test'.
SHELL := /bin/bash
.DEFAULT_GOAL := help
N ?= 2000

.PHONY: help setup demo serve test lint bench load i18n readme

help:
	@echo "make demo    serve the product on a demo database at http://127.0.0.1:8069"
	@echo "make serve   the same in prefork mode, as in production (WORKERS=N, default 2 x cores + 1)"
	@echo "make test    run every test on a new database (TESTS='path ...' to narrow)"
	@echo "make lint    ruff, pylint-odoo and OCA checks"
	@echo "make bench   benchmarks (N=<guests>, default $(N))"
	@echo "make load    load run: locust, USERS=40 TIME=5m on 4 workers, 100k archives (see tools/load.sh)"
	@echo "make i18n    refresh .pot files and merge new terms into zh_CN.po"
	@echo "make readme  regenerate each add-on's README.rst from readme/*.md"
	@echo "make setup   install system packages, the virtualenv and PostgreSQL role"
	@echo "make replica a streaming read replica of the local PostgreSQL on port 5433 (REPLICA_PORT); make replica-stop drops it"

setup:
	bash tools/bootstrap.sh

demo:
	WORKERS=$(WORKERS) bash tools/demo.sh

serve:
	WORKERS=$(or $(WORKERS),$$(( $$(nproc) * 2 + 1 ))) bash tools/demo.sh

test:
	bash tools/test.sh $(TESTS)

lint: setup
	bash tools/lint.sh

bench:
	bash tools/bench.sh $(N)

load:
	bash tools/load.sh

i18n:
	bash tools/i18n.sh

readme:
	.venv/bin/python tools/gen_readme.py

replica: ; bash tools/replica.sh start
replica-stop: ; bash tools/replica.sh stop
