"""What test_faults.py runs inside ``odoo-bin shell``: the data to break things on.

``prepare`` makes a CS staff member who signs gifts within 100 a time and
1,000 a day, thirty drafts of 100 for guests of theirs, a draft invoice of a
guest on a sales journal that feeds F&B, and fifty guests to import
consumption for. It returns the ids and logins the test uses, as JSON.
"""

from datetime import timedelta

SIGN_LIMIT = 100
DAY_LIMIT = 1000
DRAFTS = 30
IMPORT_GUESTS = 50


def _user(env, login, group):
    from odoo import Command  # noqa: PLC0415 - only importable inside odoo-bin

    return (
        env["res.users"]
        .with_context(no_reset_password=True)
        .create(
            {
                "name": login.replace("_", " ").title(),
                "login": login,
                "password": login,
                # The test reads their errors.
                "lang": "en_US",
                "group_ids": [Command.set(env.ref(group).ids)],
            }
        )
    )


def prepare(env):
    from odoo import Command, fields  # noqa: PLC0415

    from odoo.addons.base.tests.common import DISABLED_MAIL_CONTEXT  # noqa: PLC0415

    env = env(context=dict(env.context, **DISABLED_MAIL_CONTEXT))
    company = env.company
    staff = _user(env, "cs_fault_staff", "customer_service.group_cs_user")
    # Another signer, whose day the burst does not spend.
    staff2 = _user(env, "cs_fault_staff2", "customer_service.group_cs_user")
    liaison = _user(env, "cs_fault_liaison", "customer_service.group_cs_liaison")
    fnb = env.ref("customer_service.cs_service_department_fnb")
    fnb.write(
        {
            "member_ids": [Command.link(liaison.id)],
            "journal_ids": [
                Command.link(
                    env["account.journal"]
                    .search([("type", "=", "sale"), ("company_id", "=", company.id)], limit=1)
                    .id
                )
            ],
            "points_per_amount": 1.0,
        }
    )
    env["cs.authority.limit"].create(
        [
            {
                "user_id": user.id,
                "compensation_type": "gift",
                "max_per_transaction": SIGN_LIMIT,
                "max_per_day": DAY_LIMIT,
                "company_id": company.id,
            }
            for user in staff | staff2
        ]
    )
    guests = env["res.partner"].create([{"name": f"Fault guest {i}"} for i in range(DRAFTS)])
    env["cs.guest.archive"].create([{"partner_id": g.id, "owner_id": staff.id} for g in guests])
    # Staff read the archives of their own guests; the second signer's are the
    # last guest's and the import guests'.
    import_guests = env["res.partner"].create(
        [{"name": f"Fault import guest {i}"} for i in range(IMPORT_GUESTS)]
    )
    env["cs.guest.archive"].create(
        [{"partner_id": g.id, "owner_id": staff2.id} for g in import_guests[:2]]
    )
    Compensation = env["cs.compensation"].with_user(staff)
    drafts = Compensation.create(
        [
            {"partner_id": g.id, "compensation_type": "gift", "amount": SIGN_LIMIT}
            for g in guests[:DRAFTS]
        ]
    )
    double_click = (
        env["cs.compensation"]
        .with_user(staff2)
        .create({"partner_id": import_guests[0].id, "compensation_type": "gift", "amount": 50})
    )
    invoice = env["account.move"].create(
        {
            "move_type": "out_invoice",
            "partner_id": guests[0].id,
            "invoice_date": fields.Date.context_today(staff) - timedelta(days=1),
            "invoice_line_ids": [
                Command.create({"name": "Set dinner", "price_unit": 600, "tax_ids": []})
            ],
        }
    )
    env.flush_all()
    return {
        "staff": staff.login,
        "staff2": staff2.login,
        "liaison": liaison.login,
        "draft_ids": drafts.ids,
        "double_click_id": double_click.id,
        "invoice_id": invoice.id,
        "import_guest_ids": import_guests.ids,
        "fnb_id": fnb.id,
        "day_limit": DAY_LIMIT,
    }
