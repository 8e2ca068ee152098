"""The 19.0.1.1.0 migration, on a database that the previous version filled.

The add-ons as of 19.0.1.0.0 (commit ``aeff0cc``) are extracted from git,
installed on a new database and used the way the departments and CS staff
used them: consumption reported, callbacks logged, a credit note, overdue
callbacks escalated, and a guest with two returning-guest cards (the race
the new unique index closes). Then ``odoo-bin -u customer_service`` runs on
the working tree's code, and the test checks what the migration made of it:
one visit per stay, one callback activity per visit, none left open on a
consumption, the closed callbacks kept, the noupdate data switched. Running
the migration once more changes nothing.
"""

import configparser
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import datetime, timedelta
from pathlib import Path

import psycopg2
import pytest
from psycopg2 import sql

REPO_ROOT = Path(__file__).resolve().parent.parent
OLD_COMMIT = "aeff0cc"
ADDONS = ("customer_service", "customer_service_reports")
MIGRATION = REPO_ROOT / "customer_service" / "migrations" / "19.0.1.1.0" / "post-migration.py"
MARK = "@@CS-MIGRATION@@"
TIMEOUT = 600


def _conf_path():
    path = Path(os.environ.get("ODOO_CONF", REPO_ROOT / ".build" / "odoo.conf"))
    if not path.is_file():
        pytest.fail(f"No Odoo configuration at {path}: run 'make setup' (or source tools/env.sh).")
    return path


def _odoo_bin():
    path = Path(os.environ.get("ODOO_SRC", "/opt/odoo")) / "odoo-bin"
    if not path.is_file():
        pytest.fail(f"odoo-bin not found at {path}: set ODOO_SRC.")
    return path


class Odoo:
    """odoo-bin on one database, with a chosen addons path; each run is logged."""

    def __init__(self, conf, db, workdir):
        self.conf, self.db, self.workdir = conf, db, workdir
        parser = configparser.ConfigParser()
        parser.read(conf)
        self.options = dict(parser["options"]) if parser.has_section("options") else {}
        self.runs = 0

    def addons_path(self, code_root):
        """The configured addons path with the repository replaced by ``code_root``."""
        entries = [
            entry.strip()
            for entry in self.options.get("addons_path", "").split(",")
            if entry.strip() and Path(entry.strip()).resolve() != REPO_ROOT
        ]
        if not entries:
            entries = [str(_odoo_bin().parent / "addons")]
        return ",".join([*entries, str(code_root)])

    def run(self, *args, code_root, stdin=None):
        self.runs += 1
        log = self.workdir / f"odoo-{self.runs}-{args[0].lstrip('-')}.log"
        command = [
            sys.executable,
            str(_odoo_bin()),
            *([args[0]] if args[0] == "shell" else []),
            "-c",
            str(self.conf),
            f"--addons-path={self.addons_path(code_root)}",
            "-d",
            self.db,
            "--no-http",
            "--max-cron-threads=0",
            *(args[1:] if args[0] == "shell" else args),
        ]
        started = time.monotonic()
        with open(log, "w") as out:
            proc = subprocess.run(
                command,
                input=stdin,
                stdout=out,
                stderr=subprocess.STDOUT,
                text=True,
                timeout=TIMEOUT,
                check=False,
            )
        text = log.read_text()
        if proc.returncode:
            pytest.fail(
                f"odoo-bin {' '.join(args)} exited with {proc.returncode} after "
                f"{time.monotonic() - started:.0f}s; last lines of {log}:\n"
                + "\n".join(text.splitlines()[-40:])
            )
        return text

    def shell(self, code, *, code_root):
        """Run ``code`` in ``odoo-bin shell``; return what it printed after MARK."""
        text = self.run("shell", "--log-level=warn", code_root=code_root, stdin=code)
        for line in text.splitlines():
            if line.startswith(MARK):
                return json.loads(line[len(MARK) :])
        pytest.fail("odoo-bin shell printed no result:\n" + "\n".join(text.splitlines()[-40:]))

    def connect(self, dbname="postgres"):
        opts = self.options

        def opt(name, env):
            value = opts.get(name)
            return value if value not in (None, "", "False") else os.environ.get(env)

        conn = psycopg2.connect(
            dbname=dbname,
            host=opt("db_host", "PGHOST"),
            port=opt("db_port", "PGPORT"),
            user=opt("db_user", "PGUSER"),
            password=opt("db_password", "PGPASSWORD"),
        )
        conn.autocommit = True
        return conn

    def drop(self):
        # Not "with conn": psycopg2 would open a transaction, and DROP DATABASE
        # refuses to run in one.
        conn = self.connect()
        try:
            with conn.cursor() as cr:
                cr.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s",
                    [self.db],
                )
                cr.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(self.db)))
        finally:
            conn.close()
        data_dir = self.options.get("data_dir")
        if data_dir:
            shutil.rmtree(Path(data_dir) / "filestore" / self.db, ignore_errors=True)


