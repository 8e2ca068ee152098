"""A cron worker killed with SIGKILL mid-run loses nothing and doubles nothing.

On a copy of the test database, 5,000 guests have a birthday in two days and
an approved plan that starts today. ``odoo-bin`` serves it in prefork mode
with one cron worker. The test lets the plan job, then the greeting job, get
halfway, kills the worker that runs it with SIGKILL, lets Odoo's master start
a new one, and waits for the job to finish. Then it reads the database:
exactly one greeting per guest and occasion, one mail and one contact record
per greeting, and the same contacts scheduled for every guest, once each.
"""

import json
import os
import shutil
import signal
import tempfile
import time
import uuid
from pathlib import Path

import pytest
from odoo_process import MARK, REPO_ROOT, Odoo, Server, clone_database, conf_path, errors

GUESTS = int(os.environ.get("CS_CRASH_GUESTS", 5000))
JOB_TIMEOUT = 600


def _shell_code(body):
    return "\n".join(
        [
            "import json, sys",
            f"sys.path.insert(0, {str(Path(__file__).parent)!r})",
            "import cron_crash_shell as scripts",
            body,
            "",
        ]
    )


@pytest.fixture(scope="module")
def crash(db_name):
    workdir = Path(tempfile.mkdtemp(prefix="cs_crash_"))
    odoo = Odoo(conf_path(), f"{db_name}_crash_{uuid.uuid4().hex[:6]}", workdir)
    clone_database(odoo, db_name)
    server = Server(odoo, workers=1, cron_threads=1)
    conn = None
    try:
        data = odoo.shell(
            _shell_code(
                f"result = scripts.populate(env, {GUESTS})\n"
                "env.cr.commit()\n"
                f"print({MARK!r} + json.dumps(result))"
            ),
            code_root=REPO_ROOT,
        )
        conn = odoo.connect(odoo.db)
        with conn.cursor() as cr:
            # Only the two jobs under test run, and only when told to.
            cr.execute(
                "UPDATE ir_cron SET active = id IN %s, nextcall = now() + interval '1 day'",
                [(data["plan_cron_id"], data["greeting_cron_id"])],
            )
        yield {"odoo": odoo, "conn": conn, "data": data, "server": server, "figures": {}}
    finally:
        server.stop()
        if conn is not None:
            conn.close()
        odoo.drop()
        shutil.rmtree(workdir, ignore_errors=True)


def _scalar(conn, query, params=()):
    with conn.cursor() as cr:
        cr.execute(query, params)
        return cr.fetchone()[0]


def _wake(conn, cron_id, db):
    with conn.cursor() as cr:
        cr.execute(
            "UPDATE ir_cron SET nextcall = now() - interval '1 minute' WHERE id = %s", [cron_id]
        )
        cr.execute("SELECT pg_notify('cron_trigger', %s)", [db])


def _job_pids(conn, db, master_pid):
    """The Odoo processes with a transaction open on the database: the cron worker's."""
    with conn.cursor() as cr:
        cr.execute(
            "SELECT DISTINCT application_name FROM pg_stat_activity"
            " WHERE datname = %s AND pid <> pg_backend_pid() AND xact_start IS NOT NULL"
            " AND application_name LIKE 'odoo-%%'",
            [db],
        )
        pids = {int(name.split("-", 1)[1]) for (name,) in cr.fetchall()}
    return pids - {master_pid}


def _run_and_kill(crash, cron_id, progress_query, total):
    """Start the job, SIGKILL its worker once part of the work is committed, finish it."""
    odoo, conn, server = crash["odoo"], crash["conn"], crash["server"]
    if server.proc is None or server.proc.poll() is not None:
        server.start()
    started = time.monotonic()
    _wake(conn, cron_id, odoo.db)
    deadline = started + JOB_TIMEOUT
    while True:
        done = _scalar(conn, progress_query)
        if 0 < done < total:
            break
        if done >= total:
            pytest.fail(f"the job finished ({done}) before it could be killed midway")
        if time.monotonic() > deadline:
            pytest.fail(f"the job did not start within {JOB_TIMEOUT} s, see {server.log_path}")
        time.sleep(0.05)
    pids = _job_pids(conn, odoo.db, server.proc.pid)
    assert pids, "no worker is running the job"
    for pid in pids:
        os.kill(pid, signal.SIGKILL)
    killed_at = _scalar(conn, progress_query)
    # The master starts a new cron worker; the job is still due and runs again.
    while True:
        time.sleep(1)
        next_call = _scalar(
            conn,
            "SELECT nextcall > now() + interval '1 hour' FROM ir_cron WHERE id = %s",
            [cron_id],
        )
        if next_call:
            break
        if time.monotonic() > deadline:
            pytest.fail(f"the job did not finish after the kill, see {server.log_path}")
        _scalar(conn, "SELECT pg_notify('cron_trigger', %s)", [odoo.db])
    return {
        "committed_when_killed": killed_at,
        "seconds": round(time.monotonic() - started, 1),
        "killed_pids": sorted(pids),
    }


