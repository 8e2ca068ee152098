from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestComplaintUi(HttpCase):
    """R14 in Chromium, as the demo users: staff, then a manager, then staff."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.staff = cls.env.ref("customer_service.user_cs_staff")
        cls.manager = cls.env.ref("customer_service.user_cs_manager")
        cls.guest = cls.env["res.partner"].create({"name": "Tour Complaint Guest"})

    def test_complaint_from_registration_to_closing(self):
        self.start_tour(
            "/odoo/action-customer_service.cs_complaint_action",
            "customer_service_complaint_register_tour",
            login=self.staff.login,
        )
        complaint = self.env["cs.complaint"].search([("partner_id", "=", self.guest.id)])
        self.assertEqual(complaint.state, "proposed")
        self.assertEqual(complaint.user_id, self.staff)
        self.assertEqual(complaint.validity, "valid")
        self.assertEqual(
            complaint.department_id,
            self.env.ref("customer_service.cs_service_department_housekeeping"),
        )
        self.assertIn("维修工单", complaint.cause)
        self.assertEqual(complaint.solution_ids.state, "submitted")

        url = f"/odoo/action-customer_service.cs_complaint_action/{complaint.id}"
        self.start_tour(url, "customer_service_complaint_approve_tour", login=self.manager.login)
        self.assertEqual(complaint.state, "approved")
        self.assertEqual(complaint.solution_id.approved_by_id, self.manager)

        self.start_tour(url, "customer_service_complaint_close_tour", login=self.staff.login)
        self.assertEqual(complaint.state, "closed")
        # Compensated within the staff's own gift limit, and booked (R5, R11).
        compensation = complaint.compensation_ids
        self.assertEqual(compensation.compensation_type, "gift")
        self.assertEqual(compensation.amount, 150)
        self.assertEqual(compensation.state, "done")
        self.assertEqual(compensation.countersign_state, "none")
        self.assertEqual(compensation.move_id.partner_id, self.guest)
        self.assertEqual(complaint.confirmation_method, "in_person")
        self.assertEqual(complaint.follow_up_log_id.contact_type, "complaint_follow_up")
        self.assertEqual(complaint.follow_up_log_id.satisfaction, "satisfied")
