"""The retention-plan cron over N archives (issue 4): seconds and peak memory.

One running plan holds every archive (a fifth of them members, called weekly,
the others monthly). The cron's first run schedules the contacts of the
horizon (14 days) as activities; its baseline is the bare batch ``create`` of
the very same activities (archive names prefetched, as the plan does), without
the plan's logic. A second run on the same
day must find nothing to do (idempotence), and is compared with the first.
"""

from datetime import timedelta

from odoo import fields
from odoo.tools import SQL

from odoo.addons.base.tests.common import DISABLED_MAIL_CONTEXT

from .run import Figure, timer

BATCH = 5000
# Must match the plan's own batch size, so that the baseline creates alike.
CREATE_BATCH = 1000


def _manager(env):
    Users = env["res.users"].with_context(no_reset_password=True)
    manager = Users.search([("login", "=", "bench_plan_manager")])
    if not manager:
        manager = Users.create(
            {
                "name": "Bench plan manager",
                "login": "bench_plan_manager",
                "group_ids": [(6, 0, env.ref("customer_service.group_cs_manager").ids)],
            }
        )
    return manager


def populate(env, n):
    """At least n archives; the archive list's benchmark makes the same kind."""
    env = env(context=dict(env.context, **DISABLED_MAIL_CONTEXT))
    _manager(env)
    owner = env.ref("base.user_admin")
    existing = env["cs.guest.archive"].with_context(active_test=False).search_count([])
    for start in range(existing, n, BATCH):
        size = min(BATCH, n - start)
        partners = env["res.partner"].create(
            [{"name": f"Bench plan guest {start + i}"} for i in range(size)]
        )
        env["cs.guest.archive"].create(
            [{"partner_id": partner.id, "owner_id": owner.id} for partner in partners]
        )
        env.cr.commit()
        env.invalidate_all()
    env.cr.execute("ANALYZE cs_guest_archive")


def _running_plan(env, n):
    """A plan over the first n archives, approved, starting today (rolled back later)."""
    env = env(context=dict(env.context, **DISABLED_MAIL_CONTEXT))
    archives = env["cs.guest.archive"].search([], limit=n, order="id")
    env.cr.execute(
        SQL(
            "UPDATE cs_guest_archive SET vip_level = CASE WHEN id %% 5 = 0 THEN 'gold' ELSE 'none' "
            "END, customer_class = 'normal' WHERE id = ANY(%s)",
            archives.ids,
        )
    )
    env.invalidate_all()
    today = fields.Date.context_today(env["cs.retention.plan"])
    plan = env["cs.retention.plan"].create(
        {
            "template_id": env.ref("customer_service.cs_retention_plan_template_normal").id,
            "archive_ids": [(6, 0, archives.ids)],
            "date_from": today + timedelta(days=1),
            "date_to": today + timedelta(days=90),
            "user_id": env.ref("base.user_admin").id,
        }
    )
    plan.action_submit()
    plan.with_user(_manager(env)).validate_tier()
    assert plan.state == "approved", plan.state
    # Start today: the cron, not the approval, does the work measured.
    plan.write({"date_from": today})
    env.flush_all()
    return env, plan


def _scheduled_rows(env, plan):
    env.flush_all()
    env.cr.execute(
        SQL(
            """SELECT res_model_id, res_id, activity_type_id, date_deadline, user_id, summary,
                      cs_channel
                 FROM mail_activity WHERE retention_plan_id = %s""",
            plan.id,
        )
    )
    return env.cr.fetchall()


def _cron_pass(env, trace_memory):
    with timer(trace_memory) as result:
        env["cs.retention.plan"]._cron_run_plans()
        env.flush_all()
    return result


def _baseline_pass(env, rows, plan_id, trace_memory):
    Activity = (
        env["mail.activity"]
        .sudo()
        .with_context(mail_activity_quick_update=True, tracking_disable=True)
    )
    with timer(trace_memory) as result:
        for start in range(0, len(rows), CREATE_BATCH):
            chunk = rows[start : start + CREATE_BATCH]
            # As the plan does: each activity's res_name reads its archive.
            env["cs.guest.archive"].browse({row[1] for row in chunk}).mapped("display_name")
            Activity.create(
                [
                    {
                        "res_model_id": model_id,
                        "res_id": res_id,
                        "activity_type_id": type_id,
                        "date_deadline": deadline,
                        "user_id": user_id,
                        "summary": summary,
                        "retention_plan_id": plan_id,
                        "cs_channel": channel,
                    }
                    for model_id, res_id, type_id, deadline, user_id, summary, channel in chunk
                ]
            )
            env.flush_all()
            env.invalidate_all()
    return result


def run(env, n):
    env, plan = _running_plan(env, n)
    archives = len(plan.archive_ids)

    # Time and memory in separate passes: tracing memory slows Python down.
    with env.cr.savepoint(flush=False) as savepoint:
        first = _cron_pass(env, trace_memory=False)
        rows = _scheduled_rows(env, plan)
        again = _cron_pass(env, trace_memory=False)
        assert len(_scheduled_rows(env, plan)) == len(rows), "the re-run created activities"
        savepoint.rollback()
    env.invalidate_all()
    with env.cr.savepoint(flush=False) as savepoint:
        first_mem = _cron_pass(env, trace_memory=True)
        savepoint.rollback()
    env.invalidate_all()
    with env.cr.savepoint(flush=False) as savepoint:
        bare = _baseline_pass(env, rows, plan.id, trace_memory=False)
        savepoint.rollback()
    env.invalidate_all()
    with env.cr.savepoint(flush=False) as savepoint:
        bare_mem = _baseline_pass(env, rows, plan.id, trace_memory=True)
        savepoint.rollback()
    env.invalidate_all()

    label = f"{archives} archives, {len(rows)} activities"
    return [
        Figure(
            f"plan cron, first run, {label}",
            first["seconds"],
            bare["seconds"],
            "s",
            "bare create of the same activities",
            goal=1.5,
        ),
        Figure(
            "plan cron, first run, peak memory",
            first_mem["peak_mb"],
            bare_mem["peak_mb"],
            "MB",
            "bare create of the same activities",
            goal=2,
        ),
        Figure(
            "plan cron, re-run the same day (no-op)",
            again["seconds"],
            first["seconds"],
            "s",
            "plan cron, first run",
            goal=0.2,
        ),
    ]
