"""Faults while people work: each test breaks a real prefork server, then reads the data.

On a copy of the test database, ``odoo-bin`` serves two HTTP workers on
loopback, and clients call it over JSON-2 (``/json/2/<model>/<method>``, one
API key per user) as an integration does:

- an HTTP worker is killed with SIGKILL in the middle of a 1,000-row
  consumption import, then the same file is imported twice more;
- PostgreSQL is restarted (``-m immediate``: a crash, as far as the server
  can tell) while three clients sign compensation against a daily limit;
- the same invoice is posted from two workers at once, and *Sign* is
  clicked twice at once;
- a create is replayed, as a client retries after losing the answer.

PostgreSQL's restart needs root and a local Debian cluster (pg_ctlcluster),
as 'make test' sets one up; elsewhere the test fails and says so.
"""

import http.client
import json
import os
import queue
import shutil
import signal
import subprocess
import tempfile
import threading
import time
import uuid
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from json2 import Json2, Json2Error, create_api_keys
from odoo_process import (
    MARK,
    REPO_ROOT,
    Odoo,
    Server,
    busy_workers,
    clone_database,
    conf_path,
)

IMPORT_ROWS = 1000
FIGURES = {}
USER_ERROR = "odoo.exceptions.UserError"
ACCESS_DENIED = "odoo.exceptions.AccessDenied"


class NoAnswer(Exception):
    """The server did not answer: connection refused or cut, or a broken reply."""


# What a client may get back from any call here.
RpcError = (Json2Error, NoAnswer)


class Rpc:
    """One user's JSON-2 client; a lost connection is a NoAnswer."""

    def __init__(self, url, db, key):
        self.json2 = Json2(url, db, key, timeout=300)

    def call(self, model, method, ids=None, **params):
        try:
            return self.json2.call(model, method, ids=ids, **params)
        except (OSError, http.client.HTTPException, ValueError) as error:
            # URLError (refused), RemoteDisconnected (worker killed), a cut body.
            raise NoAnswer(f"no answer: {error!r}") from error


def _is_user_error(error, text):
    """A business refusal: 422, Odoo's UserError, ``text`` in its message."""
    return (
        isinstance(error, Json2Error)
        and error.status == 422
        and error.name == USER_ERROR
        and text in error.message
    )


@pytest.fixture(scope="module")
def faults(db_name):
    workdir = Path(tempfile.mkdtemp(prefix="cs_faults_"))
    odoo = Odoo(conf_path(), f"{db_name}_faults_{uuid.uuid4().hex[:6]}", workdir)
    clone_database(odoo, db_name)
    server = Server(odoo, workers=2, cron_threads=0)
    try:
        code = "\n".join(
            [
                "import json, sys",
                f"sys.path.insert(0, {str(Path(__file__).parent)!r})",
                "import faults_shell",
                "result = faults_shell.prepare(env)",
                "env.cr.commit()",
                f"print({MARK!r} + json.dumps(result))",
            ]
        )
        data = odoo.shell(code + "\n", code_root=REPO_ROOT)
        # The users exist from prepare on; the keys die with the copy.
        keys = create_api_keys(odoo, [data["staff"], data["staff2"], data["liaison"], "admin"])
        server.start()

        def client(login):
            return Rpc(server.url, odoo.db, keys[login])

        yield {"odoo": odoo, "server": server, "data": data, "client": client}
    finally:
        server.stop()
        print("fault figures:", json.dumps(FIGURES, default=str))  # shown with -s / -rA
        odoo.drop()
        if not os.environ.get("CS_KEEP_LOGS"):
            shutil.rmtree(workdir, ignore_errors=True)


def _rows(odoo, query, params=()):
    conn = odoo.connect(odoo.db)
    try:
        with conn.cursor() as cr:
            cr.execute(query, params)
            return cr.fetchall()
    finally:
        conn.close()


