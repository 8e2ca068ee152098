from datetime import date, datetime, time, timedelta

from freezegun import freeze_time

from odoo import Command
from odoo.tests import tagged

from .common import CustomerServiceCase

# A Monday well before the last 90 days, which the demo resort fills with its
# own calls: the digest then lists this test's opinions among its twenty.
_TODAY = date.today()
MONDAY = datetime.combine(_TODAY - timedelta(weeks=20, days=_TODAY.weekday()), time.min)
NEXT_MONDAY = MONDAY + timedelta(days=7)


@tagged("post_install", "-at_install")
class TestLeaderDigest(CustomerServiceCase):
    """R6, R7, R15: the leaders' weekly digest and the callback KPIs."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.fnb = cls.env.ref("customer_service.cs_service_department_fnb")
        cls.member = cls._create_archive("CSTEST Member", "secret", vip_level="gold")
        cls.other_member = cls._create_archive("CSTEST Other Member", "secret", vip_level="gold")
        cls.users["leader"].write({"email": "leader@example.com", "lang": "en_US"})

    def _consume(self, archive, when):
        return self.env["cs.consumption"].create(
            {
                "partner_id": archive.partner_id.id,
                "department_id": self.fnb.id,
                "consumption_date": when,
                "line_ids": [Command.create({"name": "Dinner", "price_unit": 100})],
            }
        )

    def _log(self, archive, when, **vals):
        return self.env["cs.contact.log"].create(
            {"partner_id": archive.partner_id.id, "contact_date": when, **vals}
        )

    def _week(self):
        on_time = self._consume(self.member, MONDAY + timedelta(hours=12))
        self._log(
            self.member,
            MONDAY + timedelta(days=1, hours=10),
            consumption_id=on_time.id,
            contact_type="callback",
            satisfaction="satisfied",
            feedback="CSTEST lovely dinner",
        )
        late = self._consume(self.other_member, MONDAY + timedelta(hours=12))
        self._log(
            self.other_member,
            MONDAY + timedelta(days=5, hours=10),
            consumption_id=late.id,
            contact_type="callback",
            satisfaction="dissatisfied",
            feedback="CSTEST cold soup",
        )
        return on_time, late

    def test_team_kpis(self):
        on_time, late = self._week()
        self.assertTrue(on_time.callback_on_time)
        self.assertFalse(late.callback_on_time)
        kpis = self.env["cs.leader.digest"]._team_kpis(MONDAY, NEXT_MONDAY)
        # Demo data may add visits of its own in that week: compare with ours included.
        self.assertGreaterEqual(kpis["callbacks_due"], 2)
        self.assertGreaterEqual(kpis["members_called_back"], 2)
        self.assertLessEqual(
            kpis["on_time_rate"], (kpis["callbacks_due"] - 1) / kpis["callbacks_due"]
        )
        self.assertGreater(kpis["contact_weeks_rate"], 0)

    def test_archive_kpis(self):
        self._week()
        with freeze_time(NEXT_MONDAY + timedelta(hours=9)):
            self.member.invalidate_recordset()
            self.assertEqual(self.member.consumption_count, 1)
            self.assertEqual(self.member.contact_log_count, 1)
            self.assertEqual(self.member.callback_on_time_rate, 1.0)
            self.assertEqual(self.other_member.callback_on_time_rate, 0.0)
            self.assertAlmostEqual(self.member.contact_weeks_rate, 1 / 12)

    def test_digest_reaches_each_leader(self):
        self._week()
        with freeze_time(NEXT_MONDAY + timedelta(hours=6)):
            self.env["cs.leader.digest"]._cron_send()
        mails = self.env["mail.mail"].search(
            [("recipient_ids", "in", self.users["leader"].partner_id.ids)]
        )
        self.assertEqual(len(mails), 1)
        self.assertIn(f"{MONDAY:%Y-%m-%d}", mails.subject)
        self.assertIn("CSTEST cold soup", mails.body_html)
        self.assertIn("CSTEST lovely dinner", mails.body_html)
        # Staff do not get it.
        self.assertFalse(
            self.env["mail.mail"].search(
                [("recipient_ids", "in", self.users["staff"].partner_id.ids)]
            )
        )
        # A second run for the same week (a worker restarted) mails nobody
        # again; next week's digest goes out.
        with freeze_time(NEXT_MONDAY + timedelta(hours=7)):
            self.env["cs.leader.digest"]._cron_send()
        leader_mails = [("recipient_ids", "in", self.users["leader"].partner_id.ids)]
        self.assertEqual(self.env["mail.mail"].search_count(leader_mails), 1)
        with freeze_time(NEXT_MONDAY + timedelta(days=7, hours=6)):
            self.env["cs.leader.digest"]._cron_send()
        self.assertEqual(self.env["mail.mail"].search_count(leader_mails), 2)

    def test_digest_in_the_leaders_language(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        self.users["leader"].lang = "zh_CN"
        self._week()
        with freeze_time(NEXT_MONDAY + timedelta(hours=6)):
            self.env["cs.leader.digest"]._cron_send()
        mail = self.env["mail.mail"].search(
            [("recipient_ids", "in", self.users["leader"].partner_id.ids)]
        )
        self.assertNotIn("Guest feedback", mail.subject)
        self.assertNotIn("Dissatisfied guests", mail.body_html)
