"""Odoo's read replica on a real PostgreSQL streaming standby.

``tools/replica.sh start`` makes a hot standby of the local cluster
(``pg_basebackup -R``, on a free loopback port); a prefork Odoo serves a copy
of the test database with ``--db_replica_host/--db_replica_port`` pointing at
it. The demo users then work through the web client's routes, and each side's
``pg_stat_user_tables`` (scans per table, counted by whichever server ran
the query) shows where each request ran:

- lists (``web_search_read``) and report downloads (the compensation ledger
  XLSX, the compensation voucher) run on the standby, nothing on the primary;
- opening a confidential archive, the guest register (both write their
  access-log row) and signing a compensation run on the primary;
- no request hits the standby with a write and has to be served again.

Read-your-writes: Odoo sends a read-only request to the standby whatever the
session wrote a moment ago. With asynchronous streaming a record just
created can be missing there (measured on loopback: 0 to 6 in 50, more
under load), so
the test measures that, then makes the copy's commits wait for the standby
(``synchronous_commit = remote_apply``) and proves every fresh record opens
at once. The primary's settings are restored, and the standby dropped, even
when a test fails.

It needs root and Debian's PostgreSQL tools, as 'make test' has them; without
them it fails and says so.
"""

import json
import os
import re
import shutil
import subprocess
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import quote

import psycopg2
import pytest
from odoo_process import REPO_ROOT, Odoo, Server, clone_database, conf_path, errors, free_port
from test_readonly_routes import RETRY_WARNING, Browser

REPLICA_NAME = "cs_replica_test"
# A busy backend publishes its table statistics when it has been idle for
# up to 10 s (PGSTAT_IDLE_INTERVAL): each side is read after that.
STATS_FLUSH = 11
RYW_PAIRS = 50
FIGURES = {}