def _scalar(odoo, query, params=()):
    return _rows(odoo, query, params)[0][0]


def _in_flight(odoo, master_pid, min_age):
    """Workers whose transaction on the database is open for ``min_age`` s."""
    conn = odoo.connect(odoo.db)
    try:
        return busy_workers(conn, odoo.db, master_pid, min_age)
    finally:
        conn.close()


def _in_thread(target, *args):
    outcome = {}

    def run():
        try:
            outcome["result"] = target(*args)
        except RpcError as error:
            outcome["error"] = error

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, outcome


def _at_once(*calls):
    """Run the calls in threads released together; return their outcomes."""
    barrier = threading.Barrier(len(calls))

    def released(call):
        barrier.wait()
        return call()

    threads = [_in_thread(released, call) for call in calls]
    for thread, _outcome in threads:
        thread.join(120)
    return [outcome for _thread, outcome in threads]


# ------------------------------------------------------------
# A worker killed during an import
# ------------------------------------------------------------

IMPORT_FIELDS = [
    "external_ref",
    "partner_id/.id",
    "department_id/.id",
    "consumption_date",
    "line_ids/name",
    "line_ids/price_unit",
]
IMPORT_OPTIONS = {
    "has_headers": True,
    "separator": ",",
    "quoting": '"',
    "encoding": "utf-8",
    "datetime_format": "%Y-%m-%d %H:%M:%S",
    "float_decimal_separator": ".",
    "float_thousand_separator": ",",
    "limit": 2000,
    "skip": 0,
}


def _import_file(data):
    when = (datetime.now() - timedelta(days=1)).strftime("%Y-%m-%d %H:%M:%S")
    guests = data["import_guest_ids"]
    lines = [",".join(IMPORT_FIELDS)]
    for i in range(IMPORT_ROWS):
        guest, price = guests[i % len(guests)], 100 + i % 7
        lines.append(f"POS-{i:04d},{guest},{data['fnb_id']},{when},Dinner,{price}")
    return ("\n".join(lines) + "\n").encode()


def _execute_import(client, content):
    """What the web client's import screen sends: the file, then one batch."""
    import_ids = client.call(
        "base_import.import",
        "create",
        vals_list=[
            {
                "res_model": "cs.consumption",
                # Raw, as the upload route stores it: the field is not base64.
                "file": content.decode(),
                "file_name": "pos_export.csv",
                "file_type": "text/csv",
            }
        ],
    )
    result = client.call(
        "base_import.import",
        "execute_import",
        ids=import_ids,
        fields=IMPORT_FIELDS,
        columns=IMPORT_FIELDS,
        options=IMPORT_OPTIONS,
    )
    errors = [m for m in result.get("messages", []) if m.get("type") == "error"]
    assert not errors, errors[:3]
    return result


def _imported(odoo):
    """(consumptions, lines, point entries) that the file's references left."""
    return _rows(
        odoo,
        """SELECT count(DISTINCT c.id), count(DISTINCT l.id), count(DISTINCT h.id)
             FROM cs_consumption c
        LEFT JOIN cs_consumption_line l ON l.consumption_id = c.id
        LEFT JOIN loyalty_history h ON h.order_model = 'cs.consumption' AND h.order_id = c.id
            WHERE c.external_ref LIKE 'POS-%%'""",
    )[0]


