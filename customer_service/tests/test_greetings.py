from datetime import date

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from ..models.cs_greeting import festival_dates
from .common import CustomerServiceCase


@tagged("post_install", "-at_install")
class TestGreetings(CustomerServiceCase):
    """R16: greetings before the festivals and the birthday, solar or lunar."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Greeting = cls.env["cs.greeting"]
        cls.template = cls.env.ref("customer_service.cs_retention_plan_template_normal")
        with freeze_time("2026-01-05"):
            cls.guest = cls._create_archive("CSTEST Greeted Guest", lang="en_US")
            cls.guest.partner_id.email = "greeted.guest@example.com"
            cls.plan = cls._create_plan(
                cls.guest, date_from=date(2026, 1, 5), date_to=date(2027, 12, 31)
            )
            cls._approve_plan(cls.plan, cls.users["manager"])
        cls.env["ir.config_parameter"].sudo().set_param(
            "customer_service.greeting_days_before", "3"
        )

    def _greetings(self, archive=None, occasion=None):
        domain = [("archive_id", "=", (archive or self.guest).id)]
        if occasion:
            domain.append(("occasion", "=", occasion))
        return self.Greeting.search(domain, order="occasion_date, id")

    def _run(self, day):
        with freeze_time(day):
            return self.Greeting._cron_send_greetings()

    # ------------------------------------------------------------
    # Dates
    # ------------------------------------------------------------

    def test_festival_dates_against_published_dates(self):
        dates_2026 = festival_dates(2026)
        dates_2027 = festival_dates(2027)
        self.assertEqual(dates_2026["mid_autumn"], date(2026, 9, 25))
        self.assertEqual(dates_2027["mid_autumn"], date(2027, 9, 15))
        self.assertEqual(dates_2027["spring_festival"], date(2027, 2, 6))
        self.assertEqual(dates_2026["spring_festival"], date(2026, 2, 17))
        self.assertEqual(dates_2027["lantern"], date(2027, 2, 20))
        self.assertEqual(dates_2026["qingming"], date(2026, 4, 5))
        self.assertEqual(dates_2027["qingming"], date(2027, 4, 5))
        self.assertEqual(dates_2026["dragon_boat"], date(2026, 6, 19))
        self.assertEqual(dates_2027["dragon_boat"], date(2027, 6, 9))

    def test_mid_autumn_two_lunar_years(self):
        self._run("2026-09-21")
        self.assertFalse(self._greetings(occasion="mid_autumn"), "4 days before: too early")
        self._run("2026-09-22")
        greeting = self._greetings(occasion="mid_autumn")
        self.assertEqual(greeting.occasion_date, date(2026, 9, 25))
        self.assertEqual(greeting.date, date(2026, 9, 22))
        self.assertEqual(greeting.state, "sent")
        self.assertEqual(greeting.plan_id, self.plan)
        # Mailed, in the guest's language, with a greeting contact record (R7).
        self.assertTrue(greeting.mail_id)
        self.assertEqual(greeting.mail_id.recipient_ids, self.guest.partner_id)
        self.assertIn("Mid-Autumn Festival", greeting.mail_id.subject)
        self.assertEqual(greeting.lang, "en_US")
        log = greeting.contact_log_id
        self.assertEqual(log.contact_type, "greeting")
        self.assertEqual(log.partner_id, self.guest.partner_id)
        self.assertEqual(log.user_id, self.users["staff"])
        # Idempotent: once per guest and festival.
        self.assertEqual(self._run("2026-09-22"), 0)
        self._run("2026-09-23")
        self._run("2026-09-24")
        self.assertEqual(len(self._greetings(occasion="mid_autumn")), 1)
        self.assertEqual(
            self.env["cs.contact.log"].search_count(
                [("partner_id", "=", self.guest.partner_id.id), ("contact_type", "=", "greeting")]
            ),
            1,
        )
        # The next lunar year's Mid-Autumn is another date.
        self._run("2027-09-11")
        self.assertEqual(len(self._greetings(occasion="mid_autumn")), 1)
        self._run("2027-09-12")
        self.assertEqual(
            self._greetings(occasion="mid_autumn").mapped("occasion_date"),
            [date(2026, 9, 25), date(2027, 9, 15)],
        )

    def test_spring_festival_lantern_and_qingming(self):
        self._run("2027-02-03")
        self.assertEqual(
            self._greetings(occasion="spring_festival").occasion_date, date(2027, 2, 6)
        )
        self._run("2027-02-17")
        self.assertEqual(self._greetings(occasion="lantern").occasion_date, date(2027, 2, 20))
        self._run("2026-04-02")
        self._run("2027-04-02")
        self.assertEqual(
            self._greetings(occasion="qingming").mapped("occasion_date"),
            [date(2026, 4, 5), date(2027, 4, 5)],
        )
        self._run("2026-06-16")
        self.assertEqual(self._greetings(occasion="dragon_boat").occasion_date, date(2026, 6, 19))

    def test_days_before_setting(self):
        self.env["ir.config_parameter"].sudo().set_param(
            "customer_service.greeting_days_before", "1"
        )
        self._run("2026-09-22")
        self._run("2026-09-23")
        self.assertFalse(self._greetings(occasion="mid_autumn"))
        self._run("2026-09-24")
        self.assertEqual(self._greetings(occasion="mid_autumn").date, date(2026, 9, 24))
        with self.assertRaises(ValidationError):
            self.env["res.config.settings"].create({"cs_greeting_days_before": 5})

    # ------------------------------------------------------------
    # Birthdays
    # ------------------------------------------------------------

    def test_solar_birthday(self):
        self.guest.birthday = date(1980, 7, 10)
        self._run("2026-07-06")
        self.assertFalse(self._greetings(occasion="birthday"))
        self._run("2026-07-07")
        self.assertEqual(self._greetings(occasion="birthday").occasion_date, date(2026, 7, 10))
        self._run("2026-07-08")
        self.assertEqual(len(self._greetings(occasion="birthday")), 1)

    def test_lunar_birthday(self):
        # Lunar 3/3 is 2026-04-19 and 2027-04-09.
        self.guest.write({"is_lunar_birthday": True, "lunar_birthday": "03-03"})
        self._run("2026-04-16")
        self._run("2027-04-06")
        self.assertEqual(
            self._greetings(occasion="birthday").mapped("occasion_date"),
            [date(2026, 4, 19), date(2027, 4, 9)],
        )

    def test_lunar_birthday_from_birth_date_and_short_month(self):
        with freeze_time("2026-01-05"):
            # Born 1985-09-29, lunar 8/15: celebrated on Mid-Autumn day.
            born = self._create_archive(
                "CSTEST Lunar Born", birthday=date(1985, 9, 29), is_lunar_birthday=True
            )
            # Lunar 2/30: the second month of 2026 has 29 days, so its 29th.
            thirtieth = self._create_archive(
                "CSTEST Lunar Thirtieth", is_lunar_birthday=True, lunar_birthday="02-30"
            )
            (born | thirtieth).partner_id.write({"email": "lunar@example.com"})
            plan = self._create_plan(
                born | thirtieth, date_from=date(2026, 1, 5), date_to=date(2026, 12, 31)
            )
            self._approve_plan(plan, self.users["manager"])
        self._run("2026-04-13")
        self.assertEqual(self._greetings(thirtieth, "birthday").occasion_date, date(2026, 4, 16))
        self._run("2026-09-22")
        self.assertEqual(self._greetings(born, "birthday").occasion_date, date(2026, 9, 25))

    # ------------------------------------------------------------
    # Who gets a greeting
    # ------------------------------------------------------------

    def test_blacklisted_guest_gets_no_mail(self):
        self.env["mail.blacklist"].sudo()._add("greeted.guest@example.com")
        self._run("2026-09-22")
        greeting = self._greetings(occasion="mid_autumn")
        self.assertEqual(greeting.state, "skipped")
        self.assertEqual(greeting.skip_reason, "blacklisted")
        self.assertFalse(greeting.mail_id)
        self.assertFalse(greeting.contact_log_id)
        self.assertFalse(
            self.env["mail.mail"].search([("recipient_ids", "in", self.guest.partner_id.ids)])
        )
        self.assertEqual(self._run("2026-09-23"), 0, "and is not retried every day")

    def test_unapproved_or_greetings_off(self):
        with freeze_time("2026-01-05"):
            draft_guest = self._create_archive("CSTEST Draft Plan Guest")
            self._create_plan(draft_guest, date_from=date(2026, 1, 5), date_to=date(2026, 12, 31))
            quiet = self.template.copy({"name": "No greetings", "greetings": False})
            quiet_guest = self._create_archive("CSTEST Quiet Guest")
            plan = self._create_plan(
                quiet_guest, template=quiet, date_from=date(2026, 1, 5), date_to=date(2026, 12, 31)
            )
            self._approve_plan(plan, self.users["manager"])
        self._run("2026-09-22")
        self.assertTrue(self._greetings(occasion="mid_autumn"))
        self.assertFalse(self._greetings(draft_guest), "an unapproved plan greets nobody")
        self.assertFalse(self._greetings(quiet_guest), "greetings are off")

    # ------------------------------------------------------------
    # Gifts
    # ------------------------------------------------------------

    def test_gift_proposal_capped(self):
        with self.assertRaises(ValidationError):
            self.template.gift_value = 250
        self.template.gift_value = 150
        self._run("2026-09-22")
        greeting = self._greetings(occasion="mid_autumn")
        self.assertEqual(greeting.gift_amount, 150)
        with self.assertRaises(ValidationError):
            greeting.with_user(self.users["staff"]).gift_amount = 201
        with self.assertRaises(UserError):
            greeting.with_user(self.users["staff"]).state = "skipped"
        self.env["ir.config_parameter"].sudo().set_param("customer_service.gift_value_cap", "300")
        greeting.with_user(self.users["staff"]).gift_amount = 250
        self.assertEqual(greeting.gift_amount, 250)

    def test_give_gift(self):
        """The greeting's gift becomes a draft gift compensation, once."""
        self.template.gift_value = 150
        self._run("2026-09-22")
        greeting = self._greetings(occasion="mid_autumn")
        greeting.gift_note = "Mooncakes"
        Compensation = self.env["cs.compensation"]
        for intruder in (self.users["liaison"], self.users["internal"]):
            with self.subTest(user=intruder.login), self.assertRaises(AccessError):
                greeting.with_user(intruder).action_give_gift()
        self.assertFalse(greeting.compensation_id)

        staff = self.users["staff"]
        action = greeting.with_user(staff).action_give_gift()
        compensation = greeting.compensation_id
        self.assertEqual(
            (action["res_model"], action["res_id"]), (Compensation._name, compensation.id)
        )
        self.assertEqual(compensation.create_uid, staff)
        self.assertEqual(compensation.state, "draft", "signed like any compensation (R11)")
        self.assertEqual(compensation.compensation_type, "gift")
        self.assertEqual(compensation.partner_id, self.guest.partner_id)
        self.assertEqual(compensation.company_id, greeting.company_id)
        self.assertEqual(compensation.amount, 150)
        self.assertIn("Mooncakes", compensation.description)
        # Given once: a second click opens the same compensation.
        again = greeting.with_user(staff).action_give_gift()
        self.assertEqual(again["res_id"], compensation.id)
        self.assertEqual(
            Compensation.search_count([("partner_id", "=", self.guest.partner_id.id)]), 1
        )
        # Cancelled, it may be given again.
        compensation.with_user(staff).action_cancel()
        greeting.with_user(staff).action_give_gift()
        self.assertNotEqual(greeting.compensation_id, compensation)
        self.assertEqual(greeting.compensation_state, "draft")

    def test_give_gift_refuses_bad_input(self):
        self.template.gift_value = 150
        self._run("2026-09-22")
        greeting = self._greetings(occasion="mid_autumn").with_user(self.users["staff"])
        # The cap was lowered after the proposal.
        self.env["ir.config_parameter"].sudo().set_param("customer_service.gift_value_cap", "100")
        with self.assertRaisesRegex(ValidationError, "exceeds the gift value cap of 100"):
            greeting.action_give_gift()
        greeting.gift_amount = 0
        with self.assertRaisesRegex(UserError, "No gift is proposed"):
            greeting.action_give_gift()
        self.assertFalse(greeting.compensation_id)
        self.assertFalse(
            self.env["cs.compensation"].search([("partner_id", "=", self.guest.partner_id.id)])
        )
