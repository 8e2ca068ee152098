import re

from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged

from odoo.addons.base.tests.common import DISABLED_MAIL_CONTEXT


@tagged("post_install", "-at_install")
class TestGuestRating(HttpCase):
    """After the callback the guest rates the stay in one click, with no login."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, **DISABLED_MAIL_CONTEXT))
        cls.env["res.lang"]._activate_lang("zh_CN")
        cls.staff = new_test_user(cls.env, "cs_rating_staff", "customer_service.group_cs_user")
        cls.liaison = new_test_user(
            cls.env, "cs_rating_liaison", "customer_service.group_cs_liaison"
        )
        cls.fnb = cls.env.ref("customer_service.cs_service_department_fnb")
        cls.fnb.member_ids = [Command.link(cls.liaison.id)]

    def _called_back_visit(self, name, email="guest@example.com", lang="zh_CN"):
        partner = self.env["res.partner"].create({"name": name, "email": email, "lang": lang})
        self.env["cs.guest.archive"].create({"partner_id": partner.id, "owner_id": self.staff.id})
        consumption = (
            self.env["cs.consumption"]
            .with_user(self.liaison)
            .create(
                {
                    "partner_id": partner.id,
                    "department_id": self.fnb.id,
                    "line_ids": [Command.create({"name": "Dinner", "price_unit": 300})],
                }
            )
        )
        visit = consumption.sudo().visit_id
        self.env["cs.contact.log"].with_user(self.staff).create(
            {
                "partner_id": partner.id,
                "visit_id": visit.id,
                "contact_type": "callback",
                "satisfaction": "satisfied",
            }
        )
        self.assertEqual(visit.callback_state, "done")
        return visit

    def _rate(self, record, rate, feedback=""):
        """What the guest does: click a face in the email, then send the page's form."""
        rating = record.rating_ids
        self.assertEqual(len(rating), 1, "one rating request per callback")
        self.authenticate(None, None)  # a guest has no login
        page = self.url_open(f"/rate/{rating.access_token}/{rate}")
        self.assertEqual(page.status_code, 200)
        csrf = re.search(r'name="csrf_token"\s+value="([^"]+)"', page.text).group(1)
        answer = self.url_open(
            f"/rate/{rating.access_token}/submit_feedback",
            data={"rate": rate, "feedback": feedback, "csrf_token": csrf},
        )
        self.assertEqual(answer.status_code, 200)
        record.invalidate_recordset()
        return page

    def test_the_guest_is_asked_in_their_language(self):
        visit = self._called_back_visit("CSTEST Rating Li")
        message = visit.message_ids.filtered(lambda m: "/rate/" in (m.body or ""))
        self.assertEqual(len(message), 1)
        self.assertEqual(message.partner_ids, visit.partner_id)
        self.assertIn(visit.rating_ids.access_token, message.body)
        mail = self.env["mail.mail"].search([("mail_message_id", "=", message.id)])
        self.assertTrue(mail, "queued, not sent inside the callback's transaction")
        english = self._called_back_visit("CSTEST Rating Smith", lang="en_US")
        english_message = english.message_ids.filtered(lambda m: "/rate/" in (m.body or ""))
        self.assertIn("how was your stay", english_message.subject)
        self.assertNotEqual(message.subject, english_message.subject, "the guest's language")

    def test_a_dissatisfied_guest_gets_a_follow_up(self):
        visit = self._called_back_visit("CSTEST Rating Wang")
        self.assertEqual(visit.satisfaction, "satisfied", "the call's impression first")
        self._rate(visit, 1, "The soup was cold")
        self.assertEqual(visit.guest_rating, "dissatisfied")
        self.assertEqual(visit.satisfaction, "dissatisfied", "the guest's own word wins")
        follow_up = visit.activity_ids.filtered(
            lambda a: a.activity_type_id == self.env.ref("mail.mail_activity_data_todo")
        )
        self.assertEqual(follow_up.user_id, self.staff, "the guest's owner follows up")
        self.assertIn("The soup was cold", follow_up.note)
        self.assertTrue(visit.rating_ids.consumed)
        # The dissatisfied stay counts where the leaders read the week.
        self.assertIn(
            visit,
            self.env["cs.visit"].search([("satisfaction", "=", "dissatisfied")]),
        )

    def test_a_satisfied_guest_needs_nothing_more(self):
        visit = self._called_back_visit("CSTEST Rating Zhao")
        self._rate(visit, 5)
        self.assertEqual(visit.guest_rating, "satisfied")
        self.assertFalse(
            visit.activity_ids.filtered(
                lambda a: a.activity_type_id == self.env.ref("mail.mail_activity_data_todo")
            )
        )

    def test_a_closed_complaint_is_rated_and_followed_up(self):
        partner = self.env["res.partner"].create(
            {"name": "CSTEST Rating Complaint", "email": "c@example.com", "lang": "en_US"}
        )
        complaint = self.env["cs.complaint"].create(
            {"partner_id": partner.id, "description": "Noisy room", "user_id": self.staff.id}
        )
        # Closing asks for the rating (test_complaint walks the steps to it).
        complaint._cs_request_ratings()
        message = complaint.message_ids.filtered(lambda m: "/rate/" in (m.body or ""))
        self.assertIn("how did we handle your complaint", message.subject)
        self._rate(complaint, 1, "Still noisy")
        self.assertEqual(complaint.guest_rating, "dissatisfied")
        follow_up = complaint.activity_ids.filtered(
            lambda a: a.activity_type_id == self.env.ref("mail.mail_activity_data_todo")
        )
        self.assertEqual(follow_up.user_id, self.staff)

    def test_no_email_no_request_and_a_bad_token_is_refused(self):
        visit = self._called_back_visit("CSTEST Rating No Mail", email=False)
        self.assertFalse(visit.rating_ids)
        self.authenticate(None, None)
        self.assertEqual(self.url_open("/rate/not-a-token/5").status_code, 404)
