"""The CS-staff archive list against the same query without record rules (issue 3).

The list view calls web_search_read for 80 rows in the default order, with a
count. Staff go through the confidentiality rules (level, owner, borrows,
company); the superuser does not. The ratio shows what the rules cost.
"""

import os
import statistics
import time

from odoo.addons.base.tests.common import DISABLED_MAIL_CONTEXT

from .run import Figure

LEVELS = ("secret", "confidential", "top_secret")
# Per cycle, how many archives are secret, confidential, top secret. Even by
# default; BENCH_LEVEL_MIX=14,5,1 models a hotel where most archives are
# ordinary business (secret). Use a separate BENCH_DB per mix.
LEVEL_MIX = [int(x) for x in os.environ.get("BENCH_LEVEL_MIX", "1,1,1").split(",")]
LEVEL_CYCLE = [level for level, count in zip(LEVELS, LEVEL_MIX, strict=True) for _ in range(count)]
STAFF = 10
BATCH = 5000
SPEC = {
    "code": {},
    "partner_id": {"fields": {"display_name": {}}},
    "guest_type": {},
    "customer_class": {},
    "credit_class": {},
    "confidentiality_level": {},
    "owner_id": {"fields": {"display_name": {}}},
    "next_review_date": {},
}


def _staff(env):
    Users = env["res.users"].with_context(no_reset_password=True)
    group = env.ref("customer_service.group_cs_user")
    users = Users.search([("login", "=like", "bench_staff_%")], order="login")
    missing = [f"bench_staff_{i:02d}" for i in range(STAFF) if i >= len(users)]
    if missing:
        users |= Users.create(
            [{"name": login, "login": login, "group_ids": [(6, 0, group.ids)]} for login in missing]
        )
    return users


def populate(env, n):
    """Bring the bench database to n archives, spread over levels and owners."""
    env = env(context=dict(env.context, **DISABLED_MAIL_CONTEXT))
    staff = _staff(env)
    existing = env["cs.guest.archive"].with_context(active_test=False).search_count([])
    for start in range(existing, n, BATCH):
        size = min(BATCH, n - start)
        partners = env["res.partner"].create(
            [{"name": f"Bench list guest {start + i}"} for i in range(size)]
        )
        env["cs.guest.archive"].create(
            [
                {
                    "partner_id": partner.id,
                    "confidentiality_level": LEVEL_CYCLE[(start + i) % len(LEVEL_CYCLE)],
                    "owner_id": staff[(start + i) % STAFF].id,
                }
                for i, partner in enumerate(partners)
            ]
        )
        env.cr.commit()
        env.invalidate_all()
    env.cr.execute("ANALYZE cs_guest_archive")


def _median_ms(archives, runs=15):
    archives.web_search_read([], SPEC, limit=80, count_limit=10001)  # warm up
    times = []
    for _ in range(runs):
        archives.env.invalidate_all()
        start = time.perf_counter()
        archives.web_search_read([], SPEC, limit=80, count_limit=10001)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def run(env, n):
    staff = _staff(env)[0]
    as_staff = env["cs.guest.archive"].with_user(staff)
    as_root = env["cs.guest.archive"].sudo()
    total = as_root.search_count([])
    return [
        Figure(
            f"staff list, 80 rows of {total}, mix {'/'.join(map(str, LEVEL_MIX))}",
            _median_ms(as_staff),
            _median_ms(as_root),
            "ms",
            "same list as superuser, no rules",
            goal=1.5,
        )
    ]
