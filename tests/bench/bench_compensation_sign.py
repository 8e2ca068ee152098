"""Signing compensations within authority limits, against the same records
given with no limit check (issue 5).

1,000 compensations (a waived penalty each, booked as a credit note) are
signed by 50 CS users through ``action_sign``: rights, the two budget and
record locks, the limit lookup and the day/month sums. The baseline creates
the same records as the same users and books them the same way (as
superuser, as signing does), with no limit check and no lock. Both run one
compensation at a time, as users do.
"""

import os

from odoo.addons.base.tests.common import DISABLED_MAIL_CONTEXT

from .run import Figure, timer

SIGNERS = 50
BLOCK = 50
TOTAL = int(os.environ.get("BENCH_COMP_TOTAL", 1000))


def _signers(env):
    Users = env["res.users"].with_context(no_reset_password=True)
    group = env.ref("customer_service.group_cs_user")
    users = Users.search([("login", "=like", "bench_comp_signer_%")], order="login")
    missing = [f"bench_comp_signer_{i:02d}" for i in range(len(users), SIGNERS)]
    if missing:
        users |= Users.create(
            [{"name": login, "login": login, "group_ids": [(6, 0, group.ids)]} for login in missing]
        )
    return users


def populate(env, n):
    """50 signers, each with a limit that 20 signatures a day stay within."""
    env = env(context=dict(env.context, **DISABLED_MAIL_CONTEXT))
    signers = _signers(env)
    Limit = env["cs.authority.limit"].sudo()
    have = set(Limit.search([("user_id", "in", signers.ids)]).user_id.ids)
    Limit.create(
        [
            {
                "user_id": user.id,
                "compensation_type": "waive_penalty",
                "max_per_transaction": 1000,
                "max_per_day": 1_000_000,
                "max_per_month": 10_000_000,
                "company_id": env.company.id,
            }
            for user in signers
            if user.id not in have
        ]
    )
    if not env["res.partner"].search_count([("name", "=like", "Bench comp guest %")]):
        env["res.partner"].create([{"name": f"Bench comp guest {i}"} for i in range(SIGNERS)])


def run(env, n):
    env = env(context=dict(env.context, **DISABLED_MAIL_CONTEXT))
    signers = _signers(env)
    guests = env["res.partner"].search([("name", "=like", "Bench comp guest %")], limit=SIGNERS)
    Compensation = env["cs.compensation"]
    # Warm the registry caches (templates, sequences, journals) for both paths.
    for i in range(5):
        Compensation.with_user(signers[i]).create(
            {"partner_id": guests[i].id, "compensation_type": "waive_penalty", "amount": 5}
        ).with_user(signers[i]).action_sign()
    env.flush_all()

    def book_unchecked(i):
        signer = signers[i % SIGNERS]
        record = (
            Compensation.with_user(signer)
            .create(
                {
                    "partner_id": guests[i % len(guests)].id,
                    "compensation_type": "waive_penalty",
                    "amount": 10 + i % 50,
                }
            )
            .sudo()
        )
        record._book()
        record.write(
            {
                "state": "done",
                "signer_id": signer.id,
                "authority_user_id": signer.id,
                "sign_date": record.create_date.date(),
            }
        )

    def sign(i):
        signer = signers[i % SIGNERS]
        Compensation.with_user(signer).create(
            {
                "partner_id": guests[i % len(guests)].id,
                "compensation_type": "waive_penalty",
                "amount": 10 + i % 50,
            }
        ).action_sign()

    # Alternate blocks of both, so that the journal's growth and the load of
    # a shared machine weigh on both alike.
    seconds = {book_unchecked: 0.0, sign: 0.0}
    for start in range(0, TOTAL, BLOCK):
        for path in (book_unchecked, sign):
            with timer() as elapsed:
                for i in range(start, min(start + BLOCK, TOTAL)):
                    path(i)
                env.flush_all()
            seconds[path] += elapsed["seconds"]
    base = {"seconds": seconds[book_unchecked]}
    measured = {"seconds": seconds[sign]}

    return [
        Figure(
            f"sign {TOTAL} compensations, {SIGNERS} signers",
            measured["seconds"],
            base["seconds"],
            "s",
            "same records booked with no limit check",
            goal=2,
        )
    ]
