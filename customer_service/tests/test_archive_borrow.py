from datetime import date

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged

from .common import CustomerServiceCase


@tagged("post_install", "-at_install")
@freeze_time("2026-11-23")
class TestArchiveBorrow(CustomerServiceCase):
    """R12/R13: borrowing an archive, from request to expiry and return."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.confidential = cls._create_archive(
            "CSTEST Borrowed Confidential", "confidential", cls.users["admin"]
        )
        cls.top_secret = cls._create_archive("CSTEST Borrowed Top", "top_secret")

    def _request(self, role, archive, date_from="2026-11-23", date_to="2026-11-30"):
        wizard = Form(self.env["cs.archive.borrow.wizard"].with_user(self.users[role]))
        wizard.query = archive.code
        wizard.date_from = date_from
        wizard.date_to = date_to
        wizard.reason = "Preparing the guest's anniversary stay"
        action = wizard.save().action_request()
        return self.env["cs.archive.access.request"].browse(action["res_id"])

    def _can_read(self, role, archive):
        return bool(self.Archive.with_user(self.users[role]).search([("id", "=", archive.id)]))

    def test_wizard_reveals_only_existence_and_level(self):
        wizard = Form(self.env["cs.archive.borrow.wizard"].with_user(self.users["staff"]))
        wizard.query = self.confidential.code
        self.assertTrue(wizard.found)
        self.assertEqual(wizard.found_level, "confidential")
        wizard.query = self.confidential.code.lower()
        self.assertTrue(wizard.found, "a code typed in lower case is found")
        wizard.query = self.confidential.code[:-1]
        self.assertFalse(wizard.found, "a partial code finds nothing")
        # Partial names find nothing: the wizard cannot list guests.
        wizard.query = "CSTEST Borrowed"
        self.assertFalse(wizard.found)
        wizard.query = "cstest borrowed confidential"
        self.assertTrue(wizard.found, "an exact name, in any case, is found")

    def test_confidential_borrow_flow(self):
        self.assertFalse(self._can_read("staff", self.confidential))
        request = self._request("staff", self.confidential)
        self.assertEqual(request.state, "submitted")
        self.assertEqual(request.archive_code, self.confidential.code)
        self.assertEqual(request.guest_name, "CSTEST Borrowed Confidential")
        # Submitted is not approved: still no access, and staff cannot approve.
        self.assertFalse(self._can_read("staff", self.confidential))
        request.with_user(self.users["staff"]).validate_tier()
        self.assertEqual(request.state, "submitted")
        request.with_user(self.users["manager"]).validate_tier()
        self.assertEqual(request.state, "approved")
        self.assertEqual(request.approved_by_id, self.users["manager"])
        self.assertTrue(self._can_read("staff", self.confidential))
        self.assertTrue(
            self.confidential.with_user(self.users["staff"]).borrowed_by_me, "field agrees"
        )
        # Other staff gain nothing from someone else's borrow.
        self.assertFalse(self._can_read("staff2", self.confidential))
        # Borrowing gives reading, not writing.
        with self.assertRaises(AccessError):
            self.confidential.with_user(self.users["staff"]).write({"credit_class": "a"})

        with freeze_time("2026-11-30"):
            self.assertTrue(self._can_read("staff", self.confidential), "last day included")
        with freeze_time("2026-12-01"):
            self.assertFalse(self._can_read("staff", self.confidential), "expired by date")
        with freeze_time("2026-11-22"):
            self.assertFalse(self._can_read("staff", self.confidential), "not started yet")

        request.with_user(self.users["staff"]).action_return()
        self.assertEqual(request.state, "returned")
        self.assertFalse(self._can_read("staff", self.confidential), "returned early")

    def test_approval_with_a_comment_grants_the_borrow(self):
        """A tier that asks for a comment approves through OCA's comment wizard."""
        self.env.ref("customer_service.tier_definition_borrow_confidential").has_comment = True
        request = self._request("staff", self.confidential)
        action = request.with_user(self.users["manager"]).validate_tier()
        wizard = (
            self.env["comment.wizard"]
            .with_user(self.users["manager"])
            .with_context(**action["context"])
            .create({"comment": "For the guest's anniversary dinner."})
        )
        wizard.add_comment()
        self.assertEqual(request.state, "approved")
        self.assertTrue(self._can_read("staff", self.confidential))

    def test_top_secret_needs_a_manager_borrower_and_a_leader_approval(self):
        with self.assertRaises(UserError):
            self._request("staff", self.top_secret)
        request = self._request("manager", self.top_secret)
        # A manager cannot approve a top-secret borrow, not even their own.
        request.with_user(self.users["manager"]).validate_tier()
        self.assertEqual(request.state, "submitted")
        self.assertFalse(self._can_read("manager", self.top_secret))
        request.with_user(self.users["leader"]).validate_tier()
        self.assertEqual(request.state, "approved")
        self.assertTrue(request.leader_approved)
        self.assertTrue(self._can_read("manager", self.top_secret))

    def test_raising_to_top_secret_voids_a_manager_approved_borrow(self):
        request = self._request("staff", self.confidential)
        request.with_user(self.users["manager"]).validate_tier()
        self.assertTrue(self._can_read("staff", self.confidential))
        self.confidential.with_user(self.users["leader"]).write(
            {"confidentiality_level": "top_secret"}
        )
        self.assertFalse(self._can_read("staff", self.confidential))

    def test_rejected_request_grants_nothing(self):
        request = self._request("staff", self.confidential)
        request.with_user(self.users["manager"]).reject_tier()
        self.assertEqual(request.state, "rejected")
        self.assertFalse(self._can_read("staff", self.confidential))

    def test_staff_see_their_own_requests_managers_all(self):
        request = self._request("staff", self.confidential)
        Request = self.env["cs.archive.access.request"]
        self.assertIn(request, Request.with_user(self.users["staff"]).search([]))
        self.assertNotIn(request, Request.with_user(self.users["staff2"]).search([]))
        self.assertIn(request, Request.with_user(self.users["manager"]).search([]))
        with self.assertRaises(UserError):
            request.with_user(self.users["staff2"]).action_return()

    def test_bad_input(self):
        Request = self.env["cs.archive.access.request"].with_user(self.users["staff"])
        before = Request.sudo().search_count([])
        # A period that ends before it starts: refused, nothing written.
        with self.assertRaises(ValidationError), self.cr.savepoint():
            self._request("staff", self.confidential, "2026-11-30", "2026-11-23")
        # The same through the model itself (an RPC client skipping the wizard).
        with self.assertRaises(ValidationError), self.cr.savepoint():
            Request.create(
                {
                    "archive_id": self.confidential.id,
                    "date_from": date(2026, 11, 30),
                    "date_to": date(2026, 11, 23),
                    "reason": "x",
                }
            )
        self.assertEqual(Request.sudo().search_count([]), before)
        # An unknown code: a clear error, nothing written.
        wizard = (
            self.env["cs.archive.borrow.wizard"]
            .with_user(self.users["staff"])
            .create({"query": "GA-NO-SUCH-CODE", "date_to": date(2026, 12, 1), "reason": "x"})
        )
        with self.assertRaisesRegex(UserError, "GA-NO-SUCH-CODE"):
            wizard.action_request()
        self.assertEqual(Request.sudo().search_count([]), before)
