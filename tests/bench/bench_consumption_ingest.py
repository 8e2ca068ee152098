"""Ingesting consumption (issue 4): the business path against a bare model and COPY.

10,000 consumptions of 3 items each go through the batch ``create`` used by
imports (sequence, totals, callback deadline, owner or turn, callback
activity). The baseline is the same rows created through a bare Odoo model
with no business logic (a manual ``x_`` model); PostgreSQL ``COPY`` of the
same rows into plain tables is the physical floor.
"""

import io
import os
from datetime import datetime, timedelta

from odoo import Command

from .run import Figure, timer

COUNT = int(os.environ.get("BENCH_CONSUMPTIONS", 10000))
BATCH = 1000
GUESTS = 1000
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
    have = Partner.search_count([("name", "=like", "Bench consumption guest %")])
    if have < GUESTS:
        Partner.create([{"name": f"Bench consumption guest {i}"} for i in range(have, GUESTS)])


def _rows(env):
    guests = env["res.partner"].search(
        [("name", "=like", "Bench consumption guest %")], limit=GUESTS
    )
    departments = env["cs.service.department"].search([])
    start = datetime(2026, 11, 1, 12)
    return [
        (
            guests[i % len(guests)].id,
            departments[i % len(departments)].id,
            start + timedelta(minutes=i),
        )
        for i in range(COUNT)
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


def run(env, n):
    rows = _rows(env)
    with timer() as copy:
        _copy(env, rows)
    with timer() as bare:
        _bare(env, rows)
    with timer() as business:
        _business(env, rows)
    label = f"{COUNT} consumptions x {len(ITEMS)} items"
    return [
        Figure(
            f"ingest {label}, s",
            business["seconds"],
            bare["seconds"],
            "s",
            "bare x_ model create, same rows",
            goal=3,
        ),
        Figure(
            f"ingest {label}, vs COPY",
            business["seconds"],
            copy["seconds"],
            "s",
            "PostgreSQL COPY, same rows (floor)",
        ),
    ]
