"""What test_cron_crash.py runs inside ``odoo-bin shell``: the data to crash on.

``populate`` makes N guests whose birthday is two days ahead, each with an
archive, and one approved plan over all of them that starts today, so that
the plan job schedules their contacts and the greeting job greets each one.
It returns the ids the test checks, as JSON-able values.
"""

from datetime import timedelta

BATCH = 1000


def populate(env, n):
    from odoo import Command, fields  # noqa: PLC0415 - only importable inside odoo-bin

    from odoo.addons.base.tests.common import DISABLED_MAIL_CONTEXT  # noqa: PLC0415

    env = env(context=dict(env.context, **DISABLED_MAIL_CONTEXT))
    today = fields.Date.context_today(env["cs.retention.plan"])
    birthday = (today + timedelta(days=2)).replace(year=1980)
    params = env["ir.config_parameter"].sudo()
    params.set_param("customer_service.greeting_days_before", 3)
    owner = (
        env["res.users"]
        .with_context(no_reset_password=True)
        .create(
            {
                "name": "Crash Test Staff",
                "login": "cs_crash_staff",
                "group_ids": [Command.set(env.ref("customer_service.group_cs_user").ids)],
            }
        )
    )
    manager = (
        env["res.users"]
        .with_context(no_reset_password=True)
        .create(
            {
                "name": "Crash Test Manager",
                "login": "cs_crash_manager",
                "group_ids": [Command.set(env.ref("customer_service.group_cs_manager").ids)],
            }
        )
    )
    archive_ids = []
    for start in range(0, n, BATCH):
        partners = env["res.partner"].create(
            [
                {"name": f"Crash guest {i}", "email": f"crash.guest{i}@example.com"}
                for i in range(start, min(start + BATCH, n))
            ]
        )
        archives = env["cs.guest.archive"].create(
            [
                {"partner_id": partner.id, "owner_id": owner.id, "birthday": birthday}
                for partner in partners
            ]
        )
        archive_ids += archives.ids
        env.flush_all()
        env.invalidate_all()
    template = env.ref("customer_service.cs_retention_plan_template_normal")
    template.greetings = True
    plan = env["cs.retention.plan"].create(
        {
            "template_id": template.id,
            "archive_ids": [Command.set(archive_ids)],
            "date_from": today + timedelta(days=1),
            "date_to": today + timedelta(days=90),
            "user_id": owner.id,
        }
    )
    plan.action_submit()
    plan.with_user(manager).validate_tier()
    assert plan.state == "approved", plan.state
    # It starts today: the job, not the approval, starts it.
    plan.date_from = today
    env.flush_all()
    return {
        "plan_id": plan.id,
        "archive_ids": archive_ids,
        "plan_cron_id": env.ref("customer_service.ir_cron_cs_retention_plan_run").id,
        "greeting_cron_id": env.ref("customer_service.ir_cron_cs_greeting_send").id,
    }