def _replica_sh(*args, port):
    env = dict(os.environ, REPLICA_NAME=REPLICA_NAME, REPLICA_PORT=str(port))
    try:
        proc = subprocess.run(
            ["bash", str(REPO_ROOT / "tools" / "replica.sh"), *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"tools/replica.sh {' '.join(args)} did not finish within 300 s")
    if proc.returncode:
        pytest.fail(f"tools/replica.sh {' '.join(args)} failed:\n{proc.stdout}{proc.stderr}")
    return proc.stdout


class Side:
    """One PostgreSQL server holding the copy: its scans per table, and its WAL position."""

    def __init__(self, odoo, port=None):
        self.odoo, self.port = odoo, port

    def connect(self):
        if self.port is None:
            return self.odoo.connect(self.odoo.db)
        options = self.odoo.options
        conn = psycopg2.connect(
            dbname=self.odoo.db,
            host="127.0.0.1",
            port=self.port,
            user=options.get("db_user") or os.environ.get("PGUSER"),
            password=options.get("db_password") or os.environ.get("PGPASSWORD"),
        )
        conn.autocommit = True
        return conn

    def query(self, query, params=()):
        conn = self.connect()
        try:
            with conn.cursor() as cr:
                cr.execute(query, params)
                return cr.fetchall()
        finally:
            conn.close()

    def scans(self, tables):
        rows = self.query(
            "SELECT relname, coalesce(seq_scan, 0) + coalesce(idx_scan, 0)"
            " FROM pg_stat_user_tables WHERE relname = ANY(%s)",
            [list(tables)],
        )
        return {table: dict(rows).get(table, 0) for table in tables}


def scans_during(served, tables, actions):
    """Run ``actions``; return the scans of ``tables`` they caused on each side."""
    primary, replica = served["primary"], served["replica"]
    # What earlier requests counted must be published before, not during.
    time.sleep(STATS_FLUSH)
    before = {"primary": primary.scans(tables), "replica": replica.scans(tables)}
    results = [action() for action in actions]
    time.sleep(STATS_FLUSH)
    after = {"primary": primary.scans(tables), "replica": replica.scans(tables)}
    delta = {
        side: {t: after[side][t] - before[side][t] for t in tables}
        for side in ("primary", "replica")
    }
    return delta, results


def _caught_up(served, timeout=10):
    """Wait until the standby has replayed everything the primary wrote so far."""
    (lsn,) = served["primary"].query("SELECT pg_current_wal_lsn()")[0]
    deadline = time.monotonic() + timeout
    while not served["replica"].query("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [lsn])[0][0]:
        assert time.monotonic() < deadline, f"the standby did not replay {lsn} within {timeout} s"
        time.sleep(0.05)


def _check_log(server):
    log = server.log()
    lines = log.splitlines()
    retried = [i for i, line in enumerate(lines) if RETRY_WARNING in line]
    assert not retried, "a request wrote on the standby and was served again:\n" + "\n".join(
        "\n".join(lines[i : i + 40]) for i in retried
    )
    assert not errors(log), "\n".join(errors(log))


def _drop(odoo):
    # Another test on this machine may be restarting the primary.
    for _attempt in range(30):
        try:
            return odoo.drop()
        except psycopg2.OperationalError:
            time.sleep(2)
    odoo.drop()


@pytest.fixture(scope="module")
def served(db_name):
    if os.geteuid() != 0:
        pytest.fail("test_replica needs root: it makes a PostgreSQL standby with pg_createcluster.")
    for tool in ("pg_createcluster", "pg_dropcluster", "pg_ctlcluster"):
        if not shutil.which(tool):
            pytest.fail(f"{tool} not found: the standby needs Debian's postgresql-common.")
    workdir = Path(tempfile.mkdtemp(prefix="cs_replica_"))
    odoo = Odoo(conf_path(), f"{db_name}_replica_{uuid.uuid4().hex[:6]}", workdir)
    port = free_port()
    server = None
    # The copy first: the base backup then carries it, no need to stream it.
    clone_database(odoo, db_name)
    try:
        started = time.monotonic()
        _replica_sh("start", port=port)
        FIGURES["standby_start_s"] = round(time.monotonic() - started, 1)
        server = Server(odoo, "--db_replica_host=127.0.0.1", f"--db_replica_port={port}", workers=2)
        server.start()
        assert f"replica database: {odoo.options.get('db_user', 'odoo')}@127.0.0.1:{port}" in (
            server.log()
        ), "Odoo did not take the replica settings"
        yield {
            "odoo": odoo,
            "server": server,
            "port": port,
            "primary": Side(odoo),
            "replica": Side(odoo, port),
        }
    finally:
        if server:
            server.stop()
        try:
            # Also puts the primary back to asynchronous commits.
            _replica_sh("stop", port=port)
        finally:
            _drop(odoo)
            print("replica figures:", json.dumps(FIGURES))  # shown with -s / -rA
            if not os.environ.get("CS_KEEP_LOGS"):
                shutil.rmtree(workdir, ignore_errors=True)


def _login(served, login):
    return Browser(served["server"].url, served["odoo"].db, login)


def _confidential_archive(staff):
    found = staff.call(
        "cs.guest.archive",
        "search_read",
        [["confidentiality_level", "=", "confidential"], ["destroyed", "=", False]],
        fields=["partner_id"],
        limit=1,
    )
    assert found, "cs_staff reads no confidential archive: the demo data changed"
    return found[0]["id"], found[0]["partner_id"][0]


def test_the_standby_streams(served):
    replica = served["replica"]
    assert replica.query("SELECT pg_is_in_recovery()") == [(True,)]
    # As postgres: pg_stat_replication shows its state to privileged roles only.
    status = _replica_sh("status", port=served["port"])
    assert re.search(rf"^{REPLICA_NAME} \| streaming \| async \|", status, re.M), status
    # The copy made before the base backup is there.
    assert replica.query("SELECT count(*) FROM res_users WHERE login = 'cs_manager'") == [(1,)]


def _download(browser, path):
    status, content_type, body = browser.get(path)
    assert status == 200, (path, status)
    return content_type, body


def test_lists_and_reports_run_on_the_standby(served):
    manager = _login(served, "cs_manager")
    done = manager.call(
        "cs.compensation", "search", [["state", "=", "done"]], limit=1
    ) or manager.call("cs.compensation", "search", [], limit=1)
    assert done, "no compensation in the demo data"
    archive_spec = {"code": {}, "confidentiality_level": {}, "partner_id": {}}
    # The compensation ledger, with the filters the report wizard sends.
    options = {"filters": {"date_from": "2000-01-01", "date_to": "2099-12-31"}}
    tables = ["cs_guest_archive", "cs_visit", "cs_compensation"]
    delta, (archives, visits, ledger, voucher) = scans_during(
        served,
        tables,
        [
            lambda: manager.call("cs.guest.archive", "web_search_read", [], archive_spec, limit=80),
            lambda: manager.call("cs.visit", "web_search_read", [], {"partner_id": {}}, limit=80),
            lambda: _download(
                manager,
                "/report/xlsx/customer_service_reports.compensation_ledger"
                f"?options={quote(json.dumps(options))}&context={quote(json.dumps({}))}",
            ),
            lambda: _download(
                manager, f"/report/html/customer_service.report_cs_compensation/{done[0]}"
            ),
        ],
    )
    FIGURES["read_scans"] = delta
    assert archives["length"] > 0 and visits["length"] > 0
    assert "spreadsheetml" in ledger[0] and ledger[1][:2] == b"PK"
    assert "html" in voucher[0]
    for table in tables:
        assert delta["replica"][table] > 0, delta
        assert delta["primary"][table] == 0, delta
    _check_log(served["server"])


def test_writes_run_on_the_primary(served):
    primary, replica = served["primary"], served["replica"]
    staff = _login(served, "cs_staff")
    manager = _login(served, "cs_manager")
    archive_id, partner_id = _confidential_archive(staff)

    def log_rows(side):
        return dict(
            side.query(
                "SELECT access_type, count(*) FROM cs_archive_access_log"
                " WHERE archive_id = %s GROUP BY access_type",
                [archive_id],
            )
        )

    before = log_rows(primary)
    # Within the staff's own gift limit: no leader needed.
    compensation_id = staff.call(
        "cs.compensation",
        "create",
        {"partner_id": partner_id, "compensation_type": "gift", "amount": 50},
    )
    tables = ["cs_guest_archive", "cs_compensation"]
    delta, (read, register, _signed) = scans_during(
        served,
        tables,
        [
            # Opening the form: web_read is read/write on archives, for the log row.
            lambda: staff.call("cs.guest.archive", "web_read", [archive_id], {"code": {}}),
            # The guest register logs each confidential archive it exports:
            # the report controller sends it to the primary at once.
            lambda: _download(
                manager,
                f"/report/xlsx/customer_service_reports.guest_archive_register/{archive_id}",
            ),
            lambda: staff.json(
                "/web/dataset/call_button/cs.compensation.action_sign",
                model="cs.compensation",
                method="action_sign",
                args=[[compensation_id]],
                kwargs={},
            ),
        ],
    )
    FIGURES["write_scans"] = delta
    assert read[0]["id"] == archive_id
    assert "spreadsheetml" in register[0] and register[1][:2] == b"PK"
    for table in tables:
        assert delta["primary"][table] > 0, delta
        assert delta["replica"][table] == 0, delta
    after = log_rows(primary)
    assert after.get("open", 0) == before.get("open", 0) + 1, (before, after)
    assert after.get("export", 0) == before.get("export", 0) + 1, (before, after)
    assert primary.query(
        "SELECT state, move_id IS NOT NULL FROM cs_compensation WHERE id = %s", [compensation_id]
    ) == [("done", True)]
    # Streamed: the standby has the log rows and the signature too.
    _caught_up(served)
    assert log_rows(replica) == after
    assert replica.query("SELECT state FROM cs_compensation WHERE id = %s", [compensation_id]) == [
        ("done",)
    ]
    _check_log(served["server"])


def _fresh_records_missing(served, staff, partner_id, pairs):
    """Create a contact log, open it at once (a read-only route); count those not found."""
    missing = []
    for i in range(pairs):
        log_id = staff.call(
            "cs.contact.log", "create", {"partner_id": partner_id, "feedback": f"replica {i}"}
        )
        if not staff.call("cs.contact.log", "web_read", [log_id], {"feedback": {}}):
            missing.append(log_id)
    if missing:
        # Late, not lost: the standby has them once it has replayed.
        _caught_up(served)
        found = served["replica"].query(
            "SELECT count(*) FROM cs_contact_log WHERE id = ANY(%s)", [missing]
        )[0][0]
        assert found == len(missing)
    return missing


def test_a_fresh_record_opens_at_once(served):
    server, odoo, port = served["server"], served["odoo"], served["port"]
    staff = _login(served, "cs_staff")
    _archive_id, partner_id = _confidential_archive(staff)

    # Asynchronous streaming: measured, not asserted (it is a race).
    started = time.monotonic()
    missing = _fresh_records_missing(served, staff, partner_id, RYW_PAIRS)
    FIGURES["async"] = {
        "pairs": RYW_PAIRS,
        "missing": len(missing),
        "seconds": round(time.monotonic() - started, 1),
    }

    # remote_apply: a commit returns once the standby has applied it, so
    # Odoo answers a write only when a read on the standby sees it. Odoo's
    # connections take the setting when they open: the server restarts.
    try:
        _replica_sh("sync", odoo.db, port=port)
        server.stop()
        server.start()
        assert served["primary"].query("SHOW synchronous_commit") == [("remote_apply",)]
        staff = _login(served, "cs_staff")
        started = time.monotonic()
        missing = _fresh_records_missing(served, staff, partner_id, RYW_PAIRS)
        FIGURES["remote_apply"] = {
            "pairs": RYW_PAIRS,
            "missing": len(missing),
            "seconds": round(time.monotonic() - started, 1),
        }
        assert not missing, f"fresh records missing on the standby with remote_apply: {missing}"
    finally:
        _replica_sh("async", odoo.db, port=port)
    assert served["primary"].query("SHOW synchronous_standby_names") == [("",)]
    _check_log(server)


def test_requests_logged_their_cursor(served):
    """Odoo's own account agrees: each request line ends with its cursor mode."""
    server, modes = served["server"], {}
    # Every start of the server (the last test restarts it) has its own log.
    text = "".join(
        p.read_text() for p in server.log_path.parent.glob(f"server-{server.port}-*.log")
    )
    for line in text.splitlines():
        match = re.search(
            r'"(?:GET|POST) (/\S+?)(?:\?\S*)? HTTP/[\d.]+" \d+ .* (ro|rw|ro->rw)$', line
        )
        if match:
            modes.setdefault(match.group(1), set()).add(match.group(2))
    FIGURES["modes"] = {path: sorted(m) for path, m in sorted(modes.items())}
    assert modes["/web/dataset/call_kw/cs.guest.archive.web_search_read"] == {"ro"}
    assert modes["/web/dataset/call_kw/cs.guest.archive.web_read"] == {"rw"}
    assert modes["/web/dataset/call_button/cs.compensation.action_sign"] == {"rw"}
    assert modes["/web/dataset/call_kw/cs.contact.log.web_read"] == {"ro"}
    assert not any("ro->rw" in m for m in modes.values()), FIGURES["modes"]
