from datetime import datetime

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .common import CustomerServiceCase


@tagged("post_install", "-at_install")
class TestPromotion(CustomerServiceCase):
    """R8: promotions reach returning guests, never those who opted out."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.fnb = cls.env.ref("customer_service.cs_service_department_fnb")
        cls.vip_tag = cls.env["cs.archive.tag"].create({"name": "CSTEST Wine Lover"})

        def guest(name, visits, email=True, **vals):
            archive = cls._create_archive(f"CSTEST Promo {name}", **vals)
            if email:
                archive.partner_id.email = f"{name.lower()}@promo.example.com"
            cls.env["cs.consumption"].create(
                [
                    {
                        "partner_id": archive.partner_id.id,
                        "department_id": cls.fnb.id,
                        "consumption_date": visit,
                        "line_ids": [Command.create({"name": "Dinner", "price_unit": 300})],
                    }
                    for visit in visits
                ]
            )
            return archive.partner_id

        two_visits = [datetime(2026, 6, 1, 19), datetime(2026, 10, 1, 19)]
        cls.anna = guest("Anna", two_visits)
        cls.ben = guest("Ben", two_visits)
        cls.carl = guest("Carl", two_visits[:1])
        cls.dora = guest("Dora", two_visits, email=False)
        cls.emil = guest(
            "Emil",
            [datetime(2026, 3, 1, 12), datetime(2026, 4, 1, 12)],
            customer_class="key",
            tag_ids=[Command.link(cls.vip_tag.id)],
        )
        cls.tara = guest("Tara", two_visits, level="top_secret")
        cls.env["mail.blacklist"].sudo()._add("ben@promo.example.com")
        cls.template = cls.env.ref("customer_service.mail_template_cs_promotion")
        cls.ours = cls.anna | cls.ben | cls.carl | cls.dora | cls.emil | cls.tara

    def _wizard(self, user=None, **vals):
        with freeze_time("2026-11-23"):
            return (
                self.env["cs.promotion.wizard"]
                .with_user(user or self.users["staff"])
                .create({"template_id": self.template.id, **vals})
            )

    def _logs(self):
        return self.env["cs.contact.log"].search(
            [("partner_id", "in", self.ours.ids), ("contact_type", "=", "promotion")]
        )

    def _mails(self):
        return (
            self.env["mail.mail"]
            .sudo()
            .search([("model", "=", "res.partner"), ("res_id", "in", self.ours.ids)])
        )

    def _segment(self, wizard):
        return wizard._matching_partners() & self.ours

    def test_segment_by_visits_skips_opt_outs(self):
        wizard = self._wizard()
        # Carl came once; Tara's top-secret archive is not the staff's to read (R12).
        self.assertEqual(self._segment(wizard), self.anna | self.ben | self.dora | self.emil)
        self.assertEqual(wizard._reachable(self._segment(wizard)), self.anna | self.emil)
        wizard.action_send()
        logs = self._logs()
        self.assertEqual(
            logs.partner_id, self.anna | self.emil, "Ben is blacklisted, Dora has no email"
        )
        self.assertEqual(set(logs.mapped("channel")), {"email"})
        self.assertEqual(logs.user_id, self.users["staff"])
        mails = self._mails()
        self.assertEqual(len(mails), 2)
        self.assertEqual(set(mails.mapped("res_id")), set((self.anna | self.emil).ids))
        self.assertEqual(mails.recipient_ids, self.anna | self.emil)

    def test_segment_filters(self):
        self.assertEqual(self._segment(self._wizard(min_visits=1)) & self.carl, self.carl)
        self.assertEqual(self._segment(self._wizard(customer_class="key")), self.emil)
        self.assertEqual(
            self._segment(self._wizard(tag_ids=[Command.set(self.vip_tag.ids)])), self.emil
        )
        self.assertEqual(
            self._segment(self._wizard(last_visit_from="2026-09-01")),
            self.anna | self.ben | self.dora,
        )
        self.assertEqual(self._segment(self._wizard(last_visit_to="2026-05-01")), self.emil)
        self.assertEqual(
            self._segment(self._wizard(visit_date_from="2026-05-01")),
            self.anna | self.ben | self.dora,
            "Emil's visits fall before the period",
        )
        # The leader reads every archive, top secret included.
        self.assertIn(self.tara, self._segment(self._wizard(user=self.users["leader"])))

    def test_counts_shown(self):
        wizard = self._wizard(tag_ids=[Command.set(self.vip_tag.ids)])
        self.assertEqual(
            (wizard.match_count, wizard.reachable_count, wizard.excluded_count), (1, 1, 0)
        )

    def test_only_cs_staff_send(self):
        for role in ("liaison", "finance", "internal"):
            with self.subTest(role=role), self.assertRaises(AccessError):
                self._wizard(user=self.users[role])
        self.assertFalse(self._logs())

    def test_bad_input_sends_nothing(self):
        with self.assertRaises(ValidationError):
            self._wizard(min_visits=-1).action_send()
        with self.assertRaises(ValidationError):
            self._wizard(last_visit_from="2026-10-01", last_visit_to="2026-09-01").action_send()
        with self.assertRaises(UserError):
            self._wizard(customer_class="strategic", min_visits=50).action_send()
        self.assertFalse(self._logs())
        self.assertFalse(self._mails())
