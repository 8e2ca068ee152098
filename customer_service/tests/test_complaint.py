import base64
from datetime import datetime, timedelta

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged
from odoo.tools import mute_logger

from .common import CustomerServiceCase

# A 1x1 PNG: enough for the signature widget's binary field.
SIGNATURE = base64.b64encode(
    bytes.fromhex(
        "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
        "1f15c4890000000d4944415478da63f8ffff3f0005fe02fea7d6a4f100"
        "00000049454e44ae426082"
    )
)


@tagged("post_install", "-at_install")
class TestComplaint(CustomerServiceCase):
    """R14: the complaint's steps, the refused shortcuts, SLA, reports."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Complaint = cls.env["cs.complaint"]
        cls.guest = cls.env["res.partner"].create(
            {"name": "CSTEST Complaint Guest", "email": "guest@example.com", "lang": "en_US"}
        )
        cls.fnb = cls.env.ref("customer_service.cs_service_department_fnb")
        cls.category = cls.env.ref("customer_service.cs_complaint_category_food")

    def _complaint(self, user="staff", **vals):
        return self.Complaint.with_user(self.users[user]).create(
            {
                "partner_id": self.guest.id,
                "description": "<p>The soup was cold and the waiter was rude.</p>",
                "channel": "phone",
                "category_id": self.category.id,
                **vals,
            }
        )

    def _to_proposed(self, complaint, *solutions):
        complaint.action_judge_valid()
        complaint.action_start_investigation()
        complaint.write(
            {
                "cause": "<p>The kitchen pass was understaffed.</p>",
                "department_id": self.fnb.id,
                "responsible_person": "Shift chef Zhang",
                "solution_ids": [
                    (0, 0, {"name": name, "description": f"{name}, today"})
                    for name in solutions or ("Apologise and offer a free dessert",)
                ],
            }
        )
        complaint.action_propose_solutions()
        return complaint

    def _to_implementing(self, complaint):
        self._to_proposed(complaint, "Free dessert", "Refund the soup")
        complaint.solution_ids[1].with_user(self.users["manager"]).action_approve()
        complaint.action_start_implementation()
        return complaint

    def _follow_up(self, complaint, satisfaction="satisfied"):
        wizard = (
            self.env["cs.complaint.follow.up.wizard"]
            .with_user(complaint.env.user)
            .create(
                {
                    "complaint_id": complaint.id,
                    "satisfaction": satisfaction,
                    "feedback": "The guest thanked us for the refund.",
                }
            )
        )
        wizard.action_confirm()

    # ------------------------------------------------------------
    # The steps
    # ------------------------------------------------------------

    def test_full_workflow(self):
        complaint = self._complaint()
        self.assertEqual(complaint.state, "registered")
        self.assertTrue(complaint.name.startswith("CMP"))
        response = self.env.ref("customer_service.mail_activity_type_complaint_response")
        activity = complaint.activity_ids.filtered(lambda a: a.activity_type_id == response)
        self.assertEqual(activity.user_id, self.users["staff"], "the handler must respond")

        complaint.action_judge_valid()
        self.assertEqual(complaint.state, "judged")
        self.assertEqual(complaint.validity, "valid")
        self.assertTrue(complaint.first_response_date, "leaving registered is the first response")
        self.assertFalse(
            complaint.activity_ids.filtered(lambda a: a.activity_type_id == response),
            "the first-response activity is done",
        )

        complaint.action_start_investigation()
        self.assertEqual(complaint.state, "investigating")
        with self.assertRaisesRegex(UserError, "cause"):
            complaint.action_propose_solutions()
        complaint.write({"cause": "<p>Understaffed pass.</p>", "department_id": self.fnb.id})
        with self.assertRaisesRegex(UserError, "at least one solution"):
            complaint.action_propose_solutions()
        complaint.write(
            {
                "solution_ids": [
                    (0, 0, {"name": "Free dessert"}),
                    (0, 0, {"name": "Refund the soup", "estimated_cost": 38}),
                ]
            }
        )
        complaint.action_propose_solutions()
        self.assertEqual(complaint.state, "proposed")
        dessert, refund = complaint.solution_ids
        self.assertEqual(set(complaint.solution_ids.mapped("state")), {"submitted"})
        self.assertTrue(refund.review_ids, "tier validation asked the managers")

        # A staff member cannot pick the solution; the manager can.
        with self.assertRaisesRegex(UserError, "CS manager"):
            refund.with_user(self.users["staff"]).action_approve()
        with self.assertRaisesRegex(UserError, "CS manager"):
            refund.with_user(self.users["staff"]).validate_tier()
        self.assertEqual(complaint.state, "proposed")
        refund.with_user(self.users["manager"]).action_approve()
        self.assertEqual(complaint.state, "approved")
        self.assertEqual(complaint.solution_id, refund)
        self.assertEqual(refund.approved_by_id, self.users["manager"])
        self.assertEqual(refund.review_ids.done_by, self.users["manager"])
        self.assertEqual(dessert.state, "cancel", "the other options are not chosen")

        complaint.action_start_implementation()
        self.assertEqual(complaint.state, "implementing")
        with self.assertRaisesRegex(UserError, "confirm"):
            complaint.action_follow_up()
        with self.assertRaisesRegex(UserError, "Choose how the guest confirmed"):
            complaint.action_guest_confirm()
        complaint.confirmation_method = "signature"
        with self.assertRaisesRegex(UserError, "not signed"):
            complaint.action_guest_confirm()
        complaint.write({"guest_signature": SIGNATURE, "guest_response": "Happy with it."})
        complaint.action_guest_confirm()
        self.assertTrue(complaint.guest_confirmed_date)
        self.assertEqual(complaint.guest_confirmed_by_id, self.users["staff"])

        with self.assertRaisesRegex(UserError, "follow-up"):
            complaint.action_follow_up()
        with self.assertRaisesRegex(UserError, "Complaint steps cannot be skipped"):
            complaint.action_close()
        self._follow_up(complaint)
        self.assertEqual(complaint.state, "followed_up")
        log = complaint.follow_up_log_id
        self.assertEqual(log.contact_type, "complaint_follow_up")
        self.assertEqual(log.partner_id, self.guest)
        self.assertEqual(log.satisfaction, "satisfied")

        self.guest.email = "guest.rating@example.com"
        complaint.action_close()
        self.assertEqual(complaint.state, "closed")
        self.assertEqual(
            complaint.rating_ids.partner_id, self.guest, "the guest is asked to rate, once"
        )
        self.assertTrue(complaint.closed_date)
        self.assertFalse(complaint.leader_report_date, "normal complaints are not reported")
        with self.assertRaisesRegex(UserError, "closed complaint"):
            complaint.description = "<p>Rewritten history</p>"

    def test_response_activity_follows_the_handler(self):
        complaint = self._complaint()
        response = self.env.ref("customer_service.mail_activity_type_complaint_response")
        complaint.user_id = self.users["staff2"]
        activity = complaint.activity_ids.filtered(lambda a: a.activity_type_id == response)
        self.assertEqual(activity.user_id, self.users["staff2"])
        self.assertEqual(activity.date_deadline, complaint.response_deadline.date())

    def test_guest_confirms_in_writing(self):
        complaint = self._to_implementing(self._complaint())
        complaint.confirmation_method = "phone"
        with self.assertRaisesRegex(UserError, "in their words"):
            complaint.action_guest_confirm()
        complaint.guest_response = "Agreed by phone with the refund."
        complaint.action_guest_confirm()
        self.assertEqual(complaint.confirmation_method, "phone")

    def test_steps_cannot_be_skipped(self):
        complaint = self._complaint()
        for action in (
            "action_start_investigation",
            "action_propose_solutions",
            "action_start_implementation",
            "action_guest_confirm",
            "action_follow_up",
            "action_close",
        ):
            with self.subTest(action=action), self.assertRaisesRegex(UserError, "skipped"):
                getattr(complaint, action)()
        self.assertEqual(complaint.state, "registered")
        # Nor by writing the state or the approved solution directly (RPC).
        with self.assertRaisesRegex(UserError, "moves only through its steps"):
            complaint.write({"state": "closed"})
        with self.assertRaisesRegex(UserError, "moves only through its steps"):
            complaint.with_context(skip_validation_check=True).write({"first_response_date": False})
        with self.assertRaisesRegex(UserError, "registered first"):
            self._complaint(state="closed")
        # Judging twice is refused too.
        complaint.action_judge_valid()
        with self.assertRaisesRegex(UserError, "skipped"):
            complaint.action_judge_invalid()

    def test_closing_needs_a_follow_up_record(self):
        complaint = self._to_implementing(self._complaint())
        complaint.write({"confirmation_method": "in_person", "guest_response": "OK"})
        complaint.action_guest_confirm()
        # A contact record that is not a complaint follow-up does not count.
        regular = self.env["cs.contact.log"].create(
            {"partner_id": self.guest.id, "contact_type": "regular"}
        )
        with self.assertRaises(ValidationError):
            complaint.follow_up_log_id = regular
        other_guest = self.env["res.partner"].create({"name": "CSTEST Someone Else"})
        other = self.env["cs.contact.log"].create(
            {"partner_id": other_guest.id, "contact_type": "complaint_follow_up"}
        )
        with self.assertRaises(ValidationError):
            complaint.follow_up_log_id = other
        good = self.env["cs.contact.log"].create(
            {"partner_id": self.guest.id, "contact_type": "complaint_follow_up"}
        )
        complaint.follow_up_log_id = good
        complaint.action_follow_up()
        # The record disappears: closing is refused, clearly.
        good.with_user(self.users["manager"]).unlink()
        with self.assertRaisesRegex(UserError, "Call the guest back"):
            complaint.action_close()
        self.assertEqual(complaint.state, "followed_up")

    def test_rejecting_every_solution_reopens_the_investigation(self):
        complaint = self._to_proposed(self._complaint(), "Voucher", "Upgrade")
        voucher, upgrade = complaint.solution_ids
        voucher.with_user(self.users["manager"]).action_reject()
        self.assertEqual(voucher.state, "rejected")
        self.assertEqual(complaint.state, "proposed", "one option is still open")
        upgrade.with_user(self.users["manager"]).action_reject()
        self.assertEqual(complaint.state, "investigating")
        # New proposals go round again.
        complaint.write({"solution_ids": [(0, 0, {"name": "Apology letter from the GM"})]})
        complaint.action_propose_solutions()
        letter = complaint.solution_ids.filtered(lambda s: s.state == "submitted")
        self.assertEqual(letter.name, "Apology letter from the GM")
        letter.with_user(self.users["leader"]).action_approve()
        self.assertEqual(complaint.solution_id, letter)

    def test_second_review_tier_waits_for_its_reviewer(self):
        """With two tiers, the first approval is kept and the last one decides."""
        # Tier validation reviews the higher sequence first: the CS managers'
        # tier (10), then the general manager's.
        self.env["tier.definition"].create(
            {
                "name": "Complaint solution: general manager",
                "model_id": self.env["ir.model"]._get_id("cs.complaint.solution"),
                "review_type": "individual",
                "reviewer_id": self.users["leader"].id,
                "definition_domain": "[]",
                "sequence": 5,
            }
        )
        complaint = self._to_proposed(self._complaint(), "Voucher", "Upgrade")
        voucher, upgrade = complaint.solution_ids
        self.assertEqual(len(upgrade.review_ids), 2)

        action = upgrade.with_user(self.users["manager"]).action_approve()
        self.assertEqual(action["tag"], "display_notification")
        self.assertIn("still waits for other reviewers", action["params"]["message"])
        first, second = upgrade.review_ids.sorted("sequence")
        self.assertEqual((first.status, first.done_by), ("approved", self.users["manager"]))
        self.assertEqual(second.status, "pending")
        self.assertEqual(upgrade.state, "submitted")
        self.assertFalse(upgrade.approved_by_id)
        self.assertEqual(complaint.state, "proposed")
        self.assertEqual(voucher.state, "submitted", "nothing is chosen yet")
        # The manager's tier is done: a second click approves nothing more.
        with self.assertRaisesRegex(UserError, "waits for another reviewer: .*general manager"):
            upgrade.with_user(self.users["manager"]).action_approve()
        self.assertEqual(second.status, "pending")

        self.assertTrue(upgrade.with_user(self.users["leader"]).action_approve())
        self.assertEqual(second.status, "approved")
        self.assertEqual(upgrade.state, "approved")
        self.assertEqual(upgrade.approved_by_id, self.users["leader"])
        self.assertEqual(complaint.state, "approved")
        self.assertEqual(complaint.solution_id, upgrade)
        self.assertEqual(voucher.state, "cancel")

    def test_withdrawing_every_solution_reopens_the_investigation(self):
        complaint = self._to_proposed(self._complaint())
        solution = complaint.solution_ids
        with self.assertRaisesRegex(UserError, "Withdraw"):
            solution.restart_validation()
        solution.action_cancel()
        self.assertEqual(solution.state, "cancel")
        self.assertEqual(complaint.state, "investigating")

    def test_multi_company(self):
        complaint = self._complaint()
        other_company = self.env["res.company"].create({"name": "CSTEST Sister Hotel"})
        outsider = self.users["manager"].copy(
            {
                "login": "cs_test_sister_manager",
                "company_id": other_company.id,
                "company_ids": [(6, 0, other_company.ids)],
            }
        )
        self.assertFalse(
            self.Complaint.with_user(outsider).search([("id", "=", complaint.id)]),
            "another company's complaints stay hidden",
        )
        with self.assertRaises(AccessError):
            complaint.with_user(outsider).read(["description"])

    def test_submitted_solution_is_frozen(self):
        complaint = self._to_proposed(self._complaint())
        solution = complaint.solution_ids
        with self.assertRaises(ValidationError):
            solution.name = "Something cheaper"
        with self.assertRaisesRegex(UserError, "draft"):
            solution.unlink()

    # ------------------------------------------------------------
    # Invalid complaints
    # ------------------------------------------------------------

    def test_invalid_closes_with_a_polite_reply_in_the_guest_language(self):
        template = self.env.ref("customer_service.mail_template_cs_complaint_invalid")
        self.env["res.lang"]._activate_lang("zh_CN")
        template.with_context(
            lang="zh_CN"
        ).body_html = "<p>尊敬的 <t t-out='object.partner_id.name'/>，感谢您的反馈。</p>"
        self.guest.lang = "zh_CN"
        complaint = self._complaint()
        with self.assertRaisesRegex(UserError, "why"):
            complaint.action_judge_invalid()
        self.assertEqual(complaint.state, "registered")
        complaint.judgement_note = "The late check-out fee is in the signed agreement."
        complaint.action_judge_invalid()
        self.assertEqual(complaint.state, "invalid")
        self.assertEqual(complaint.validity, "invalid")
        self.assertTrue(complaint.first_response_date)
        self.assertTrue(complaint.closed_date)
        mail = self.env["mail.mail"].search(
            [("model", "=", "cs.complaint"), ("res_id", "=", complaint.id)]
        )
        self.assertEqual(len(mail), 1, "one polite reply, queued")
        self.assertEqual(mail.state, "outgoing")
        self.assertIn(self.guest, mail.recipient_ids)
        self.assertIn("感谢您的反馈", mail.body_html)
        self.assertIn(self.guest.name, mail.body_html)
        # English guests get the English text.
        self.guest.lang = "en_US"
        english = self._complaint()
        english.judgement_note = "Policy"
        english.action_judge_invalid()
        body = (
            self.env["mail.mail"]
            .search([("model", "=", "cs.complaint"), ("res_id", "=", english.id)])
            .body_html
        )
        self.assertIn("Thank you for taking the time", body)
        self.assertNotIn("Policy", body, "the internal reason stays internal")

    # ------------------------------------------------------------
    # Roles
    # ------------------------------------------------------------

    def test_roles(self):
        complaint = self._complaint()
        for role in ("finance", "liaison", "internal"):
            with self.subTest(role=role):
                with self.assertRaises(UserError):
                    self._complaint(user=role)
                with self.assertRaises(AccessError):
                    complaint.with_user(self.users[role]).read(["description"])
                with self.assertRaises(UserError):
                    complaint.with_user(self.users[role]).action_judge_valid()
        self.assertEqual(complaint.state, "registered")
        # Leaders read every complaint; staff do not delete them.
        self.assertTrue(complaint.with_user(self.users["leader"]).read(["description"]))
        with self.assertRaisesRegex(UserError, "only a manager"):
            complaint.with_user(self.users["staff"]).unlink()
        complaint.with_user(self.users["manager"]).unlink()
        self.assertFalse(complaint.exists())

    def test_manager_cannot_delete_a_complaint_in_progress(self):
        complaint = self._complaint()
        complaint.action_judge_valid()
        with self.assertRaisesRegex(UserError, "kept"):
            complaint.with_user(self.users["manager"]).unlink()

    # ------------------------------------------------------------
    # SLA and escalation
    # ------------------------------------------------------------

    def test_response_deadline_and_sla_status(self):
        start = datetime(2026, 3, 2, 8, 0)
        with freeze_time(start):
            complaint = self._complaint()
        self.assertEqual(complaint.response_deadline, start + timedelta(hours=48))

        def find(status):
            return self.Complaint.search([("sla_status", "=", status), ("id", "=", complaint.id)])

        with freeze_time(start + timedelta(hours=35)):
            complaint.invalidate_recordset(["sla_status"])
            self.assertEqual(complaint.sla_status, "on_time")
            self.assertTrue(find("on_time"))
            self.assertFalse(find("at_risk"))
        with freeze_time(start + timedelta(hours=37)):
            complaint.invalidate_recordset(["sla_status"])
            self.assertEqual(complaint.sla_status, "at_risk", "last quarter of 48 h")
            self.assertTrue(find("at_risk"))
            self.assertFalse(
                self.Complaint.search([("sla_status", "!=", "at_risk"), ("id", "=", complaint.id)])
            )
        with freeze_time(start + timedelta(hours=49)):
            complaint.invalidate_recordset(["sla_status"])
            self.assertEqual(complaint.sla_status, "overdue")
            self.assertTrue(find("overdue"))
            complaint.action_judge_valid()
            self.assertTrue(complaint.response_late)
            self.assertTrue(find("overdue"), "answered late stays overdue")

        # Answered in time: on time for good.
        with freeze_time(start):
            prompt = self._complaint()
        with freeze_time(start + timedelta(hours=2)):
            prompt.action_judge_valid()
        with freeze_time(start + timedelta(days=30)):
            prompt.invalidate_recordset(["sla_status"])
            self.assertEqual(prompt.sla_status, "on_time")

    def test_response_hours_setting(self):
        self.env["res.config.settings"].create({"cs_complaint_response_hours": 24}).execute()
        start = datetime(2026, 3, 2, 8, 0)
        with freeze_time(start):
            complaint = self._complaint()
        self.assertEqual(complaint.response_deadline, start + timedelta(hours=24))

    def test_escalation_cron(self):
        start = datetime(2026, 3, 2, 8, 0)
        with freeze_time(start):
            late = self._complaint()
            answered = self._complaint()
            answered.action_judge_valid()
        escalation = self.env.ref("customer_service.mail_activity_type_complaint_escalation")

        def escalations(complaint):
            return complaint.activity_ids.filtered(lambda a: a.activity_type_id == escalation)

        with freeze_time(start + timedelta(hours=47)):
            self.assertEqual(self.Complaint._cron_escalate_overdue(), 0)
        with freeze_time(start + timedelta(hours=49)):
            self.assertEqual(self.Complaint._cron_escalate_overdue(), 1)
            self.assertTrue(late.escalated_date)
            self.assertIn(self.users["manager"], escalations(late).user_id)
            self.assertNotIn(self.users["staff"], escalations(late).user_id)
            self.assertFalse(escalations(answered))
            message = late.message_ids.filtered(lambda m: "escalated" in (m.body or ""))
            self.assertEqual(len(message), 1)
            self.assertIn(self.users["manager"].partner_id, message.partner_ids)
            count = len(escalations(late))
            # Idempotent: the next run leaves it alone.
            self.assertEqual(self.Complaint._cron_escalate_overdue(), 0)
        with freeze_time(start + timedelta(hours=60)):
            self.assertEqual(self.Complaint._cron_escalate_overdue(), 0)
            self.assertEqual(len(escalations(late)), count)

    # ------------------------------------------------------------
    # Major complaints: the written report to the leaders
    # ------------------------------------------------------------

    def test_major_complaint_report_to_leaders(self):
        complaint = self._to_implementing(self._complaint(severity="major"))
        complaint.write(
            {
                "confirmation_method": "in_person",
                "guest_response": "The guest accepts the refund with thanks.",
            }
        )
        complaint.action_guest_confirm()
        self._follow_up(complaint)

        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html("customer_service.cs_complaint_report_major", complaint.ids)[0]
            .decode()
        )
        for text in (
            complaint.name,
            "The kitchen pass was understaffed",
            "Shift chef Zhang",
            "Refund the soup",
            "The guest accepts the refund with thanks.",
            "The guest thanked us for the refund.",
        ):
            self.assertIn(text, html)
        self.assertNotIn("Free dessert", html, "only the approved solution")

        complaint.action_close()
        self.assertTrue(complaint.leader_report_date)
        report_activity = self.env.ref(
            "customer_service.mail_activity_type_complaint_leader_report"
        )
        activities = complaint.activity_ids.filtered(
            lambda a: a.activity_type_id == report_activity
        )
        self.assertIn(self.users["leader"], activities.user_id)
        self.assertNotIn(self.users["staff"], activities.user_id)
        message = complaint.message_ids.filtered(lambda m: m.attachment_ids)[:1]
        self.assertIn(self.users["leader"].partner_id, message.partner_ids)
        self.assertTrue(message.attachment_ids.name.startswith(complaint.name))
        # A leader reads the report.
        self.assertTrue(complaint.with_user(self.users["leader"]).read(["cause", "solution_id"]))

    def test_report_on_demand_only_for_major(self):
        normal = self._to_proposed(self._complaint())
        with self.assertRaisesRegex(UserError, "major"):
            normal.action_report_to_leaders()
        major = self._complaint(severity="major")
        with self.assertRaisesRegex(UserError, "Investigate"):
            major.action_report_to_leaders()
        self._to_proposed(major)
        major.action_report_to_leaders()
        self.assertTrue(major.leader_report_date)

    # ------------------------------------------------------------
    # From a dissatisfied contact record
    # ------------------------------------------------------------

    def _log(self, satisfaction="dissatisfied", feedback="The room was not cleaned."):
        return self.env["cs.contact.log"].create(
            {
                "partner_id": self.guest.id,
                "contact_type": "callback",
                "channel": "wechat",
                "satisfaction": satisfaction,
                "feedback": feedback,
            }
        )

    def test_from_dissatisfied_contact_log(self):
        log = self._log()
        vals = self.Complaint._prepare_from_contact_log(log)
        self.assertEqual(vals["partner_id"], self.guest.id)
        self.assertEqual(vals["contact_log_id"], log.id)
        self.assertEqual(vals["channel"], "wechat")
        action = self.Complaint.with_user(self.users["staff"]).action_create_from_contact_logs(
            log.ids
        )
        complaint = self.Complaint.search([("contact_log_id", "=", log.id)])
        self.assertEqual(action["res_id"], complaint.id)
        self.assertEqual(complaint.partner_id, self.guest)
        self.assertIn("The room was not cleaned.", complaint.description)
        self.assertEqual(complaint.channel, "wechat")
        self.assertEqual(complaint.state, "registered")
        # Twice from the same record: still one complaint.
        again = self.Complaint.with_user(self.users["staff"]).action_create_from_contact_logs(log)
        self.assertEqual(again["res_id"], complaint.id)
        self.assertEqual(self.Complaint.search_count([("contact_log_id", "=", log.id)]), 1)

    def test_from_contact_log_refuses_bad_records_and_creates_nothing(self):
        good = self._log()
        satisfied = self._log(satisfaction="satisfied")
        silent = self._log(feedback=False)
        before = self.Complaint.search_count([])
        with self.assertRaisesRegex(UserError, "dissatisfied"):
            self.Complaint.action_create_from_contact_logs((good | satisfied).ids)
        with self.assertRaisesRegex(UserError, "what the guest said"):
            self.Complaint.action_create_from_contact_logs((good | silent).ids)
        with self.assertRaisesRegex(UserError, "Select"):
            self.Complaint.action_create_from_contact_logs([])
        with self.assertRaises(UserError):
            self.Complaint.with_user(self.users["finance"]).action_create_from_contact_logs(
                good.ids
            )
        self.assertEqual(self.Complaint.search_count([]), before)

    # ------------------------------------------------------------
    # Bad input
    # ------------------------------------------------------------

    def test_bad_input_creates_nothing(self):
        before = self.Complaint.search_count([])
        for description in ("", "<p><br></p>", False):
            with self.subTest(description=description):
                with self.assertRaisesRegex(ValidationError, "Describe the complaint"):
                    self._complaint(description=description)
        other_company = self.env["res.company"].create({"name": "CSTEST Other Hotel"})
        stranger = self.env["res.partner"].create(
            {"name": "CSTEST Other Hotel Guest", "company_id": other_company.id}
        )
        with self.assertRaises(UserError), mute_logger("odoo.models"):
            self._complaint(partner_id=stranger.id)
        self.assertEqual(self.Complaint.search_count([]), before)
        complaint = self._complaint()
        with self.assertRaisesRegex(ValidationError, "Describe the complaint"):
            complaint.description = "<p></p>"
        with self.assertRaisesRegex(UserError, "investigated"):
            complaint.write({"solution_ids": [(0, 0, {"name": "x"})]})

    def test_form_registers_a_complaint(self):
        form = Form(self.Complaint.with_user(self.users["staff"]))
        form.partner_id = self.guest
        form.description = "<p>Noisy neighbours all night.</p>"
        form.severity = "major"
        complaint = form.save()
        self.assertEqual(complaint.user_id, self.users["staff"])
        self.assertEqual(complaint.severity, "major")