def _errors(log):
    return [
        line
        for line in log.splitlines()
        if len(line.split(" ", 4)) > 3 and line.split(" ", 4)[3] in ("ERROR", "CRITICAL")
    ]


def _shell_code(body):
    return "\n".join(
        [
            "import json, sys",
            f"sys.path.insert(0, {str(Path(__file__).parent)!r})",
            "import migration_visits_shell as scripts",
            body,
            "",
        ]
    )


@pytest.fixture(scope="module")
def workdir():
    path = Path(tempfile.mkdtemp(prefix="cs_migration_"))
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture(scope="module")
def old_code(workdir):
    """The add-ons as of 19.0.1.0.0, extracted from git."""
    target = workdir / "addons-19.0.1.0.0"
    target.mkdir()
    archive = subprocess.run(
        ["git", "-C", str(REPO_ROOT), "archive", OLD_COMMIT, *ADDONS],
        capture_output=True,
        check=False,
    )
    if archive.returncode:
        pytest.fail(
            f"git archive {OLD_COMMIT} failed (a shallow clone lacks it: "
            f"'git fetch --unshallow'): {archive.stderr.decode()}"
        )
    subprocess.run(["tar", "-x", "-C", str(target)], input=archive.stdout, check=True)
    manifest = (target / "customer_service" / "__manifest__.py").read_text()
    assert '"19.0.1.0.0"' in manifest, f"{OLD_COMMIT} is not customer_service 19.0.1.0.0"
    return target


@pytest.fixture(scope="module")
def migrated(workdir, old_code):
    """Install 19.0.1.0.0, populate it, update to the working tree; yield the facts."""
    assert MIGRATION.is_file(), f"{MIGRATION} is missing"
    db = f"cs_migration_{datetime.now():%Y%m%d_%H%M%S}_{uuid.uuid4().hex[:6]}"
    odoo = Odoo(_conf_path(), db, workdir)
    timings = {}
    try:
        start = time.monotonic()
        install = odoo.run(
            "-i", "customer_service", "--stop-after-init", "--log-level=warn", code_root=old_code
        )
        assert not _errors(install), "installing 19.0.1.0.0 logged errors:\n" + "\n".join(
            _errors(install)
        )
        timings["install"] = time.monotonic() - start

        start = time.monotonic()
        data = odoo.shell(
            _shell_code(
                "result = scripts.populate(env)\n"
                "env.cr.commit()\n"
                f"print({MARK!r} + json.dumps(result))"
            ),
            code_root=old_code,
        )
        timings["populate"] = time.monotonic() - start

        start = time.monotonic()
        update = odoo.run(
            "-u", "customer_service", "--stop-after-init", "--log-level=warn", code_root=REPO_ROOT
        )
        assert not _errors(update), "the update logged errors:\n" + "\n".join(_errors(update))
        timings["update"] = time.monotonic() - start

        start = time.monotonic()
        facts = odoo.shell(
            _shell_code(
                f"data = json.loads({json.dumps(data)!r})\n"
                f"result = scripts.facts(env, data, {str(MIGRATION)!r})\n"
                f"print({MARK!r} + json.dumps(result))"
            ),
            code_root=REPO_ROOT,
        )
        timings["check"] = time.monotonic() - start
        print("timings:", {k: round(v) for k, v in timings.items()})  # shown with -s / -rA
        yield {"data": data, "facts": facts, "update_log": update}
    finally:
        odoo.drop()


def test_old_version_made_what_the_migration_meets(migrated):
    data = migrated["data"]
    assert data["a_states"] == ["pending"] * 3
    assert data["a_activities"] == 3, "19.0.1.0.0 gives each consumption its callback activity"
    assert len(set(data["a_user_ids"])) == 2, "the callbacks were meant to go to two callers"
    assert (data["b_state"], data["b_on_time"]) == ("done", True)
    assert data["credit_state"] == "not_needed"
    assert data["c_escalated"] == [True, True]
    assert data["manager_id"] in data["c_overdue_users"], "the cron escalated to the managers"
    assert data["c_overdue_activities"] == 2 * len(data["c_overdue_users"])
    assert data["a_cards"] == 2, "the duplicate returning-guest card was not made"


