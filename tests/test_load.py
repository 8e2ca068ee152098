"""A short load run: every role's journey at once, on a real prefork server.

Ten locust users for a minute (``make load`` is the measured run: 40 users,
five minutes, 100,000 archives): CS staff work their callback queue, open
archives, log calls, register complaints and ask to borrow a colleague's
archive; liaisons report consumption; a manager approves the borrows and
signs compensation up to their limits; finance opens the collections and
downloads the ledger; a plain user lists and opens contacts, the baseline.

It runs on a copy of the test database grown by a small population (the
journeys need guests with archives and callbacks waiting), and asserts what
must hold under any load: no failed request, no server error, no deadlock,
no authority limit overspent, no points spent twice. The speed goal (p95
within 3 x the baseline's) is ``make load``'s; here the table is printed.
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

import pytest
from load import populate, report
from odoo_process import REPO_ROOT, Odoo, Server, clone_database, conf_path

LOAD_DIR = Path(__file__).resolve().parent / "load"

USERS = 10
SPAWN_RATE = 5
RUN_TIME = "60s"
MAX_REQUESTS = 5000
WORKERS = 3
ARCHIVES = 2000
LINES = 30000
PG_LOG = Path("/var/log/postgresql/postgresql-15-main.log")
# What each journey leaves in the database, counted before and after.
WORK = {
    "callbacks logged": "SELECT count(*) FROM cs_contact_log WHERE feedback = 'Load test call.'",
    "complaints": "SELECT count(*) FROM cs_complaint WHERE description LIKE '%%Load test%%'",
    "consumptions": "SELECT count(*) FROM cs_consumption WHERE external_ref LIKE 'LOAD-%%'",
    "borrows approved": "SELECT count(*) FROM cs_archive_access_request"
    " WHERE state = 'approved' AND reason LIKE 'Load test%%'",
    "compensations signed": "SELECT count(*) FROM cs_compensation"
    " WHERE state = 'done' AND description LIKE 'Load test%%'",
}


def _counts(odoo):
    conn = odoo.connect(odoo.db)
    try:
        with conn.cursor() as cr:
            result = {}
            for key, query in WORK.items():
                cr.execute(query)
                result[key] = cr.fetchone()[0]
            return result
    finally:
        conn.close()


def _pg_env(odoo):
    opts = odoo.options
    env = dict(os.environ)
    for name, var in (
        ("db_host", "PGHOST"),
        ("db_port", "PGPORT"),
        ("db_user", "PGUSER"),
        ("db_password", "PGPASSWORD"),
    ):
        if opts.get(name) not in (None, "", "False"):
            env[var] = opts[name]
    return env


@pytest.fixture(scope="module")
def load_run(db_name):
    workdir = Path(tempfile.mkdtemp(prefix="cs_load_"))
    odoo = Odoo(conf_path(), f"{db_name}_load_{uuid.uuid4().hex[:6]}", workdir)
    clone_database(odoo, db_name)
    server = Server(odoo, workers=WORKERS)
    try:
        conn = odoo.connect(odoo.db)
        conn.autocommit = False
        try:
            with conn, conn.cursor() as cr:
                populate.populate(cr, ARCHIVES, LINES, log=lambda *_: None)
        finally:
            conn.close()
        before = _counts(odoo)
        pg_offset = PG_LOG.stat().st_size if os.access(PG_LOG, os.R_OK) else None
        server.start()
        summary = workdir / "summary.json"
        env = _pg_env(odoo)
        env.update(LOAD_DB=odoo.db, LOAD_SUMMARY=str(summary))
        proc = subprocess.run(
            [
                sys.executable, "-m", "locust",
                "-f", str(LOAD_DIR / "locustfile.py"),
                "--headless", "--only-summary",
                "-H", server.url,
                "-u", str(USERS), "-r", str(SPAWN_RATE), "-t", RUN_TIME,
                "--max-requests", str(MAX_REQUESTS),
                "--stop-timeout", "20",
            ],
            env=env,
            capture_output=True,
            text=True,
            timeout=240,
            check=False,
        )  # fmt: skip
        server.stop()
        # Kept for a look after the run (the work directory goes).
        shutil.copy(server.log_path, REPO_ROOT / ".build" / "test-load-server.log")
        if not summary.is_file():
            pytest.fail("locust wrote no summary:\n" + proc.stderr[-4000:])
        pg_log = None
        if pg_offset is not None:
            pg_log = workdir / "postgresql.log"
            with open(PG_LOG, "rb") as src:
                src.seek(pg_offset)
                pg_log.write_bytes(src.read())
        result = report.collect(
            odoo.db,
            summary,
            server.log_path,
            pg_log,
            {"database": odoo.db, "workers": WORKERS, "users": USERS, "time": RUN_TIME},
        )
        result["work"] = {key: count - before[key] for key, count in _counts(odoo).items()}
        yield result
    finally:
        server.stop()
        odoo.drop()
        shutil.rmtree(workdir, ignore_errors=True)


def test_journeys_hold_under_load(load_run):
    result = load_run
    print("\n" + report.table(result["locust"]))
    print(f"p95 / baseline p95: {result['ratios']} (goal <= {report.GOAL_RATIO:g})")
    print(f"server log: {result['server_log']}; PostgreSQL log: {result['pg_log']}")
    print(f"work done: {result['work']}")
    assert not report.problems(result), (
        f"{report.problems(result)}\nfailures: {json.dumps(result['locust']['errors'], indent=1)}"
        f"\nserver errors: {result['server_errors'][:10]}"
        f"\ninvariants: {result['invariants']}"
    )
    idle = [j for j, figures in result["locust"]["journeys"].items() if not figures["requests"]]
    assert not idle, f"journeys that never ran: {idle}"
    undone = [key for key, count in result["work"].items() if count <= 0]
    assert not undone, f"journeys that left nothing: {undone} ({result['work']})"
