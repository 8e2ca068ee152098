from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged

from .common import CustomerServiceCase, create_compensation, set_authority_limit


@tagged("post_install", "-at_install")
class TestCompensation(CustomerServiceCase):
    """R11 over-limit paths, countersign, approval first, bad input."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.guest = cls.env["res.partner"].create({"name": "Compensated Guest"})
        cls.staff = cls.users["staff"]
        cls.leader = cls.users["leader"]
        cls.leader.name = "Wang"
        cls.gm = new_test_user(
            cls.env, login="cs_test_gm", name="Zhao", groups="customer_service.group_cs_leader"
        )
        set_authority_limit(
            cls.env, cls.env.ref("customer_service.group_cs_user"), "waive_deductible", 100
        )
        set_authority_limit(cls.env, cls.leader, "waive_deductible", 1000, per_day=1500)
        set_authority_limit(cls.env, cls.gm, "waive_deductible", 10000)
        set_authority_limit(cls.env, cls.env.ref("customer_service.group_cs_user"), "gift", 200)

    def _draft(self, amount, ctype="waive_deductible", **vals):
        return create_compensation(self.env, self.staff, self.guest, amount, ctype, **vals)

    # -- consulted first (请示, then 补签) --------------------------------------

    def test_over_limit_without_leader_refused(self):
        compensation = self._draft(500)
        with self.assertRaisesRegex(UserError, "over cs_test_staff.*limit of"):
            compensation.with_user(self.staff).action_sign()
        self.assertEqual(compensation.state, "draft")
        self.assertFalse(compensation.move_id)

    def test_consulted_leader_countersign_pending(self):
        compensation = self._draft(500, approver_id=self.leader.id)
        compensation.with_user(self.staff).action_sign()
        self.assertEqual(compensation.state, "done")
        self.assertEqual(compensation.countersign_state, "pending")
        self.assertEqual(compensation.signer_id, self.staff)
        self.assertEqual(compensation.authority_user_id, self.leader)
        self.assertTrue(compensation.move_id)
        self.assertEqual(
            compensation.with_context(lang="en_US").countersign_note,
            "Approved by leader Wang after consultation; leader Wang to countersign",
        )
        # The statement is a field: it goes into exports as it is on the form.
        exported = compensation.with_user(self.staff).export_data(["countersign_note"])["datas"]
        self.assertIn("Wang to countersign", exported[0][0])
        self.assertTrue(
            compensation.activity_ids.filtered(lambda a: a.user_id == self.leader),
            "the leader is asked to countersign",
        )

    def test_within_limit_needs_no_countersign(self):
        compensation = self._draft(50, approver_id=self.leader.id)
        compensation.with_user(self.staff).action_sign()
        self.assertEqual(compensation.countersign_state, "none")
        self.assertEqual(compensation.authority_user_id, self.staff)
        self.assertFalse(compensation.countersign_note)

    def test_consulted_leader_whose_limit_does_not_cover(self):
        compensation = self._draft(1200, approver_id=self.leader.id)
        with self.assertRaisesRegex(UserError, "Wang.s limit of"):
            compensation.with_user(self.staff).action_sign()
        self.assertEqual(compensation.state, "draft")

    def test_leader_daily_limit_counts_what_they_authorised(self):
        self._draft(900, approver_id=self.leader.id).with_user(self.staff).action_sign()
        compensation = self._draft(700, approver_id=self.leader.id)
        with self.assertRaisesRegex(UserError, "Wang .*daily limit"):
            compensation.with_user(self.staff).action_sign()

    def test_consulted_user_must_be_leader(self):
        compensation = self._draft(500, approver_id=self.users["manager"].id)
        with self.assertRaisesRegex(UserError, "not a company leader"):
            compensation.with_user(self.staff).action_sign()

    def test_countersign_wrong_then_right(self):
        compensation = self._draft(500, approver_id=self.leader.id)
        compensation.with_user(self.staff).action_sign()
        for intruder in (self.staff, self.users["manager"], self.users["admin"]):
            with self.assertRaises(AccessError):
                compensation.with_user(intruder).action_countersign()
        # A leader whose limit is not above Wang's is not above Wang.
        peer = new_test_user(
            self.env, login="cs_test_peer", groups="customer_service.group_cs_leader"
        )
        set_authority_limit(self.env, peer, "waive_deductible", 1000)
        with self.assertRaises(AccessError):
            compensation.with_user(peer).action_countersign()
        self.assertEqual(compensation.countersign_state, "pending")
        compensation.with_user(self.leader).action_countersign()
        self.assertEqual(compensation.countersign_state, "done")
        self.assertEqual(compensation.countersign_user_id, self.leader)
        with self.assertRaisesRegex(UserError, "no countersign pending"):
            compensation.with_user(self.leader).action_countersign()

    def test_countersign_by_leader_above(self):
        compensation = self._draft(500, approver_id=self.leader.id)
        compensation.with_user(self.staff).action_sign()
        compensation.with_user(self.gm).action_countersign()
        self.assertEqual(compensation.countersign_state, "done")
        self.assertEqual(compensation.countersign_user_id, self.gm)

    def test_countersign_escalation(self):
        self.env["ir.config_parameter"].sudo().set_param(
            "customer_service.countersign_escalation_days", 2
        )
        with freeze_time("2026-05-01 09:00"):
            compensation = self._draft(500, approver_id=self.leader.id)
            compensation.with_user(self.staff).action_sign()
        Compensation = self.env["cs.compensation"]
        with freeze_time("2026-05-02 09:00"):
            Compensation._cron_escalate_countersign()
            self.assertFalse(compensation.countersign_escalated)
        with freeze_time("2026-05-04 09:00"):
            Compensation._cron_escalate_countersign()
            self.assertTrue(compensation.countersign_escalated)
            overdue = compensation.activity_ids.filtered(lambda a: "Overdue" in a.summary)
            self.assertEqual(overdue.user_id, self.leader | self.gm)

    def test_countersign_escalation_skips_users_who_left(self):
        """Leaders who left, the consulted one included, get no reminder."""
        self.env["ir.config_parameter"].sudo().set_param(
            "customer_service.countersign_escalation_days", 2
        )
        retired = new_test_user(
            self.env, login="cs_test_retired", groups="customer_service.group_cs_leader"
        )
        set_authority_limit(self.env, retired, "waive_deductible", 20000)
        with freeze_time("2026-05-01 09:00"):
            compensation = self._draft(500, approver_id=self.leader.id)
            compensation.with_user(self.staff).action_sign()
        (retired | self.leader).active = False
        with freeze_time("2026-05-04 09:00"):
            self.env["cs.compensation"]._cron_escalate_countersign()
        self.assertTrue(compensation.countersign_escalated)
        overdue = compensation.activity_ids.filtered(lambda a: "Overdue" in a.summary)
        self.assertEqual(overdue.user_id, self.gm)

    # -- approval first (tier validation) -----------------------------------

    def test_approval_first(self):
        compensation = self._draft(800, approver_id=self.leader.id)
        compensation.with_user(self.staff).action_submit()
        self.assertEqual(compensation.state, "submitted")
        self.assertEqual(compensation.review_ids.reviewer_ids, self.leader)
        # Another leader is not the reviewer: nothing happens.
        compensation.with_user(self.gm).validate_tier()
        self.assertEqual(compensation.state, "submitted")
        compensation.with_user(self.leader).validate_tier()
        self.assertEqual(compensation.state, "done")
        self.assertEqual(compensation.authority_user_id, self.leader)
        self.assertEqual(compensation.signer_id, self.staff)
        self.assertEqual(compensation.countersign_state, "none")
        self.assertTrue(compensation.move_id)

    def test_approval_first_needs_covering_leader(self):
        compensation = self._draft(5000, approver_id=self.leader.id)
        with self.assertRaisesRegex(UserError, "Wang's limit"):
            compensation.with_user(self.staff).action_submit()
        self.assertEqual(compensation.state, "draft")
        self.assertFalse(compensation.review_ids)

    def test_approval_rejected(self):
        compensation = self._draft(800, approver_id=self.leader.id)
        compensation.with_user(self.staff).action_submit()
        compensation.with_user(self.leader).reject_tier()
        self.assertEqual(compensation.state, "rejected")
        self.assertFalse(compensation.move_id)

    # -- bad input and tampering --------------------------------------------

    def test_bad_amounts(self):
        for amount in (0, -5):
            with self.assertRaisesRegex(ValidationError, "must be positive"):
                self._draft(amount)
        self.assertFalse(self.env["account.move"].search([("partner_id", "=", self.guest.id)]))

    def test_gift_over_cap(self):
        with self.assertRaisesRegex(ValidationError, "gift may be worth at most 200"):
            self._draft(201, "gift")
        self.env["ir.config_parameter"].sudo().set_param("customer_service.gift_value_cap", 150)
        with self.assertRaisesRegex(ValidationError, "at most 150"):
            self._draft(160, "gift")

    def test_round_off_over_maximum(self):
        set_authority_limit(
            self.env, self.env.ref("customer_service.group_cs_user"), "round_off", 100
        )
        with self.assertRaisesRegex(ValidationError, "round-off may be at most 10"):
            self._draft(10.5, "round_off")

    def test_client_cannot_forge_signature(self):
        with self.assertRaises(AccessError):
            self.env["cs.compensation"].with_user(self.staff).create(
                {
                    "partner_id": self.guest.id,
                    "amount": 10,
                    "state": "done",
                }
            )
        compensation = self._draft(500)
        for vals in ({"state": "done"}, {"countersign_state": "done"}, {"signer_id": 1}):
            with self.assertRaises(AccessError):
                compensation.with_user(self.staff).write(vals)

    def test_done_is_frozen(self):
        compensation = self._draft(50)
        compensation.with_user(self.staff).action_sign()
        # Cancelling by hand would free the signer's budget without reversing.
        with self.assertRaises(AccessError):
            compensation.with_user(self.staff).write({"state": "cancel"})
        with self.assertRaisesRegex(UserError, "Only a draft"):
            compensation.with_user(self.staff).write({"amount": 10})
        with self.assertRaises(UserError):
            compensation.unlink()

    def test_cancel_done_manager_only(self):
        compensation = self._draft(50)
        compensation.with_user(self.staff).action_sign()
        with self.assertRaises(AccessError):
            compensation.with_user(self.staff).action_cancel()
        compensation.with_user(self.users["manager"]).action_cancel()
        self.assertEqual(compensation.state, "cancel")
        self.assertTrue(compensation.reversal_move_id)

    def test_voucher_states_countersign(self):
        compensation = self._draft(500, approver_id=self.leader.id)
        compensation.with_user(self.staff).action_sign()

        def voucher():
            return (
                self.env["ir.actions.report"]
                ._render_qweb_html("customer_service.report_cs_compensation", compensation.ids)[0]
                .decode()
            )

        # The voucher speaks the guest's language.
        compensation.partner_id.sudo().lang = "en_US"
        self.assertIn(
            "Approved by leader Wang after consultation; leader Wang to countersign", voucher()
        )
        self.env["res.lang"]._activate_lang("zh_CN")
        compensation.partner_id.sudo().lang = "zh_CN"
        self.assertIn("经请示Wang领导同意，请Wang领导补签", voucher())

    def test_form_opens_for_each_role(self):
        compensation = self._draft(500, approver_id=self.leader.id)
        compensation.with_user(self.staff).action_sign()
        for user in (self.staff, self.leader, self.users["finance"], self.users["manager"]):
            records = compensation.with_user(user)
            views = records.get_views([(False, "form"), (False, "list"), (False, "search")])
            fields_spec = {
                name: {"fields": {"display_name": {}}}
                if records._fields[name].type == "many2one"
                else {}
                for name in views["models"]["cs.compensation"]["fields"]
                if name in records._fields
            }
            data = records.web_read(fields_spec)[0]
            self.assertIn("Wang to countersign", data["countersign_note"])
