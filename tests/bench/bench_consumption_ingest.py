"""Ingesting consumption: the business path against a bare model and COPY.

10,000 consumptions of 3 items each go through the batch ``create`` used by
imports (sequence, totals, folding into visits, callback owner or turn, one
callback activity per visit, points). The baseline is the same rows created
through a bare Odoo model with no business logic (a manual ``x_`` model);
PostgreSQL ``COPY`` of the same rows into plain tables is the physical floor.

Two spreads of guests: 1,000 guests (ten reports each, so about 1,000 visits
and activities: the usual evening) and 10,000 guests (one visit each: the
worst case). Wall time on a shared 2-core machine varies by a third between
runs, so Python function calls are counted too, on a 2,000-row sample: they
do not depend on the machine's noise.
"""

import io
import os
import sys
from datetime import datetime, timedelta

from odoo import Command

from .run import Figure, timer

COUNT = int(os.environ.get("BENCH_CONSUMPTIONS", 10000))
BATCH = 1000
GUESTS = 1000
WORST_GUESTS = COUNT
CALL_SAMPLE = 2000
ITEMS = (("Set dinner", 2, 388.0), ("Red wine", 1, 680.0), ("Fruit platter", 1, 88.0))
BARE = "x_cs_bench_consumption"
BARE_LINE = "x_cs_bench_consumption_line"


def _bare_models(env):
    Model = env["ir.model"]
    if Model.search([("model", "=", BARE)]):
        return
    Model.create(
        {
            "name": "Bench bare consumption",
            "model": BARE,
            "field_id": [
                Command.create(
                    {"name": "x_partner_id", "ttype": "many2one", "relation": "res.partner"}
                ),
                Command.create(
                    {
                        "name": "x_department_id",
                        "ttype": "many2one",
                        "relation": "cs.service.department",
                    }
                ),
                Command.create({"name": "x_date", "ttype": "datetime"}),
            ],
        }
    )
    Model.create(
        {
            "name": "Bench bare consumption line",
            "model": BARE_LINE,
            "field_id": [
                Command.create({"name": "x_consumption_id", "ttype": "many2one", "relation": BARE}),
                Command.create({"name": "x_name", "ttype": "char"}),
                Command.create({"name": "x_quantity", "ttype": "float"}),
                Command.create({"name": "x_price_unit", "ttype": "float"}),
            ],
        }
    )
    env["ir.model.fields"].create(
        {
            "name": "x_line_ids",
            "model_id": env["ir.model"]._get_id(BARE),
            "ttype": "one2many",
            "relation": BARE_LINE,
            "relation_field": "x_consumption_id",
        }
    )


def populate(env, n):
    _bare_models(env)
    Partner = env["res.partner"]
    # Guests for the usual spread, then as many again for the worst case, and
    # a set for the call count: each pass meets guests with no visit yet.
    wanted = 2 * GUESTS + WORST_GUESTS + CALL_SAMPLE
    have = Partner.search_count([("name", "=like", "Bench consumption guest %")])
    if have < wanted:
        Partner.create([{"name": f"Bench consumption guest {i}"} for i in range(have, wanted)])


def _guest_ids(env):
    return (
        env["res.partner"].search([("name", "=like", "Bench consumption guest %")], order="id").ids
    )


def _rows(env, guest_ids, count=COUNT):
    departments = env["cs.service.department"].search([]).ids
    start = datetime(2026, 11, 1, 12)
    return [
        (
            guest_ids[i % len(guest_ids)],
            departments[i % len(departments)],
            start + timedelta(seconds=i),
        )
        for i in range(count)
    ]


def _business(env, rows):
    Consumption = env["cs.consumption"].with_context(import_file=True)
    for offset in range(0, len(rows), BATCH):
        Consumption.create(
            [
                {
                    "partner_id": partner,
                    "department_id": department,
                    "consumption_date": date,
                    "line_ids": [
                        Command.create({"name": name, "quantity": qty, "price_unit": price})
                        for name, qty, price in ITEMS
                    ],
                }
                for partner, department, date in rows[offset : offset + BATCH]
            ]
        )
        env.flush_all()


