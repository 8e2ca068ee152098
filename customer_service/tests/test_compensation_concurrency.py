"""Two real database sessions sign at the same moment (R11, R4).

The data is committed through a cursor of its own (the test transaction is
invisible to other sessions) and removed again in a cleanup. Each scenario is
the one that breaks a naive implementation under PostgreSQL's REPEATABLE READ:
the second session took its snapshot before the first one committed, so any
sum or balance it reads is stale. It must fail (serialization error, which
Odoo retries) or wait (lock), never succeed.
"""

import uuid

import psycopg2.errors

from odoo import SUPERUSER_ID, api
from odoo.exceptions import UserError
from odoo.modules.registry import Registry
from odoo.tests import BaseCase, new_test_user, tagged
from odoo.tests.common import get_db_name
from odoo.tools import SQL

from odoo.addons.base.tests.common import DISABLED_MAIL_CONTEXT

from .common import set_authority_limit

RETRYABLE = (psycopg2.errors.SerializationFailure, psycopg2.errors.LockNotAvailable)


@tagged("post_install", "-at_install")
class TestCompensationConcurrency(BaseCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # The real registry: every cursor is its own database session.
        cls.registry = Registry(get_db_name())

    def setUp(self):
        super().setUp()
        tag = uuid.uuid4().hex[:8]
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, DISABLED_MAIL_CONTEXT)
            self.staff = new_test_user(
                env, login=f"cs_conc_staff_{tag}", groups="customer_service.group_cs_user"
            ).id
            self.manager = new_test_user(
                env, login=f"cs_conc_manager_{tag}", groups="customer_service.group_cs_manager"
            ).id
            guests = env["res.partner"].create(
                [{"name": f"Concurrent guest {tag} {i}"} for i in range(2)]
            )
            self.guests = guests.ids
            for user in (self.staff, self.manager):
                for ctype in ("waive_deductible", "points"):
                    set_authority_limit(env, env["res.users"].browse(user), ctype, 100, per_day=150)
        self.addCleanup(self._cleanup)

    def _cleanup(self):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, DISABLED_MAIL_CONTEXT)
            users = env["res.users"].browse([self.staff, self.manager])
            compensations = env["cs.compensation"].search([("partner_id", "in", self.guests)])
            move_ids = tuple((compensations.move_id | compensations.reversal_move_id).ids) or (0,)
            comp_ids = tuple(compensations.ids) or (0,)
            cr.execute(
                SQL(
                    "UPDATE cs_compensation SET move_id = NULL, reversal_move_id = NULL,"
                    " loyalty_history_id = NULL WHERE id IN %s",
                    comp_ids,
                )
            )
            cr.execute(SQL("DELETE FROM account_move WHERE id IN %s", move_ids))
            cr.execute(
                SQL(
                    "DELETE FROM mail_activity"
                    " WHERE res_model = 'cs.compensation' AND res_id IN %s",
                    comp_ids,
                )
            )
            cr.execute(SQL("DELETE FROM cs_compensation WHERE id IN %s", comp_ids))
            cr.execute(SQL("DELETE FROM loyalty_card WHERE partner_id IN %s", tuple(self.guests)))
            cr.execute(SQL("DELETE FROM cs_authority_budget WHERE user_id IN %s", tuple(users.ids)))
            env["cs.authority.limit"].search([("user_id", "in", users.ids)]).unlink()
            env.invalidate_all()
            users.unlink()
            env["res.partner"].browse(self.guests).unlink()

    def _session(self, uid):
        cr = self.registry.cursor()
        self.addCleanup(cr.close)
        cr.execute("SET lock_timeout = '1s'")
        return api.Environment(cr, uid, DISABLED_MAIL_CONTEXT)

    def _create(self, amount, ctype="waive_deductible", guest=0):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, self.staff, DISABLED_MAIL_CONTEXT)
            return (
                env["cs.compensation"]
                .create(
                    {
                        "partner_id": self.guests[guest],
                        "compensation_type": ctype,
                        "amount": amount,
                    }
                )
                .id
            )

    def _give_points(self, guest, points):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, DISABLED_MAIL_CONTEXT)
            partner = env["res.partner"].browse(self.guests[guest])
            Card = env["loyalty.card"]
            card = Card._cs_cards(partner)[partner]
            Card._cs_apply_points([{"card": card, "delta": points, "description": "Opening"}])
            return card.id

    def _states(self, ids):
        with self.registry.cursor() as cr:
            cr.execute(SQL("SELECT id, state FROM cs_compensation WHERE id IN %s", tuple(ids)))
            return dict(cr.fetchall())

    @staticmethod
    def _snapshot(env):
        # Under REPEATABLE READ the first query fixes what the session sees.
        env.cr.execute("SELECT count(*) FROM cs_compensation")

    def _retry(self, env, ids, exception=UserError, message=None):
        """What Odoo does after a serialization error: run it again, fresh."""
        env.cr.rollback()
        env.invalidate_all()
        with self.assertRaisesRegex(exception, message or ""):
            env["cs.compensation"].browse(ids).action_sign()
        env.cr.rollback()

    def test_daily_limit_stale_snapshot(self):
        """Both sessions read the day's total before either signs."""
        first, second = self._create(100), self._create(100)
        env1, env2 = self._session(self.staff), self._session(self.staff)
        self._snapshot(env1)
        self._snapshot(env2)
        env1["cs.compensation"].browse(first).action_sign()
        env1.cr.commit()
        with self.assertRaises(psycopg2.errors.SerializationFailure):
            env2["cs.compensation"].browse(second).action_sign()
        self._retry(env2, second, message="daily limit")
        self.assertEqual(self._states([first, second]), {first: "done", second: "draft"})

    def test_daily_limit_waits_for_the_other_session(self):
        # Points on two guests' cards: no journal or card is shared, only the
        # signer's budget.
        for guest in (0, 1):
            self._give_points(guest, 500)
        first, second = self._create(100, "points", 0), self._create(100, "points", 1)
        env1, env2 = self._session(self.staff), self._session(self.staff)
        env1["cs.compensation"].browse(first).action_sign()  # holds the budget lock
        with self.assertRaises(psycopg2.errors.LockNotAvailable):
            env2["cs.compensation"].browse(second).action_sign()
        env1.cr.commit()
        self._retry(env2, second, message="daily limit")
        self.assertEqual(self._states([first, second]), {first: "done", second: "draft"})

    def test_same_compensation_signed_twice(self):
        """Two people sign the same compensation: exactly one signature."""
        compensation = self._create(50)
        env1, env2 = self._session(self.staff), self._session(self.manager)
        self._snapshot(env2)
        env1["cs.compensation"].browse(compensation).action_sign()
        env1.cr.commit()
        with self.assertRaises(RETRYABLE):
            env2["cs.compensation"].browse(compensation).action_sign()
        self._retry(env2, compensation, message="already been signed")
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            record = env["cs.compensation"].browse(compensation)
            self.assertEqual(record.signer_id.id, self.staff)
            self.assertEqual(
                env["account.move"].search_count([("cs_compensation_id", "=", compensation)]), 1
            )

    def test_points_redeemed_twice(self):
        """Two redemptions of 80 from a balance of 100: one of them only."""
        card_id = self._give_points(0, 100)
        first, second = self._create(80, "points"), self._create(80, "points")
        # Different signers, so that only the card is shared.
        env1, env2 = self._session(self.staff), self._session(self.manager)
        env2.cr.execute(
            SQL("UPDATE cs_compensation SET create_uid = %s WHERE id = %s", self.manager, second)
        )
        self._snapshot(env1)
        env1["cs.compensation"].browse(first).action_sign()
        env1.cr.commit()
        with self.assertRaises(psycopg2.errors.SerializationFailure):
            env2["cs.compensation"].browse(second).action_sign()
        env2.cr.rollback()
        env2.invalidate_all()
        with self.assertRaisesRegex(UserError, "fewer than the 80"):
            env2["cs.compensation"].browse(second).action_sign()
        env2.cr.rollback()
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            card = env["loyalty.card"].browse(card_id)
            self.assertEqual(card.points, 20)
            self.assertEqual(
                sum(card.history_ids.mapped("issued")) - sum(card.history_ids.mapped("used")), 20
            )
