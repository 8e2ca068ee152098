import base64
from datetime import date

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged

from .common import CustomerServiceCase

DOCUMENT = base64.b64encode(b"%PDF-1.4 signed agreement")


@tagged("post_install", "-at_install")
class TestAgreement(CustomerServiceCase):
    """R9: front office and F&B register agreements, CS tracks their items."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.front_office = cls.env.ref("customer_service.cs_service_department_front_office")
        cls.fnb = cls.env.ref("customer_service.cs_service_department_fnb")
        cls.liaison_fo = cls.users["liaison"]
        cls.liaison_fnb = new_test_user(
            cls.env, login="cs_test_liaison_fnb", groups="customer_service.group_cs_liaison"
        )
        cls.front_office.member_ids = [Command.link(cls.liaison_fo.id)]
        cls.fnb.member_ids = [Command.link(cls.liaison_fnb.id)]
        cls.archive = cls._create_archive("CSTEST Agreement Guest")
        cls.guest = cls.archive.partner_id
        cls.Agreement = cls.env["cs.agreement"]

    def _agreement_vals(self, department=None, **vals):
        return {
            "partner_id": self.guest.id,
            "department_id": (department or self.front_office).id,
            "date_start": "2026-12-01",
            "date_end": "2026-12-31",
            "line_ids": [
                Command.create(
                    {
                        "name": "Banquet, 10 tables",
                        "quantity": 10,
                        "price_unit": 1200,
                        "scheduled_date": "2026-12-10",
                    }
                ),
                Command.create(
                    {
                        "name": "Suite, 2 nights",
                        "quantity": 2,
                        "price_unit": 1800,
                        "scheduled_date": "2026-12-20",
                    }
                ),
            ],
            **vals,
        }

    def _signed(self, user=None):
        agreement = self.Agreement.with_user(user or self.liaison_fo).create(
            self._agreement_vals(signed_document=DOCUMENT, signed_document_name="signed.pdf")
        )
        agreement.action_sign()
        return agreement

    def _count(self):
        return self.Agreement.search_count([("partner_id", "=", self.guest.id)])

    # ------------------------------------------------------------
    # Registration and rights
    # ------------------------------------------------------------

    def test_liaison_registers_for_own_department_only(self):
        agreement = self.Agreement.with_user(self.liaison_fo).create(self._agreement_vals())
        self.assertTrue(agreement.name.startswith("AGR"))
        self.assertEqual(agreement.state, "draft")
        self.assertEqual(agreement.amount_total, 10 * 1200 + 2 * 1800)
        self.assertEqual(agreement.user_id, self.users["staff"], "the archive's owner tracks it")
        # F&B's liaison neither sees front office's agreement nor its items.
        as_fnb = self.Agreement.with_user(self.liaison_fnb)
        self.assertFalse(as_fnb.search([("id", "=", agreement.id)]))
        with self.assertRaises(AccessError):
            as_fnb.browse(agreement.id).read(["name"])
        with self.assertRaises(AccessError):
            self.env["cs.agreement.line"].with_user(self.liaison_fnb).browse(
                agreement.line_ids.ids
            ).read(["name"])
        # ... nor registers one for front office.
        with self.assertRaises(AccessError):
            as_fnb.create(self._agreement_vals())
        self.assertEqual(self._count(), 1)
        # CS staff see every department's agreements.
        fnb_agreement = as_fnb.create(self._agreement_vals(department=self.fnb))
        staff_view = self.Agreement.with_user(self.users["staff"]).search(
            [("partner_id", "=", self.guest.id)]
        )
        self.assertEqual(staff_view, agreement | fnb_agreement)
        # Finance and plain users have no access to agreements.
        with self.assertRaises(AccessError):
            self.Agreement.with_user(self.users["internal"]).search([])

    def test_sign_needs_document_and_items(self):
        agreement = self.Agreement.with_user(self.liaison_fo).create(self._agreement_vals())
        with self.assertRaises(UserError):
            agreement.action_sign()
        self.assertEqual(agreement.state, "draft")
        empty = self.Agreement.with_user(self.liaison_fo).create(
            self._agreement_vals(line_ids=[], signed_document=DOCUMENT)
        )
        with self.assertRaises(UserError):
            empty.action_sign()
        agreement.signed_document = DOCUMENT
        with freeze_time("2026-11-30"):
            agreement.action_sign()
        self.assertEqual(agreement.state, "signed")
        self.assertEqual(agreement.signed_date, date(2026, 11, 30))
        # What was signed is frozen; only the state buttons move it.
        with self.assertRaises(UserError):
            agreement.partner_id = self.env["res.partner"].create({"name": "CSTEST Other"})
        with self.assertRaises(UserError):
            agreement.line_ids[0].quantity = 3
        with self.assertRaises(UserError):
            agreement.write({"state": "done"})
        with self.assertRaises(UserError):
            agreement.line_ids[0].unlink()
        self.assertEqual(agreement.state, "signed")

    # ------------------------------------------------------------
    # Reminders
    # ------------------------------------------------------------

    def test_reminder_cron_is_idempotent(self):
        activity_type = self.env.ref("customer_service.mail_activity_type_agreement_item")
        agreement = self._signed()
        draft = self.Agreement.with_user(self.liaison_fo).create(self._agreement_vals())
        cron = self.Agreement.sudo()._cron_remind_scheduled_items

        def reminders(record=agreement):
            return record.activity_ids.filtered(lambda a: a.activity_type_id == activity_type)

        with freeze_time("2026-12-07"):
            self.assertEqual(cron(), 0, "the 10th is 3 days away, beyond the default 2")
        with freeze_time("2026-12-08"):
            self.assertEqual(cron(), 1)
            self.assertEqual(cron(), 0, "a second run the same day adds nothing")
        self.assertEqual(len(reminders()), 1)
        self.assertEqual(reminders().user_id, self.users["staff"])
        self.assertEqual(reminders().date_deadline, date(2026, 12, 10))
        self.assertFalse(reminders(draft), "drafts are not tracked yet")
        with freeze_time("2026-12-09"):
            self.assertEqual(cron(), 0)
        # Rescheduling an item calls for a new reminder.
        agreement.line_ids[0].scheduled_date = "2026-12-11"
        with freeze_time("2026-12-09"):
            self.assertEqual(cron(), 1)
        self.env["ir.config_parameter"].sudo().set_param(
            "customer_service.agreement_reminder_days", "5"
        )
        with freeze_time("2026-12-15"):
            self.assertEqual(cron(), 1, "the 20th is within 5 days")
            self.assertEqual(cron(), 0)
        self.assertEqual(len(reminders()), 3)

    def test_reminder_cron_queries_do_not_grow(self):
        def cron_queries(count):
            agreements = self.Agreement.create(
                [
                    self._agreement_vals(signed_document=DOCUMENT, note=f"batch {count}")
                    for _index in range(count)
                ]
            )
            agreements.action_sign()
            self.env.flush_all()
            before = self.env.cr.sql_log_count
            with freeze_time("2026-12-09"):
                reminded = self.Agreement.sudo()._cron_remind_scheduled_items()
            self.env.flush_all()
            self.assertEqual(reminded, count)
            return self.env.cr.sql_log_count - before

        small = cron_queries(2)
        large = cron_queries(12)
        self.assertLessEqual(large, small + 2, "one batch of queries, not a few per item")

    def test_reminder_cron_needs_cs_rights(self):
        with self.assertRaises(AccessError):
            self.Agreement.with_user(self.liaison_fo)._cron_remind_scheduled_items()

    # ------------------------------------------------------------
    # Delivery
    # ------------------------------------------------------------

    def test_delivery_links_consumption(self):
        agreement = self._signed()
        banquet, suite = agreement.line_ids.sorted("scheduled_date")
        action = banquet.with_user(self.liaison_fo).action_deliver()
        consumption = banquet.consumption_id
        self.assertEqual(action["res_id"], consumption.id)
        self.assertEqual(consumption.partner_id, self.guest)
        self.assertEqual(consumption.department_id, self.front_office)
        self.assertEqual(consumption.amount_total, 12000)
        self.assertEqual(consumption.line_ids.name, "Banquet, 10 tables")
        self.assertEqual(banquet.delivery_state, "delivered")
        self.assertEqual(agreement.state, "in_progress")
        self.assertEqual(agreement.delivered_count, 1)
        with self.assertRaises(UserError):
            banquet.with_user(self.liaison_fo).action_deliver()
        # A consumption of another guest cannot deliver the suite.
        other = self.env["cs.consumption"].create(
            {
                "partner_id": self.env["res.partner"].create({"name": "CSTEST Stranger"}).id,
                "department_id": self.front_office.id,
                "line_ids": [Command.create({"name": "Room", "price_unit": 500})],
            }
        )
        with self.assertRaises(ValidationError):
            suite.with_user(self.users["staff"]).consumption_id = other
        self.assertFalse(suite.consumption_id)
        # An existing consumption of the guest can.
        stay = self.env["cs.consumption"].create(
            {
                "partner_id": self.guest.id,
                "department_id": self.front_office.id,
                "line_ids": [Command.create({"name": "Suite", "quantity": 2, "price_unit": 1800})],
            }
        )
        suite.with_user(self.users["staff"]).consumption_id = stay
        self.assertEqual(agreement.state, "done")
        self.assertEqual(
            agreement.action_view_consumptions()["domain"][0][2], (consumption | stay).ids
        )
        # No item can be delivered twice, nor once the agreement is done.
        with self.assertRaises(UserError):
            suite.action_deliver()

    def test_draft_agreement_delivers_nothing(self):
        agreement = self.Agreement.with_user(self.liaison_fo).create(self._agreement_vals())
        before = self.env["cs.consumption"].search_count([("partner_id", "=", self.guest.id)])
        with self.assertRaises(UserError):
            agreement.line_ids[0].action_deliver()
        after = self.env["cs.consumption"].search_count([("partner_id", "=", self.guest.id)])
        self.assertEqual(before, after)

    def test_cancel_and_reset(self):
        agreement = self._signed()
        agreement.action_cancel()
        self.assertEqual(agreement.state, "cancelled")
        with self.assertRaises(UserError):
            agreement.line_ids[0].action_deliver()
        agreement.action_draft()
        self.assertEqual(agreement.state, "draft")
        with self.assertRaises(UserError):
            agreement.action_draft()

    # ------------------------------------------------------------
    # Bad input
    # ------------------------------------------------------------

    def test_bad_input_creates_nothing(self):
        As = self.Agreement.with_user(self.liaison_fo)
        bad_lines = [
            {"name": "Negative", "quantity": -1, "price_unit": 10, "scheduled_date": "2026-12-10"},
            {"name": "Zero", "quantity": 0, "price_unit": 10, "scheduled_date": "2026-12-10"},
            {"name": "Cheap", "quantity": 1, "price_unit": -5, "scheduled_date": "2026-12-10"},
            {"name": "Late", "quantity": 1, "price_unit": 5, "scheduled_date": "2027-01-05"},
            {"name": "Early", "quantity": 1, "price_unit": 5, "scheduled_date": "2026-11-30"},
        ]
        for line in bad_lines:
            with self.subTest(item=line["name"]):
                with self.assertRaises(ValidationError) as caught:
                    As.create(self._agreement_vals(line_ids=[Command.create(line)]))
                self.assertIn(line["name"], str(caught.exception))
                self.assertEqual(self._count(), 0)
        with self.assertRaises(ValidationError):
            As.create(self._agreement_vals(date_start="2026-12-31", date_end="2026-12-01"))
        self.assertEqual(self._count(), 0)
        self.assertFalse(
            self.env["cs.agreement.line"].search([("agreement_id.partner_id", "=", self.guest.id)])
        )
        # Shortening the period past an item's date is refused too.
        agreement = As.create(self._agreement_vals())
        with self.assertRaises(ValidationError):
            agreement.date_end = "2026-12-15"
        self.assertEqual(agreement.date_end, date(2026, 12, 31))
        with self.assertRaises(UserError):
            As.create(self._agreement_vals(state="done"))
