from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import CustomerServiceCase


@tagged("post_install", "-at_install")
class TestSupervision(CustomerServiceCase):
    """R3: on-site supervision at peak times, and complaints raised there."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Supervision = cls.env["cs.supervision"]
        cls.guest = cls.env["res.partner"].create({"name": "CSTEST Supervised Guest"})
        cls.fnb = cls.env.ref("customer_service.cs_service_department_fnb")

    def _supervision(self, user="staff", **vals):
        return self.Supervision.with_user(self.users[user]).create(
            {
                "department_id": self.fnb.id,
                "peak_period": "dinner",
                "location": "Chinese restaurant",
                "findings": "Two waiters for forty covers.",
                "opinion_ids": [
                    (
                        0,
                        0,
                        {
                            "kind": "request",
                            "guest_label": "Table 12",
                            "opinion": "A child seat, please.",
                            "resolved_on_spot": True,
                            "action_taken": "Brought at once.",
                        },
                    ),
                    (
                        0,
                        0,
                        {
                            "kind": "complaint",
                            "partner_id": self.guest.id,
                            "opinion": "We waited forty minutes for the fish.",
                        },
                    ),
                ],
                **vals,
            }
        )

    def test_round_records_opinions_and_raises_a_complaint(self):
        supervision = self._supervision()
        self.assertTrue(supervision.name.startswith("SUP"))
        self.assertEqual(supervision.user_id, self.users["staff"])
        self.assertEqual(supervision.opinion_count, 2)
        self.assertEqual(supervision.resolved_count, 1)
        request, grievance = supervision.opinion_ids
        action = grievance.action_raise_complaint()
        complaint = grievance.complaint_id
        self.assertEqual(action["res_id"], complaint.id)
        self.assertEqual(complaint.supervision_id, supervision)
        self.assertEqual(complaint.partner_id, self.guest)
        self.assertEqual(complaint.channel, "visit")
        self.assertIn("forty minutes", complaint.description)
        self.assertEqual(supervision.complaint_ids, complaint)
        self.assertEqual(supervision.complaint_count, 1)
        # Raising it again opens the same complaint.
        self.assertEqual(grievance.action_raise_complaint()["res_id"], complaint.id)
        self.assertEqual(supervision.complaint_count, 1)
        # An opinion without a known guest cannot become a complaint.
        with self.assertRaisesRegex(UserError, "Choose the guest"):
            request.action_raise_complaint()

    def test_raise_complaint_button_links_the_new_complaint(self):
        supervision = self._supervision()
        action = supervision.with_user(self.users["staff"]).action_raise_complaint()
        self.assertEqual(action["res_model"], "cs.complaint")
        complaint = (
            self.env["cs.complaint"]
            .with_user(self.users["staff"])
            .with_context(**action["context"])
            .create({"partner_id": self.guest.id, "description": "<p>Cold tea.</p>"})
        )
        self.assertEqual(complaint.supervision_id, supervision)
        self.assertEqual(complaint.channel, "visit")

    def test_done_round_is_locked_for_staff(self):
        supervision = self._supervision()
        with self.assertRaisesRegex(UserError, "Done button"):
            supervision.write({"state": "done"})
        supervision.with_user(self.users["staff"]).action_done()
        self.assertEqual(supervision.state, "done")
        with self.assertRaisesRegex(UserError, "finished"):
            supervision.with_user(self.users["staff"]).findings = "Changed later"
        with self.assertRaisesRegex(UserError, "manager"):
            supervision.with_user(self.users["staff"]).action_reopen()
        supervision.with_user(self.users["manager"]).action_reopen()
        self.assertEqual(supervision.state, "in_progress")

    def test_roles(self):
        supervision = self._supervision()
        for role in ("finance", "liaison", "internal"):
            with self.subTest(role=role):
                with self.assertRaises(AccessError):
                    supervision.with_user(self.users[role]).read(["findings"])
                with self.assertRaises(AccessError):
                    self._supervision(user=role)
        self.assertTrue(supervision.with_user(self.users["leader"]).read(["findings"]))
        with self.assertRaises(AccessError):
            supervision.with_user(self.users["staff"]).unlink()

    def test_mobile_views(self):
        action = self.env.ref("customer_service.cs_supervision_action")
        self.assertEqual(action.mobile_view_mode, "kanban")
        self.assertIn("kanban", action.view_mode)
        arch = self.Supervision.get_view(view_type="form")["arch"]
        self.assertIn("<kanban", arch, "opinion lines show as cards on a phone")