def test_worker_killed_during_an_import_leaves_all_or_nothing(faults):
    odoo, server, data = faults["odoo"], faults["server"], faults["data"]
    client = faults["client"](data["liaison"])
    content = _import_file(data)
    started = time.monotonic()
    thread, outcome = _in_thread(_execute_import, client, content)
    # The import runs in one transaction in one HTTP worker: kill that worker
    # once it has been writing for a moment (the whole import takes about a
    # second).
    while not (pids := _in_flight(odoo, server.proc.pid, 0.25)):
        assert thread.is_alive(), "the import ended before it could be killed"
        assert time.monotonic() - started < 120, "the import never started"
        time.sleep(0.05)
    for pid in pids:
        os.kill(pid, signal.SIGKILL)
    killed_after = time.monotonic() - started
    thread.join(120)
    assert "error" in outcome, "the import finished before the kill"
    # Its worker died with the request: nobody answers, not even with an error.
    assert isinstance(outcome["error"], NoAnswer), outcome
    assert _imported(odoo) == (0, 0, 0), "a killed import left part of its rows"

    # The user imports the file again (the master has started a new worker),
    # and once more, as if unsure it worked.
    timings = []
    for _attempt in range(2):
        started = time.monotonic()
        result = _execute_import(client, content)
        timings.append(round(time.monotonic() - started, 1))
        assert len(result["ids"]) == IMPORT_ROWS
    assert _imported(odoo) == (IMPORT_ROWS, IMPORT_ROWS, IMPORT_ROWS), "the retries doubled rows"
    points = _scalar(
        odoo,
        """SELECT sum(h.issued) FROM loyalty_history h
             JOIN cs_consumption c ON h.order_model = 'cs.consumption' AND h.order_id = c.id
            WHERE c.external_ref LIKE 'POS-%%'""",
    )
    assert points == sum(100 + i % 7 for i in range(IMPORT_ROWS)), "points earned once a row"
    FIGURES["import"] = {
        "killed_after_s": round(killed_after, 1),
        "answer_to_killed": str(outcome["error"])[:100],
        "rows_after_kill": 0,
        "import_then_retry_s": timings,
        "rows_after_retries": IMPORT_ROWS,
    }


# ------------------------------------------------------------
# PostgreSQL restarted while compensation is signed
# ------------------------------------------------------------


def _local_cluster(odoo):
    """(version, name) of the Debian cluster the server uses, or fail saying why."""
    port = str(odoo.options.get("db_port") or os.environ.get("PGPORT") or 5432)
    host = odoo.options.get("db_host") or os.environ.get("PGHOST") or ""
    if host not in ("", "127.0.0.1", "localhost", "False"):
        pytest.fail(f"PostgreSQL runs on {host}: this test restarts a local cluster only.")
    if os.geteuid() != 0 or not shutil.which("pg_ctlcluster"):
        pytest.fail(
            "Restarting PostgreSQL needs root and Debian's pg_ctlcluster: run 'make test' "
            "as root on the machine that holds the cluster."
        )
    listing = subprocess.run(
        ["pg_lsclusters", "--no-header"], capture_output=True, text=True, check=True
    ).stdout
    for line in listing.splitlines():
        version, name, cluster_port, status = line.split()[:4]
        if cluster_port == port and status == "online":
            return version, name
    pytest.fail(f"No online local PostgreSQL cluster on port {port}:\n{listing}")


def _restart_postgres(version, name):
    subprocess.run(
        ["pg_ctlcluster", version, name, "restart", "-m", "immediate"],
        check=True,
        capture_output=True,
        timeout=120,
    )


def _cut_off_by_restart(error):
    """How a call failed because PostgreSQL was down, or None if it did not."""
    if isinstance(error, NoAnswer):
        return str(error)[:100]
    if error.status >= 500:
        # The request's cursor lost its connection, or could not get one.
        return f"{error.status} {error.name}: {error.message[:80]}"
    if error.status == 404 and "No database is selected" in error.message:
        # Odoo could not list the databases, so it served its no-database page.
        return "404 no database is selected (listing the databases failed)"
    if error.status == 403 and error.name == ACCESS_DENIED and error.message == "Access Denied":
        # Checking the API key failed; Odoo answers any failure there this way
        # (a wrong key is a 401 "Invalid apikey").
        return "403 AccessDenied (checking the API key failed)"
    return None


