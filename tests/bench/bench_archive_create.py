"""Creating guest archives against creating the same number of plain partners."""

from odoo.addons.base.tests.common import DISABLED_MAIL_CONTEXT

from .run import Figure, timer

LEVELS = ("secret", "confidential", "top_secret")


def run(env, n):
    env = env(context=dict(env.context, **DISABLED_MAIL_CONTEXT))
    Partner = env["res.partner"]

    with timer() as base:
        partners = Partner.create([{"name": f"Bench guest {i}"} for i in range(n)])
        env.flush_all()
    partner_rate = n / base["seconds"]

    owner = env.ref("base.user_admin")
    with timer() as measured:
        env["cs.guest.archive"].create(
            [
                {
                    "partner_id": partner.id,
                    "confidentiality_level": LEVELS[i % 3],
                    "owner_id": owner.id,
                }
                for i, partner in enumerate(partners)
            ]
        )
        env.flush_all()
    archive_rate = n / measured["seconds"]

    return [
        # Throughput is better when higher: compare the time per row instead.
        Figure(
            "archive create, ms per row",
            1000 / archive_rate,
            1000 / partner_rate,
            "ms",
            "res.partner create, ms per row",
        ),
        Figure(
            "archive create, rows per second",
            archive_rate,
            partner_rate,
            "r/s",
            "res.partner create, rows per second",
        ),
    ]