def _bare(env, rows):
    Bare = env[BARE]
    for offset in range(0, len(rows), BATCH):
        Bare.create(
            [
                {
                    "x_partner_id": partner,
                    "x_department_id": department,
                    "x_date": date,
                    "x_line_ids": [
                        Command.create({"x_name": name, "x_quantity": qty, "x_price_unit": price})
                        for name, qty, price in ITEMS
                    ],
                }
                for partner, department, date in rows[offset : offset + BATCH]
            ]
        )
        env.flush_all()


def _copy(env, rows):
    cr = env.cr
    cr.execute(
        "CREATE TEMP TABLE bench_copy_consumption (id serial, partner_id int, department_id int,"
        " consumption_date timestamp) ON COMMIT DROP;"
        "CREATE TEMP TABLE bench_copy_line (consumption_id int, name varchar, quantity numeric,"
        " price_unit numeric) ON COMMIT DROP"
    )
    heads = io.StringIO("".join(f"{p}\t{d}\t{t.isoformat(' ')}\n" for p, d, t in rows))
    lines = io.StringIO(
        "".join(
            f"{i + 1}\t{name}\t{qty}\t{price}\n"
            for i in range(len(rows))
            for name, qty, price in ITEMS
        )
    )
    cr.copy_expert(
        "COPY bench_copy_consumption (partner_id, department_id, consumption_date) FROM STDIN",
        heads,
    )
    cr.copy_expert("COPY bench_copy_line FROM STDIN", lines)


class _CallCounter:
    """Counts Python function calls, like cProfile's total, without its cost."""

    def __init__(self):
        self.calls = 0

    def __call__(self, frame, event, arg):
        if event == "call":
            self.calls += 1

    def count(self, func, *args):
        sys.setprofile(self)
        try:
            func(*args)
        finally:
            sys.setprofile(None)
        return self.calls


def _activities(env):
    env.cr.execute("SELECT count(*) FROM mail_activity WHERE res_model = 'cs.visit'")
    return env.cr.fetchone()[0]


def _visits(env):
    env.cr.execute("SELECT count(*) FROM cs_visit")
    return env.cr.fetchone()[0]


def run(env, n):
    guest_ids = _guest_ids(env)
    usual = guest_ids[:GUESTS]
    worst = guest_ids[2 * GUESTS : 2 * GUESTS + WORST_GUESTS]
    sample = guest_ids[2 * GUESTS + WORST_GUESTS :]
    rows = _rows(env, usual)
    with timer() as copy:
        _copy(env, rows)
    with timer() as bare:
        _bare(env, rows)
    activities, visits = _activities(env), _visits(env)
    with timer() as business:
        _business(env, rows)
    usual_activities = _activities(env) - activities
    usual_visits = _visits(env) - visits
    worst_rows = _rows(env, worst)
    with timer() as bare_worst:
        _bare(env, worst_rows)
    activities = _activities(env)
    with timer() as business_worst:
        _business(env, worst_rows)
    worst_activities = _activities(env) - activities
    # Function calls on a sample: half the guests report twice, as in a stay.
    sample_rows = _rows(env, sample[: CALL_SAMPLE // 2], CALL_SAMPLE)
    bare_calls = _CallCounter().count(_bare, env, sample_rows)
    business_calls = _CallCounter().count(_business, env, sample_rows)
    label = f"{COUNT} consumptions x {len(ITEMS)} items"
    return [
        Figure(
            f"ingest {label}, {GUESTS} guests, s",
            business["seconds"],
            bare["seconds"],
            "s",
            "bare x_ model create, same rows",
            goal=2,
        ),
        Figure(
            f"ingest {label}, vs COPY",
            business["seconds"],
            copy["seconds"],
            "s",
            "PostgreSQL COPY, same rows (floor)",
        ),
        Figure(
            f"callback activities, {GUESTS} guests",
            usual_activities,
            usual_visits,
            "",
            "visits opened (one activity each)",
            goal=1,
        ),
        Figure(
            f"ingest {label}, {WORST_GUESTS} guests, s",
            business_worst["seconds"],
            bare_worst["seconds"],
            "s",
            "bare x_ model, one visit per guest (worst)",
            goal=2,
        ),
        Figure(
            f"callback activities, {WORST_GUESTS} guests",
            worst_activities,
            WORST_GUESTS,
            "",
            "guests (one visit each)",
            goal=1,
        ),
        Figure(
            f"python calls, {CALL_SAMPLE} consumptions, k",
            business_calls / 1000,
            bare_calls / 1000,
            "k",
            "python calls of the bare model, same rows",
            goal=2,
        ),
    ]
