"""What test_migration_visits.py runs inside ``odoo-bin shell``.

``populate`` runs on the 19.0.1.0.0 code: it reports consumption the way the
departments did then, so that the old code makes its callbacks, activities
and escalations itself. ``facts`` runs on the new code after the update and
returns what the test asserts on, as plain JSON-able values. Both take the
shell's superuser ``env``.
"""

import importlib.util
from datetime import timedelta

CALLBACK = "customer_service.mail_activity_type_callback"
OVERDUE = "customer_service.mail_activity_type_callback_overdue"
PROGRAM = "customer_service.loyalty_program_returning_guest"


def _dt(value):
    return value and value.isoformat(sep=" ")


def populate(env):
    """Guests A (3 pending, 2 departments), B (called back, credited), C (overdue)."""
    from odoo import Command, fields  # noqa: PLC0415 - only importable inside odoo-bin

    ref = env.ref
    users = env["res.users"].with_context(no_reset_password=True)
    # Two staff members take the callbacks in turn, so that the visit's
    # caller shows which consumption it came from. One manager is escalated to.
    staff = users.create(
        [
            {
                "name": f"Migration Staff {n}",
                "login": f"cs_mig_staff{n}",
                "group_ids": [Command.set(ref("customer_service.group_cs_user").ids)],
            }
            for n in (1, 2)
        ]
    )
    manager = users.create(
        {
            "name": "Migration Manager",
            "login": "cs_mig_manager",
            "group_ids": [Command.set(ref("customer_service.group_cs_manager").ids)],
        }
    )
    guest_a, guest_b, guest_c = env["res.partner"].create(
        [
            {"name": "Migration Guest A"},
            {"name": "Migration Guest B"},
            {"name": "Migration Guest C"},
        ]
    )
    fnb = ref("customer_service.cs_service_department_fnb")
    front = ref("customer_service.cs_service_department_front_office")
    now = fields.Datetime.now().replace(microsecond=0)
    Consumption = env["cs.consumption"]

    def report(partner, department, date, amount, **extra):
        return Consumption.create(
            {
                "partner_id": partner.id,
                "department_id": department.id,
                "consumption_date": date,
                "line_ids": [Command.create({"name": "Item", "quantity": 1, "price_unit": amount})],
                **extra,
            }
        )

    # A: three reports, one at a time as the departments send them; the
    # earliest stay is not the first one reported.
    a = report(guest_a, fnb, now - timedelta(hours=1), 50)
    a |= report(guest_a, front, now - timedelta(days=1), 300)
    a |= report(guest_a, fnb, now - timedelta(hours=5), 120)

    # B: called back (a first attempt that did not reach them, then the call),
    # then a credit note that takes part of it back.
    b = report(guest_b, fnb, now - timedelta(days=2), 200)
    Log = env["cs.contact.log"]
    attempt = Log.create(
        {
            "partner_id": guest_b.id,
            "consumption_id": b.id,
            "contact_type": "callback",
            "outcome": "no_answer",
            "contact_date": now - timedelta(days=1, hours=3),
            "user_id": staff[0].id,
        }
    )
    call = Log.create(
        {
            "partner_id": guest_b.id,
            "consumption_id": b.id,
            "contact_type": "callback",
            "outcome": "reached",
            "satisfaction": "satisfied",
            "feedback": "Lovely stay.",
            "contact_date": now - timedelta(days=1),
            "user_id": staff[0].id,
        }
    )
    credit = report(guest_b, fnb, now - timedelta(days=1), -80, reversed_id=b.id)

    # C: two stays nobody called back about, escalated by the cron.
    c = report(guest_c, fnb, now - timedelta(days=6), 90)
    c |= report(guest_c, front, now - timedelta(days=5), 60)
    Consumption._cron_escalate_overdue_callbacks()

    # The old race: a second returning-guest card for A, with points of its own.
    Card = env["loyalty.card"]
    duplicate = Card.create({"program_id": ref(PROGRAM).id, "partner_id": guest_a.id, "points": 0})
    Card._cs_apply_points([{"card": duplicate, "delta": 25.0, "description": "Race"}])

    env.flush_all()
    Activity = env["mail.activity"]
    earliest_a = a.sorted(lambda r: (r.callback_deadline, r.id))[0]
    overdue_c = Activity.search(
        [
            ("res_model", "=", "cs.consumption"),
            ("res_id", "in", c.ids),
            ("activity_type_id", "=", ref(OVERDUE).id),
        ]
    )
    return {
        "a_ids": a.ids,
        "a_deadlines": [_dt(d) for d in a.mapped("callback_deadline")],
        "a_dates": [_dt(d) for d in a.mapped("consumption_date")],
        "a_earliest_user_id": earliest_a.callback_user_id.id,
        "a_user_ids": a.mapped("callback_user_id").ids,
        "a_states": a.mapped("callback_state"),
        "a_activities": Activity.search_count(
            [
                ("res_model", "=", "cs.consumption"),
                ("res_id", "in", a.ids),
                ("activity_type_id", "=", ref(CALLBACK).id),
            ]
        ),
        "b_id": b.id,
        "b_state": b.callback_state,
        "b_on_time": b.callback_on_time,
        "b_user_id": b.callback_user_id.id,
        "b_attempt_id": attempt.id,
        "b_call_id": call.id,
        "b_call_date": _dt(call.contact_date),
        "credit_id": credit.id,
        "credit_state": credit.callback_state,
        "c_ids": c.ids,
        "c_escalated": c.mapped("callback_escalated"),
        "c_overdue_activities": len(overdue_c),
        "c_overdue_users": sorted(overdue_c.user_id.ids),
        "manager_id": manager.id,
        "guest_a_id": guest_a.id,
        "a_points": sum(
            Card.search(
                [("program_id", "=", ref(PROGRAM).id), ("partner_id", "=", guest_a.id)]
            ).mapped("points")
        ),
        "a_cards": Card.search_count(
            [("program_id", "=", ref(PROGRAM).id), ("partner_id", "=", guest_a.id)]
        ),
        "consumptions": Consumption.search_count([]),
    }


