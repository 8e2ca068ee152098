"""Two departments report the same guest at the same instant, in two real sessions.

Under REPEATABLE READ each session may see no pending visit and open one.
The partial unique index lets only one of them in: the other waits for the
first to commit, then fails with an error that Odoo's ``retrying`` runs
again, and the retry joins the visit the first session made. The same holds
for the guest's first points card.
"""

import uuid

import psycopg2.errors

from odoo import SUPERUSER_ID, Command, api
from odoo.exceptions import ConcurrencyError
from odoo.modules.registry import Registry
from odoo.service.model import retrying
from odoo.tests import BaseCase, tagged
from odoo.tests.common import get_db_name
from odoo.tools import SQL

from odoo.addons.base.tests.common import DISABLED_MAIL_CONTEXT


@tagged("post_install", "-at_install")
class TestVisitConcurrency(BaseCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.registry = Registry(get_db_name())

    def setUp(self):
        super().setUp()
        tag = uuid.uuid4().hex[:8]
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, DISABLED_MAIL_CONTEXT)
            self.guest = env["res.partner"].create({"name": f"Concurrent stay {tag}"}).id
            self.front = env.ref("customer_service.cs_service_department_front_office").id
            self.fnb = env.ref("customer_service.cs_service_department_fnb").id
        self.addCleanup(self._cleanup)

    def _cleanup(self):
        with self.registry.cursor() as cr:
            cr.execute(
                SQL(
                    "DELETE FROM mail_activity WHERE res_model = 'cs.visit' AND res_id IN"
                    " (SELECT id FROM cs_visit WHERE partner_id = %s)",
                    self.guest,
                )
            )
            cr.execute(
                SQL(
                    "DELETE FROM loyalty_history WHERE card_id IN"
                    " (SELECT id FROM loyalty_card WHERE partner_id = %s)",
                    self.guest,
                )
            )
            cr.execute(SQL("DELETE FROM loyalty_card WHERE partner_id = %s", self.guest))
            cr.execute(SQL("DELETE FROM cs_consumption WHERE partner_id = %s", self.guest))
            cr.execute(SQL("DELETE FROM cs_visit WHERE partner_id = %s", self.guest))
            cr.execute(SQL("DELETE FROM mail_followers WHERE partner_id = %s", self.guest))
            cr.execute(SQL("DELETE FROM res_partner WHERE id = %s", self.guest))

    def _session(self):
        cr = self.registry.cursor()
        self.addCleanup(cr.close)
        cr.execute("SET lock_timeout = '2s'")
        env = api.Environment(cr, SUPERUSER_ID, DISABLED_MAIL_CONTEXT)
        # Under REPEATABLE READ the first query fixes what the session sees.
        cr.execute("SELECT count(*) FROM cs_visit")
        return env

    def _report(self, env, department):
        return env["cs.consumption"].create(
            {
                "partner_id": self.guest,
                "department_id": department,
                "line_ids": [Command.create({"name": "Item", "price_unit": 100})],
            }
        )

    def _state(self):
        with self.registry.cursor() as cr:
            cr.execute(
                SQL(
                    "SELECT v.id, v.callback_state, count(c.id) FROM cs_visit v"
                    " LEFT JOIN cs_consumption c ON c.visit_id = v.id"
                    " WHERE v.partner_id = %s GROUP BY v.id",
                    self.guest,
                )
            )
            visits = cr.fetchall()
            cr.execute(
                SQL(
                    "SELECT count(*) FROM mail_activity WHERE res_model = 'cs.visit'"
                    " AND res_id IN (SELECT id FROM cs_visit WHERE partner_id = %s)",
                    self.guest,
                )
            )
            activities = cr.fetchone()[0]
            cr.execute(SQL("SELECT count(*) FROM loyalty_card WHERE partner_id = %s", self.guest))
            cards = cr.fetchone()[0]
        return visits, activities, cards

    def test_the_second_session_waits_then_joins_after_a_retry(self):
        """The first session has not committed yet: the second waits on the index."""
        env1, env2 = self._session(), self._session()
        self._report(env1, self.front)
        with self.assertRaises(psycopg2.errors.LockNotAvailable):
            self._report(env2, self.fnb)
        env2.cr.rollback()
        env1.cr.commit()
        # What Odoo does with a retryable error: roll back and run it again.
        env2.invalidate_all()
        self._report(env2, self.fnb)
        env2.cr.commit()
        visits, activities, cards = self._state()
        self.assertEqual(len(visits), 1, visits)
        self.assertEqual(visits[0][1:], ("pending", 2))
        self.assertEqual(activities, 1)
        self.assertEqual(cards, 1)

    def test_a_stale_snapshot_is_retried_by_odoo_and_joins(self):
        """The first session committed after the second took its snapshot."""
        env1, env2 = self._session(), self._session()
        self._report(env1, self.front)
        env1.cr.commit()
        with self.assertRaises(ConcurrencyError):
            self._report(env2, self.fnb)
        env2.cr.rollback()
        env2.invalidate_all()
        # Odoo's own retry loop, as a request or a cron runs it.
        retrying(lambda: self._report(env2, self.fnb), env2)
        visits, activities, cards = self._state()
        self.assertEqual(len(visits), 1, visits)
        self.assertEqual(visits[0][1:], ("pending", 2))
        self.assertEqual(activities, 1)
        self.assertEqual(cards, 1)

    def test_two_first_earnings_open_one_card(self):
        """Core loyalty has no unique card: ours does, for the returning-guest program."""
        env1, env2 = self._session(), self._session()
        Card1, Card2 = env1["loyalty.card"], env2["loyalty.card"]
        partner1 = env1["res.partner"].browse(self.guest)
        partner2 = env2["res.partner"].browse(self.guest)
        Card1._cs_cards(partner1)
        env1.cr.commit()
        with self.assertRaises(ConcurrencyError):
            Card2._cs_cards(partner2)
        env2.cr.rollback()
        env2.invalidate_all()
        card = retrying(lambda: Card2._cs_cards(partner2)[partner2], env2)
        visits, activities, cards = self._state()
        self.assertEqual(cards, 1)
        with self.registry.cursor() as cr:
            cr.execute(SQL("SELECT id FROM loyalty_card WHERE partner_id = %s", self.guest))
            self.assertEqual(cr.fetchone()[0], card.id)