@pytest.fixture(scope="module")
def plan_run(crash):
    plan_id = crash["data"]["plan_id"]
    activities = f"SELECT count(*) FROM mail_activity WHERE retention_plan_id = {int(plan_id)}"
    # Every guest gets the same contacts; a first guest's count tells the total.
    result = _run_and_kill(crash, crash["data"]["plan_cron_id"], activities, 10**9)
    crash["figures"]["plan"] = result
    return result


@pytest.fixture(scope="module")
def greeting_run(crash, plan_run):
    # Only this test's guests: the demo's own guests have greetings already.
    first_archive = min(crash["data"]["archive_ids"])
    greetings = f"SELECT count(*) FROM cs_greeting WHERE archive_id >= {int(first_archive)}"
    result = _run_and_kill(crash, crash["data"]["greeting_cron_id"], greetings, GUESTS)
    crash["figures"]["greetings"] = result
    print("crash figures:", json.dumps(crash["figures"]))  # shown with -s / -rA
    return result


def test_plan_job_killed_midway_schedules_each_contact_once(crash, plan_run):
    conn, data = crash["conn"], crash["data"]
    plan_id = data["plan_id"]
    with conn.cursor() as cr:
        cr.execute(
            """SELECT count(*) FROM (
                   SELECT 1 FROM mail_activity WHERE retention_plan_id = %s
                GROUP BY res_id, activity_type_id, date_deadline HAVING count(*) > 1) d""",
            [plan_id],
        )
        assert cr.fetchone()[0] == 0, "a contact was scheduled twice"
        cr.execute(
            """SELECT a.id, count(m.id)
                 FROM cs_guest_archive a
            LEFT JOIN mail_activity m ON m.res_id = a.id AND m.retention_plan_id = %s
                WHERE a.id = ANY(%s) GROUP BY a.id""",
            [plan_id, data["archive_ids"]],
        )
        per_archive = dict(cr.fetchall())
        cr.execute(
            "SELECT state, generated_until IS NOT NULL FROM cs_retention_plan WHERE id = %s",
            [plan_id],
        )
        state, generated = cr.fetchone()
    assert len(per_archive) == GUESTS
    counts = set(per_archive.values())
    assert len(counts) == 1 and counts.pop() > 0, f"guests got unequal contacts: {counts}"
    assert (state, generated) == ("running", True)
    assert 0 < plan_run["committed_when_killed"] < sum(per_archive.values())


def test_greeting_job_killed_midway_greets_each_guest_once(crash, greeting_run):
    conn, data = crash["conn"], crash["data"]
    with conn.cursor() as cr:
        cr.execute(
            """SELECT archive_id, count(*) FILTER (WHERE occasion = 'birthday'), count(*)
                 FROM cs_greeting WHERE archive_id = ANY(%s) GROUP BY archive_id""",
            [data["archive_ids"]],
        )
        rows = cr.fetchall()
        cr.execute(
            """SELECT count(*), count(DISTINCT g.mail_id), count(DISTINCT g.contact_log_id),
                      count(*) FILTER (WHERE g.state = 'sent')
                 FROM cs_greeting g WHERE g.archive_id = ANY(%s)""",
            [data["archive_ids"]],
        )
        greetings, mails, logs, sent = cr.fetchone()
        cr.execute(
            "SELECT count(*) FROM mail_mail m JOIN mail_message msg ON msg.id = m.mail_message_id"
            " WHERE msg.model = 'cs.greeting' AND msg.res_id IN"
            " (SELECT id FROM cs_greeting WHERE archive_id = ANY(%s))",
            [data["archive_ids"]],
        )
        mail_rows = cr.fetchone()[0]
        cr.execute(
            "SELECT count(*) FROM cs_contact_log WHERE contact_type = 'greeting'"
            " AND partner_id IN (SELECT partner_id FROM cs_guest_archive WHERE id = ANY(%s))",
            [data["archive_ids"]],
        )
        contact_logs = cr.fetchone()[0]
    assert len(rows) == GUESTS, f"{GUESTS - len(rows)} guests were not greeted"
    assert {row[1] for row in rows} == {1}, "a guest has no birthday greeting, or two"
    assert len({row[2] for row in rows}) == 1, "guests got unequal greetings"
    assert sent == greetings, "every guest has an email: every greeting is sent"
    assert mails == mail_rows == greetings, "one mail per greeting, no more"
    assert logs == contact_logs == greetings, "one contact record per greeting, no more"
    assert 0 < greeting_run["committed_when_killed"] < greetings


def test_server_logged_only_the_kill(crash, greeting_run):
    log = "\n".join(path.read_text() for path in sorted(crash["odoo"].workdir.glob("server-*.log")))
    crash["server"].stop()
    unexpected = [line for line in errors(log) if "SIGKILL" not in line and "killed" not in line]
    assert not unexpected, "the server logged errors:\n" + "\n".join(unexpected[:20])