def _open(env, model, type_xmlid, res_ids=None):
    domain = [
        ("res_model", "=", model),
        ("activity_type_id", "=", env.ref(type_xmlid).id),
        ("active", "=", True),
    ]
    if res_ids is not None:
        domain.append(("res_id", "in", res_ids))
    return env["mail.activity"].with_context(active_test=False).search(domain)


def snapshot(env):
    """Everything the migration writes, in one comparable value."""
    env.invalidate_all()
    cr = env.cr
    queries = {
        "visits": "SELECT callback_state, count(*) FROM cs_visit GROUP BY 1 ORDER BY 1",
        "links": "SELECT id, visit_id FROM cs_consumption ORDER BY id",
        "logs": "SELECT id, visit_id FROM cs_contact_log ORDER BY id",
        "activities": """SELECT res_model, res_id, activity_type_id, user_id, active, feedback
                           FROM mail_activity ORDER BY id""",
        "cards": "SELECT id, partner_id, points, active, cs_one_card_per_partner"
        " FROM loyalty_card ORDER BY id",
        "history": "SELECT id, card_id FROM loyalty_history ORDER BY id",
    }
    result = {}
    for name, query in queries.items():
        cr.execute(query)
        result[name] = [list(row) for row in cr.fetchall()]
    return result


