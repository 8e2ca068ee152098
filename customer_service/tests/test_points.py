from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import CustomerServiceCase, create_compensation, set_authority_limit


@tagged("post_install", "-at_install")
class TestPoints(CustomerServiceCase):
    """R4: returning-guest points on Odoo's loyalty."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.guest = cls.env["res.partner"].create({"name": "Points Guest"})
        cls.program = cls.env.ref("customer_service.loyalty_program_returning_guest")
        cls.fnb = cls.env.ref("customer_service.cs_service_department_fnb")
        cls.front = cls.env.ref("customer_service.cs_service_department_front_office")
        cls.fnb.points_per_amount = 2.0
        cls.front.points_per_amount = 0.5
        cls.Card = cls.env["loyalty.card"]
        set_authority_limit(cls.env, cls.env.ref("customer_service.group_cs_user"), "points", 1000)

    def _consumption(self, department, amount, partner=None):
        return self.env["cs.consumption"].create(
            {
                "partner_id": (partner or self.guest).id,
                "department_id": department.id,
                "line_ids": [Command.create({"name": "Item", "quantity": 1, "price_unit": amount})],
            }
        )

    def _card(self):
        return self.Card.search(
            [("program_id", "=", self.program.id), ("partner_id", "=", self.guest.id)]
        )

    def assertLedger(self, card, points):
        card.invalidate_recordset()
        self.assertAlmostEqual(card.points, points)
        history = card.history_ids
        self.assertAlmostEqual(
            sum(history.mapped("issued")) - sum(history.mapped("used")), card.points
        )

    def test_program_in_data(self):
        self.assertEqual(self.program.program_type, "loyalty")
        self.assertFalse(self.program.company_id)

    def test_earn_per_department_rate_once(self):
        self.assertFalse(self._card())
        consumptions = self._consumption(self.fnb, 100.7) | self._consumption(self.front, 99)
        self.Card._cs_award_consumption_points(consumptions)
        card = self._card()
        self.assertEqual(len(card), 1, "the card is created on first earning")
        # F&B: floor(100.7 * 2) = 201; front office: floor(99 * 0.5) = 49.
        self.assertLedger(card, 250)
        self.assertEqual(sorted(card.history_ids.mapped("issued")), [49, 201])
        self.assertEqual(set(card.history_ids.mapped("order_model")), {"cs.consumption"})
        # Booking again does nothing: idempotent per consumption.
        self.Card._cs_award_consumption_points(consumptions)
        self.assertLedger(card, 250)
        self.assertEqual(len(card.history_ids), 2)
        self.assertEqual(self.guest.cs_loyalty_points, 250)

    def test_reporting_a_consumption_earns_its_points(self):
        self._consumption(self.fnb, 60)
        # Nothing else to call: the report itself books floor(60 * 2) points.
        self.assertLedger(self._card(), 120)

    def test_contact_card_is_the_company_card(self):
        company = self.env["res.partner"].create({"name": "Points Corp", "is_company": True})
        contact = self.env["res.partner"].create({"name": "Buyer", "parent_id": company.id})
        self.Card._cs_award_consumption_points(self._consumption(self.fnb, 10, partner=contact))
        self.assertEqual(company.cs_loyalty_points, 20)
        self.assertEqual(contact.cs_loyalty_points, 20)

    def test_redeem_and_refuse_beyond_balance(self):
        self.Card._cs_award_consumption_points(self._consumption(self.fnb, 100))
        card = self._card()
        staff = self.users["staff"]
        compensation = create_compensation(self.env, staff, self.guest, 150, "points")
        compensation.with_user(staff).action_sign()
        self.assertEqual(compensation.state, "done")
        self.assertEqual(compensation.loyalty_history_id.used, 150)
        self.assertFalse(compensation.move_id)
        self.assertLedger(card, 50)
        too_much = create_compensation(self.env, staff, self.guest, 51, "points")
        with self.assertRaisesRegex(UserError, "fewer than the 51"):
            too_much.with_user(staff).action_sign()
        self.assertEqual(too_much.state, "draft")
        self.assertLedger(card, 50)
        # Cancelling gives the points back.
        compensation.with_user(self.users["manager"]).action_cancel()
        self.assertLedger(card, 200)

    def test_redeem_without_card(self):
        staff = self.users["staff"]
        compensation = create_compensation(self.env, staff, self.guest, 1, "points")
        with self.assertRaisesRegex(UserError, "no returning-guest points"):
            compensation.with_user(staff).action_sign()

    def test_credit_note_takes_points_back_within_balance(self):
        original = self._consumption(self.fnb, 100)
        self.Card._cs_award_consumption_points(original)
        reversal = self.env["cs.consumption"].create(
            {
                "partner_id": self.guest.id,
                "department_id": self.fnb.id,
                "reversed_id": original.id,
                "line_ids": [Command.create({"name": "Item", "quantity": 1, "price_unit": -150})],
            }
        )
        self.Card._cs_award_consumption_points(reversal)
        # 300 points would go, but only 200 are there: the balance stops at zero.
        self.assertLedger(self._card(), 0)

    def _earned(self, consumption):
        # Creating the consumption awarded its points already.
        return self.env["loyalty.history"].search(
            [("order_model", "=", "cs.consumption"), ("order_id", "=", consumption.id)]
        )

    def _age(self, history, date):
        # create_date comes from the database clock, which freezegun leaves alone.
        history.flush_recordset()
        self.env.cr.execute(
            "UPDATE loyalty_history SET create_date = %s WHERE id IN %s", (date, tuple(history.ids))
        )
        history.invalidate_recordset(["create_date"])

    def test_expiry_oldest_first(self):
        self.env["ir.config_parameter"].sudo().set_param(
            "customer_service.points_validity_days", 30
        )
        staff = self.users["staff"]
        self._age(self._earned(self._consumption(self.fnb, 50)), "2026-01-01")
        self._age(self._earned(self._consumption(self.fnb, 25)), "2026-01-20")
        compensation = create_compensation(self.env, staff, self.guest, 30, "points")
        compensation.with_user(staff).action_sign()
        self._age(compensation.loyalty_history_id, "2026-01-20")
        card = self._card()
        self.assertLedger(card, 120)
        with freeze_time("2026-01-25"):
            self.Card._cs_cron_expire_points()
            self.assertLedger(card, 120)
        with freeze_time("2026-02-05"):
            # The 100 points of 1 January expire, less the 30 already spent.
            self.Card._cs_cron_expire_points()
            self.assertLedger(card, 50)
            self.Card._cs_cron_expire_points()
            self.assertLedger(card, 50)
        with freeze_time("2026-03-01"):
            self.Card._cs_cron_expire_points()
            self.assertLedger(card, 0)

    def test_balance_on_archive(self):
        archive = self._create_archive("Archive Points Guest")
        self.Card._cs_award_consumption_points(
            self._consumption(self.fnb, 10, partner=archive.partner_id)
        )
        self.assertEqual(archive.with_user(self.users["staff"]).loyalty_points, 20)
