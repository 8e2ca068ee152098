from datetime import date

from freezegun import freeze_time

from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from .common import CustomerServiceCase


@tagged("post_install", "-at_install")
class TestArchiveLifecycle(CustomerServiceCase):
    """R12 declassification, R13 quarterly review and destruction, R17 permanence."""

    def test_classified_until_defaults_per_level(self):
        params = self.env["ir.config_parameter"].sudo()
        params.set_param("customer_service.period_confidential_years", "2")
        with freeze_time("2026-11-23"):
            archive = self._create_archive("CSTEST Period", "confidential")
        self.assertEqual(archive.classified_until, date(2028, 11, 23))
        # Rewriting the same level keeps the period; a new level starts one.
        with freeze_time("2027-03-01"):
            archive.confidentiality_level = "confidential"
            self.assertEqual(archive.classified_until, date(2028, 11, 23))
            archive.confidentiality_level = "secret"
            self.assertEqual(archive.classified_until, date(2028, 3, 1))

    def test_declassify_cron(self):
        with freeze_time("2026-01-10"):
            top = self._create_archive("CSTEST Declassify Top", "top_secret")
            top.classified_until = date(2026, 6, 30)
            secret = self._create_archive("CSTEST Declassify Secret", "secret")
            secret.classified_until = date(2026, 6, 30)
            keep = self._create_archive("CSTEST Keep", "confidential")
            keep.classified_until = date(2027, 1, 1)
        Archive = self.env["cs.guest.archive"]
        with freeze_time("2026-07-01"):
            self.assertEqual(Archive._cron_declassify(), 2)
            self.assertEqual(top.confidentiality_level, "confidential")
            self.assertGreater(top.classified_until, date(2026, 7, 1))
            self.assertEqual(secret.confidentiality_level, "secret", "secret is the floor")
            self.assertFalse(secret.classified_until)
            self.assertEqual(keep.confidentiality_level, "confidential")
            self.assertIn("declassified", top.message_ids[:1].body)
            # Idempotent: the same day finds nothing more to do.
            self.assertEqual(Archive._cron_declassify(), 0)
            self.assertEqual(top.confidentiality_level, "confidential")

    def test_review_cron_and_reviewed_action(self):
        with freeze_time("2026-01-01"):
            archive = self._create_archive("CSTEST Review", "secret")
        self.assertEqual(archive.next_review_date, date(2026, 4, 1))
        activity_type = self.env.ref("customer_service.mail_activity_type_archive_review")

        def reviews():
            return archive.activity_ids.filtered(lambda a: a.activity_type_id == activity_type)

        Archive = self.env["cs.guest.archive"]
        with freeze_time("2026-03-31"):
            Archive._cron_review_due()
            self.assertFalse(reviews())
        with freeze_time("2026-04-01"):
            Archive._cron_review_due()
            self.assertEqual(reviews().user_id, self.users["staff"])
            Archive._cron_review_due()
            self.assertEqual(len(reviews()), 1, "no second activity")
            archive.with_user(self.users["staff"]).action_mark_reviewed()
            self.assertEqual(archive.next_review_date, date(2026, 7, 1))
            self.assertEqual(archive.last_review_date, date(2026, 4, 1))
            self.assertFalse(reviews(), "the activity is done")

    def _destruction(self, *archives):
        return (
            self.env["cs.archive.destruction"]
            .with_user(self.users["supervisor"])
            .create({"reason": "Outdated", "archive_ids": [(6, 0, [a.id for a in archives])]})
        )

    def test_destruction_needs_three_approvals_in_order(self):
        archive = self._create_archive(
            "CSTEST Destroy", "confidential", birthday=date(1980, 5, 1), job_title="Director"
        )
        self.env["cs.archive.special.date"].create(
            {"archive_id": archive.id, "name": "Wedding", "date": date(2005, 10, 1)}
        )
        greeting = self.env["cs.greeting"].create(
            {
                "archive_id": archive.id,
                "partner_id": archive.partner_id.id,
                "occasion": "birthday",
                "occasion_date": date(2026, 5, 1),
            }
        )
        destruction = self._destruction(archive)
        destruction.action_submit()
        self.assertEqual(destruction.state, "submitted")

        # The leader and the manager cannot go before the supervisor.
        destruction.with_user(self.users["leader"]).validate_tier()
        destruction.with_user(self.users["manager"]).validate_tier()
        self.assertEqual(destruction.state, "submitted")
        self.assertEqual(archive.birthday, date(1980, 5, 1), "nothing erased yet")

        destruction.with_user(self.users["supervisor"]).validate_tier()
        destruction.with_user(self.users["manager"]).validate_tier()
        self.assertEqual(destruction.state, "submitted")
        self.assertTrue(archive.job_title, "two approvals are not enough")

        destruction.with_user(self.users["leader"]).validate_tier()
        self.assertEqual(destruction.state, "done")
        self.assertEqual(destruction.archive_codes, archive.code)
        approvers = destruction.review_ids.sorted("sequence", reverse=True).mapped("done_by")
        self.assertEqual(
            approvers, self.users["supervisor"] | self.users["manager"] | self.users["leader"]
        )
        self.assertTrue(archive.exists(), "the row stays")
        self.assertTrue(archive.destroyed)
        self.assertFalse(archive.active)
        self.assertFalse(archive.birthday)
        self.assertFalse(archive.job_title)
        self.assertFalse(archive.special_date_ids)
        self.assertFalse(greeting.exists(), "a birthday greeting would give the date away")

    def test_rejected_destruction_erases_nothing(self):
        archive = self._create_archive("CSTEST Keep Me", "secret", job_title="Chef")
        destruction = self._destruction(archive)
        destruction.action_submit()
        destruction.with_user(self.users["supervisor"]).validate_tier()
        destruction.with_user(self.users["manager"]).reject_tier()
        self.assertEqual(destruction.state, "rejected")
        self.assertEqual(archive.job_title, "Chef")
        with self.assertRaises(UserError):
            destruction._destroy()

    def test_permanent_customers_cannot_be_destroyed(self):
        archive = self._create_archive("CSTEST Permanent", "secret", is_permanent=True)
        with self.assertRaises(ValidationError):
            self._destruction(archive)

    def test_staff_cannot_run_a_destruction(self):
        archive = self._create_archive("CSTEST Staff Destroy", "secret")
        with self.assertRaises(UserError):
            self.env["cs.archive.destruction"].with_user(self.users["staff"]).create(
                {"reason": "x", "archive_ids": [(6, 0, archive.ids)]}
            )

    def test_bad_lunar_birthday(self):
        with self.assertRaises(UserError):
            self._create_archive("CSTEST Lunar", "secret", lunar_birthday="13-40")
        archive = self._create_archive("CSTEST Lunar Ok", "secret", lunar_birthday="08-15")
        self.assertEqual(archive.lunar_birthday, "08-15")