def test_module_is_updated(migrated):
    facts = migrated["facts"]
    assert facts["version"] == "19.0.1.1.0"
    assert facts["consumptions"] == migrated["data"]["consumptions"]
    assert facts["without_visit"] == 0, "every consumption has a visit"


def test_pending_consumptions_fold_into_one_visit(migrated):
    data, facts = migrated["data"], migrated["facts"]
    assert len(facts["a_visit_ids"]) == 1, "guest A's three pending consumptions: one visit"
    assert facts["a_visit_state"] == "pending"
    assert sorted(facts["a_visit_consumption_ids"]) == sorted(data["a_ids"])
    earliest = min(data["a_deadlines"])
    assert facts["a_visit_deadline"] == earliest, "the deadline is the earliest, never later"
    assert facts["a_consumption_deadlines"] == [earliest] * 3
    assert facts["a_consumption_states"] == ["pending"] * 3
    assert facts["a_visit_user_id"] == data["a_earliest_user_id"]
    assert facts["a_visit_date_start"] == min(data["a_dates"])
    assert facts["a_visit_date_end"] == max(data["a_dates"])
    assert facts["a_visit_amount"] == pytest.approx(470.0)


def test_one_callback_activity_per_visit(migrated):
    data, facts = migrated["data"], migrated["facts"]
    assert facts["a_open_callbacks"] == 1
    assert facts["a_open_callback_user_id"] == data["a_earliest_user_id"]
    summary = facts["a_open_callback_summary"]
    assert "Front Office" in summary and "Food" in summary, "it names the whole stay"
    assert facts["a_open_callback_partner"] in facts["a_visit_followers"]
    assert facts["open_on_consumption"] == 0, "no per-consumption activity stays open"
    # The two folded ones are closed, not lost.
    assert len(facts["a_folded"]) == 2
    for active, done, feedback in facts["a_folded"]:
        assert not active and done and feedback


def test_called_back_consumption_is_a_closed_visit(migrated):
    data, facts = migrated["data"], migrated["facts"]
    assert len(facts["b_visit_ids"]) == 1
    assert facts["b_visit_state"] == "done"
    assert facts["b_state"] == "done"
    assert facts["b_visit_on_time"] is True
    assert facts["b_visit_log_id"] == data["b_call_id"], "the call that reached the guest"
    assert facts["b_visit_date"] == data["b_call_date"]
    assert facts["b_visit_satisfaction"] == "satisfied"
    assert facts["b_visit_user_id"] == data["b_user_id"]
    assert facts["b_open_callbacks"] == 0
    assert facts["b_log_visit_ids"] == facts["b_visit_ids"], "contact records know the visit"
    assert facts["credit_visit_ids"] == facts["b_visit_ids"], "the credit note joins its visit"


def test_escalation_moves_to_the_visit(migrated):
    data, facts = migrated["data"], migrated["facts"]
    assert len(facts["c_visit_ids"]) == 1
    assert facts["c_visit_state"] == "pending"
    assert facts["c_visit_escalated"] is True
    assert facts["c_open_callbacks"] == 1
    assert facts["c_overdue_users"] == data["c_overdue_users"]
    assert facts["c_overdue_count"] == len(data["c_overdue_users"]), "one per visit and manager"


def test_noupdate_data_is_switched(migrated):
    facts = migrated["facts"]
    assert facts["activity_type_models"] == ["cs.visit", "cs.visit"]
    assert facts["cron_model"] == "cs.visit"
    assert facts["program_one_card"] is True
    assert facts["cards_not_following"] == 0, "the cards' stored flag follows the program"


def test_duplicate_cards_are_merged(migrated):
    data, facts = migrated["data"], migrated["facts"]
    assert facts["a_active_cards"] == 1
    assert facts["a_points"] == pytest.approx(data["a_points"]), "no point is lost"
    assert len(facts["a_history_cards"]) == 1, "the history follows the card kept"
    assert "returning-guest cards: merged" in migrated["update_log"]


def test_rerun_changes_nothing(migrated):
    facts = migrated["facts"]
    assert facts["rerun_changed"] == []
    assert dict(facts["visit_counts"]) == {"done": 1, "pending": 2}


def test_deadline_came_from_the_old_rule(migrated):
    # The old deadline was the consumption's date plus 3 days: the folded
    # deadline is that of the earliest stay, not of the first report.
    data = migrated["data"]
    earliest_date = datetime.fromisoformat(min(data["a_dates"]))
    assert datetime.fromisoformat(min(data["a_deadlines"])) == earliest_date + timedelta(days=3)