def facts(env, data, migration_file):
    """What the update made of the populated database, and whether a rerun changes it."""
    ref = env.ref
    Consumption = env["cs.consumption"]
    module = env["ir.module.module"].search([("name", "=", "customer_service")])
    a = Consumption.browse(data["a_ids"])
    b = Consumption.browse(data["b_id"])
    credit = Consumption.browse(data["credit_id"])
    c = Consumption.browse(data["c_ids"])
    visit_a, visit_b, visit_c = a.visit_id, b.visit_id, c.visit_id
    all_consumptions = Consumption.search([])
    overdue_c = _open(env, "cs.visit", OVERDUE, visit_c.ids)
    Card = env["loyalty.card"].with_context(active_test=False)
    program = ref(PROGRAM)
    cards_a = Card.search(
        [("program_id", "=", program.id), ("partner_id", "=", data["guest_a_id"])]
    )
    Activity = env["mail.activity"].with_context(active_test=False)
    folded_a = Activity.search(
        [
            ("res_model", "=", "cs.consumption"),
            ("res_id", "in", a.ids),
            ("activity_type_id", "=", ref(CALLBACK).id),
        ]
    )
    result = {
        "version": module.latest_version,
        "consumptions": len(all_consumptions),
        "without_visit": len(all_consumptions.filtered(lambda r: not r.visit_id)),
        "a_visit_ids": visit_a.ids,
        "a_visit_state": visit_a[:1].callback_state,
        "a_visit_consumption_ids": visit_a.consumption_ids.ids,
        "a_visit_deadline": _dt(visit_a[:1].callback_deadline),
        "a_visit_user_id": visit_a[:1].callback_user_id.id,
        "a_visit_date_start": _dt(visit_a[:1].date_start),
        "a_visit_date_end": _dt(visit_a[:1].date_end),
        "a_visit_amount": visit_a[:1].amount_total,
        "a_consumption_deadlines": [_dt(d) for d in a.mapped("callback_deadline")],
        "a_consumption_states": a.mapped("callback_state"),
        "a_open_callbacks": len(_open(env, "cs.visit", CALLBACK, visit_a.ids)),
        "a_open_callback_user_id": _open(env, "cs.visit", CALLBACK, visit_a.ids)[:1].user_id.id,
        "a_open_callback_summary": _open(env, "cs.visit", CALLBACK, visit_a.ids)[:1].summary or "",
        "a_folded": [[f.active, bool(f.date_done), f.feedback or ""] for f in folded_a],
        "a_visit_followers": visit_a[:1].message_partner_ids.ids,
        "a_open_callback_partner": _open(env, "cs.visit", CALLBACK, visit_a.ids)[
            :1
        ].user_id.partner_id.id,
        "open_on_consumption": len(_open(env, "cs.consumption", CALLBACK))
        + len(_open(env, "cs.consumption", OVERDUE)),
        "b_visit_ids": visit_b.ids,
        "b_visit_state": visit_b[:1].callback_state,
        "b_visit_on_time": visit_b[:1].callback_on_time,
        "b_visit_log_id": visit_b[:1].callback_log_id.id,
        "b_visit_date": _dt(visit_b[:1].callback_date),
        "b_visit_satisfaction": visit_b[:1].satisfaction,
        "b_visit_user_id": visit_b[:1].callback_user_id.id,
        "b_state": b.callback_state,
        "b_open_callbacks": len(_open(env, "cs.visit", CALLBACK, visit_b.ids)),
        "b_log_visit_ids": b.contact_log_ids.visit_id.ids,
        "credit_visit_ids": credit.visit_id.ids,
        "c_visit_ids": visit_c.ids,
        "c_visit_state": visit_c[:1].callback_state,
        "c_visit_escalated": visit_c[:1].callback_escalated,
        "c_open_callbacks": len(_open(env, "cs.visit", CALLBACK, visit_c.ids)),
        "c_overdue_users": sorted(overdue_c.user_id.ids),
        "c_overdue_count": len(overdue_c),
        "activity_type_models": [ref(CALLBACK).res_model, ref(OVERDUE).res_model],
        "cron_model": ref(
            "customer_service.ir_cron_cs_consumption_callback_escalation"
        ).model_id.model,
        "program_one_card": program.cs_one_card_per_partner,
        "cards_not_following": Card.search_count(
            [("program_id", "=", program.id), ("cs_one_card_per_partner", "=", False)]
        ),
        "a_active_cards": len(cards_a.filtered("active")),
        "a_points": sum(cards_a.mapped("points")),
        "a_history_cards": env["loyalty.history"]
        .search([("card_id", "in", cards_a.ids)])
        .card_id.filtered("active")
        .ids,
    }
    # The migration once more, on the migrated database: nothing may change.
    spec = importlib.util.spec_from_file_location("cs_post_migration_rerun", migration_file)
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    before = snapshot(env)
    migration.migrate(env.cr, "19.0.1.0.0")
    env.flush_all()
    after = snapshot(env)
    result["rerun_changed"] = sorted(name for name in before if before[name] != after[name])
    result["visit_counts"] = after["visits"]
    return result