def test_postgres_restarted_during_a_signing_burst(faults):
    odoo, data = faults["odoo"], faults["data"]
    cluster = _local_cluster(odoo)
    todo = queue.Queue()
    for compensation_id in data["draft_ids"]:
        todo.put(compensation_id)
    outcomes, lock = {"signed": 0, "over_limit": 0, "no_answer": 0, "retried": 0}, threading.Lock()
    seen, unexpected, attempts = Counter(), [], Counter()

    def signer():
        client = faults["client"](data["staff"])
        while True:
            try:
                compensation_id = todo.get_nowait()
            except queue.Empty:
                return
            # Bounded in time, not in clicks: a refused call comes back at once.
            give_up = time.monotonic() + 90
            while time.monotonic() < give_up:
                attempts[compensation_id] += 1
                try:
                    client.call("cs.compensation", "action_sign", ids=[compensation_id])
                    kind = "signed"
                except RpcError as error:
                    if _is_user_error(error, "over their daily limit"):
                        kind = "over_limit"
                    elif _is_user_error(error, "already been signed"):
                        kind = "signed"  # a retry after a lost answer
                    elif cut_off := _cut_off_by_restart(error):
                        # The user clicks again.
                        with lock:
                            outcomes["retried"] += 1
                            if isinstance(error, NoAnswer):
                                outcomes["no_answer"] += 1
                            seen[cut_off] += 1
                        time.sleep(0.5)
                        continue
                    else:
                        with lock:
                            unexpected.append((compensation_id, str(error)[:300]))
                        return
                with lock:
                    outcomes[kind] += 1
                break
            else:
                with lock:
                    unexpected.append((compensation_id, "never got an answer"))
                return

    threads = [threading.Thread(target=signer, daemon=True) for _ in range(3)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 120
    while outcomes["signed"] < 3:
        assert time.monotonic() < deadline, f"nothing was signed: {outcomes}"
        time.sleep(0.02)
    signed_before = outcomes["signed"]
    restart_started = time.monotonic()
    _restart_postgres(*cluster)
    restart_s = round(time.monotonic() - restart_started, 1)
    restarted_at = dict(outcomes)
    for thread in threads:
        thread.join(300)
    assert not any(thread.is_alive() for thread in threads), outcomes
    assert not unexpected, unexpected
    assert signed_before < len(data["draft_ids"]), "the burst was over before the restart"

    drafts = tuple(data["draft_ids"])
    done = dict(
        _rows(
            odoo,
            "SELECT id, amount FROM cs_compensation WHERE id IN %s AND state = 'done'",
            [drafts],
        )
    )
    booked = _rows(
        odoo,
        """SELECT c.id, c.state, m.state, c.move_id = m.id
             FROM account_move m JOIN cs_compensation c ON c.id = m.cs_compensation_id
            WHERE c.id IN %s""",
        [drafts],
    )
    unbooked = _scalar(
        odoo,
        "SELECT count(*) FROM cs_compensation"
        " WHERE id IN %s AND state = 'done' AND move_id IS NULL",
        [drafts],
    )
    assert unbooked == 0, "a compensation was given without its entry"
    assert all(row[1] == "done" and row[2] == "posted" and row[3] for row in booked), booked
    assert len(booked) == len(done), "an entry exists without its compensation, or twice"
    assert sum(done.values()) <= data["day_limit"], "the daily limit was overspent"
    # Every draft got an answer: exactly the day's limit was signed.
    assert sum(done.values()) == data["day_limit"], outcomes
    assert outcomes["signed"] == len(done)
    FIGURES["restart"] = {
        "signed_when_restarted": signed_before,
        "restart_s": restart_s,
        "most_attempts_per_compensation": max(attempts.values()),
        "outcomes_once_restarted": restarted_at,
        "outcomes": outcomes,
        "errors_retried": dict(seen),
        "done": len(done),
        "signed_total": sum(done.values()),
        "day_limit": data["day_limit"],
    }


# ------------------------------------------------------------
# The same action twice at once, and replays
# ------------------------------------------------------------


def test_the_same_invoice_posted_twice_at_once(faults):
    odoo, data = faults["odoo"], faults["data"]
    admin = [faults["client"]("admin") for _ in range(2)]
    invoice_id = data["invoice_id"]
    outcomes = _at_once(
        *(
            lambda c=client: c.call("account.move", "action_post", ids=[invoice_id])
            for client in admin
        )
    )
    assert any("result" in outcome for outcome in outcomes), outcomes
    # The one that waited for the other's lock is told so, as a refusal.
    errors = [o["error"] for o in outcomes if "error" in o]
    assert all(_is_user_error(e, "must be in draft") for e in errors), errors
    consumptions = _rows(
        odoo,
        "SELECT id, amount_total FROM cs_consumption WHERE move_id = %s",
        [invoice_id],
    )
    state, name = _rows(odoo, "SELECT state, name FROM account_move WHERE id = %s", [invoice_id])[0]
    assert state == "posted"
    assert len(consumptions) == 1, f"one invoice fed {len(consumptions)} consumptions"
    assert consumptions[0][1] == 600
    FIGURES["post_twice"] = {
        "answers": [sorted(outcome) for outcome in outcomes],
        "errors": [str(error)[:120] for error in errors],
        "consumptions": len(consumptions),
        "invoice": name,
    }


def test_sign_clicked_twice_at_once(faults):
    odoo, data = faults["odoo"], faults["data"]
    clients = [faults["client"](data["staff2"]) for _ in range(2)]
    compensation_id = data["double_click_id"]
    outcomes = _at_once(
        *(
            lambda c=client: c.call("cs.compensation", "action_sign", ids=[compensation_id])
            for client in clients
        )
    )
    answers = sorted("result" if "result" in o else str(o["error"]) for o in outcomes)
    errors = [o["error"] for o in outcomes if "error" in o]
    assert answers.count("result") == 1, answers
    assert len(errors) == 1 and _is_user_error(errors[0], "already been signed"), answers
    moves = _scalar(
        odoo, "SELECT count(*) FROM account_move WHERE cs_compensation_id = %s", [compensation_id]
    )
    assert moves == 1, f"one signature booked {moves} entries"
    FIGURES["sign_twice"] = {"answers": answers, "entries": moves}


def test_a_replayed_create_moves_points_once(faults):
    """A client that lost the answer sends the create again."""
    odoo, data = faults["odoo"], faults["data"]
    liaison = faults["client"](data["liaison"])
    guest = data["import_guest_ids"][0]
    vals = {
        "partner_id": guest,
        "department_id": data["fnb_id"],
        "external_ref": "RPC-0001",
        "line_ids": [[0, 0, {"name": "Afternoon tea", "price_unit": 168}]],
    }
    first = liaison.call("cs.consumption", "create", vals_list=[vals])
    again = liaison.call("cs.consumption", "create", vals_list=[vals])
    assert first == again, "the replay made a second consumption"
    history = _rows(
        odoo,
        "SELECT issued FROM loyalty_history WHERE order_model = 'cs.consumption' AND order_id = %s",
        first,
    )
    assert history == [(168,)], history
    # A replayed signature is refused: the money moves once.
    staff = faults["client"](data["staff2"])
    compensation = staff.call(
        "cs.compensation",
        "create",
        vals_list=[
            {"partner_id": data["import_guest_ids"][1], "compensation_type": "gift", "amount": 20}
        ],
    )
    staff.call("cs.compensation", "action_sign", ids=compensation)
    with pytest.raises(Json2Error) as refused:
        staff.call("cs.compensation", "action_sign", ids=compensation)
    assert _is_user_error(refused.value, "already been signed"), refused.value
    moves = _scalar(
        odoo, "SELECT count(*) FROM account_move WHERE cs_compensation_id = ANY(%s)", [compensation]
    )
    assert moves == 1
