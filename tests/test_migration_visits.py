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

import json
import shutil
import subprocess
import tempfile
import time
import uuid
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from odoo_process import MARK, REPO_ROOT, Odoo, conf_path, errors

OLD_COMMIT = "aeff0cc"
ADDONS = ("customer_service", "customer_service_reports")
MIGRATION = REPO_ROOT / "customer_service" / "migrations" / "19.0.1.1.0" / "post-migration.py"


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
    odoo = Odoo(conf_path(), db, workdir)
    timings = {}
    try:
        start = time.monotonic()
        install = odoo.run(
            "-i", "customer_service", "--stop-after-init", "--log-level=warn", code_root=old_code
        )
        assert not errors(install), "installing 19.0.1.0.0 logged errors:\n" + "\n".join(
            errors(install)
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
        assert not errors(update), "the update logged errors:\n" + "\n".join(errors(update))
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
