from datetime import date

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .common import CustomerServiceCase


@tagged("post_install", "-at_install")
class TestRetentionPlan(CustomerServiceCase):
    """R2 approval gate, R7 scheduled contacts, re-planning and batching."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.normal = cls.env.ref("customer_service.cs_retention_plan_template_normal")
        cls.strategic_template = cls.env.ref(
            "customer_service.cs_retention_plan_template_strategic"
        )
        cls.contact_type = cls.env.ref("customer_service.mail_activity_type_cs_scheduled_contact")
        cls.visit_type = cls.env.ref("customer_service.mail_activity_type_cs_visit")
        cls.Plan = cls.env["cs.retention.plan"]

    def _activities(self, plan, archive=None, activity_type=None):
        domain = [("retention_plan_id", "=", plan.id)]
        if archive:
            domain.append(("res_id", "=", archive.id))
        if activity_type:
            domain.append(("activity_type_id", "=", activity_type.id))
        return (
            self.env["mail.activity"]
            .with_context(active_test=False)
            .search(domain, order="date_deadline, id")
        )

    # ------------------------------------------------------------
    # Approval gate (R2)
    # ------------------------------------------------------------

    def test_unapproved_plan_generates_nothing(self):
        with freeze_time("2026-03-02"):
            archive = self._create_archive("CSTEST Plan Draft", vip_level="gold")
            plan = self._create_plan(archive, date_from=date(2026, 3, 2), date_to=date(2026, 5, 31))
            self.Plan._cron_run_plans()
            self.assertEqual(plan._generate_activities(), 0)
            self.assertFalse(self._activities(plan), "a draft schedules nothing")

            plan.with_user(self.users["staff"]).action_submit()
            self.assertEqual(plan.state, "submitted")
            self.Plan._cron_run_plans()
            self.assertFalse(self._activities(plan), "a submitted plan schedules nothing")

            # The owner cannot make it run by hand, over RPC or otherwise.
            for state in ("approved", "running", "done"):
                with self.assertRaises(UserError):
                    plan.with_user(self.users["staff"]).write({"state": state})
            # Even forced into running without its reviews, it schedules nothing.
            plan.sudo().with_context(skip_validation_check=True).write({"state": "running"})
            self.assertEqual(plan._generate_activities(), 0)
            self.assertFalse(self._activities(plan))

    def test_roles_normal_plan(self):
        with freeze_time("2026-03-02"):
            archive = self._create_archive("CSTEST Plan Normal")
            plan = self._create_plan(archive, date_from=date(2026, 3, 2), date_to=date(2026, 5, 31))
            self.assertFalse(plan.has_strategic)
            plan.with_user(self.users["staff"]).action_submit()
            plan.with_user(self.users["staff"]).validate_tier()
            self.assertEqual(plan.state, "submitted", "staff cannot approve")
            plan.with_user(self.users["manager"]).validate_tier()
            self.assertEqual(plan.state, "running", "a manager approves a normal plan")
            self.assertEqual(plan.review_ids.done_by, self.users["manager"])
            self.assertTrue(self._activities(plan))

    def test_roles_strategic_plan(self):
        with freeze_time("2026-03-02"):
            normal = self._create_archive("CSTEST Plan Mixed Normal")
            strategic = self._create_archive("CSTEST Plan Strategic", customer_class="strategic")
            plan = self._create_plan(
                normal | strategic, date_from=date(2026, 3, 2), date_to=date(2026, 5, 31)
            )
            self.assertTrue(plan.has_strategic)
            plan.with_user(self.users["staff"]).action_submit()
            plan.with_user(self.users["manager"]).validate_tier()
            self.assertEqual(plan.state, "submitted", "a manager cannot approve a strategic plan")
            self.assertFalse(self._activities(plan))
            plan.with_user(self.users["leader"]).validate_tier()
            self.assertEqual(plan.state, "running")
            self.assertEqual(plan.review_ids.done_by, self.users["leader"])

    def test_rejected_plan_and_reset(self):
        archive = self._create_archive("CSTEST Plan Rejected")
        plan = self._create_plan(archive)
        plan.with_user(self.users["staff"]).action_submit()
        plan.with_user(self.users["manager"]).reject_tier()
        self.assertEqual(plan.state, "rejected")
        self.assertFalse(self._activities(plan))
        plan.with_user(self.users["staff"]).action_draft()
        self.assertEqual(plan.state, "draft")
        self.assertFalse(plan.review_ids, "a new submission asks again")

    def test_staff_edit_only_their_own_draft(self):
        archive = self._create_archive("CSTEST Plan Own")
        plan = self._create_plan(archive)
        with self.assertRaises(AccessError):
            plan.with_user(self.users["staff2"]).write({"auto_renew": False})
        plan.with_user(self.users["staff"]).action_submit()
        with self.assertRaises(UserError):
            plan.with_user(self.users["staff"]).write({"date_to": date(2030, 1, 1)})

    def test_cannot_plan_an_unreadable_archive(self):
        top = self._create_archive(
            "CSTEST Plan Top Secret", "top_secret", owner=self.users["leader"]
        )
        with self.assertRaises(AccessError):
            self._create_plan(top)

    def test_members_only_template(self):
        members = self.env.ref("customer_service.cs_retention_plan_template_members")
        archive = self._create_archive("CSTEST Plan Not Member")
        with self.assertRaises(ValidationError):
            self._create_plan(archive, template=members)

    def test_bad_period_refused_nothing_created(self):
        archive = self._create_archive("CSTEST Plan Bad Period")
        before = self.Plan.search_count([])
        with self.assertRaises(ValidationError) as caught:
            self._create_plan(archive, date_from=date(2026, 5, 1), date_to=date(2026, 4, 30))
        self.assertIn("before it starts", str(caught.exception))
        self.assertEqual(self.Plan.search_count([]), before)
        plan = self._create_plan(archive, date_from=date(2026, 5, 1), date_to=date(2026, 5, 31))
        with self.assertRaises(ValidationError):
            plan.with_user(self.users["staff"]).write({"date_to": date(2026, 4, 1)})
        self.assertEqual(plan.date_to, date(2026, 5, 31))

    # ------------------------------------------------------------
    # Scheduled contacts (R7)
    # ------------------------------------------------------------

    def test_generated_contacts_over_the_period(self):
        # Summaries name the channel in the owner's language: English here.
        (self.users["staff"] | self.users["staff2"]).write({"lang": "en_US"})
        with freeze_time("2026-03-02"):
            guest = self._create_archive("CSTEST Plan Guest")
            member = self._create_archive(
                "CSTEST Plan Member", vip_level="gold", owner=self.users["staff2"]
            )
            plan = self._create_plan(
                guest | member, date_from=date(2026, 3, 2), date_to=date(2026, 5, 31)
            )
            self._approve_plan(plan, self.users["manager"])
            self.assertEqual(plan.state, "running")
            # Horizon of 14 days: the monthly guest once, the member weekly (R7).
            guest_dates = self._activities(plan, guest).mapped("date_deadline")
            member_acts = self._activities(plan, member)
            self.assertEqual(guest_dates, [date(2026, 3, 2)])
            self.assertEqual(
                member_acts.mapped("date_deadline"),
                [date(2026, 3, 2), date(2026, 3, 9), date(2026, 3, 16)],
            )
            self.assertEqual(member_acts.user_id, self.users["staff2"], "the archive's owner")
            self.assertEqual(set(member_acts.mapped("summary")), {"Phone"})
            self.assertEqual(member_acts.activity_type_id, self.contact_type)
            self.assertEqual(plan.generated_until, date(2026, 3, 16))
            # Idempotent: the same day schedules nothing more.
            self.assertEqual(self.Plan._cron_run_plans(), 0)
            self.assertEqual(len(self._activities(plan)), 4)

        with freeze_time("2026-04-01"):
            # A done contact leaves a contact record (R7) and is not
            # scheduled again when the plan rolls on.
            member_acts[0].with_user(self.users["staff2"]).action_feedback(feedback="All well")
            log = self.env["cs.contact.log"].search(
                [("partner_id", "=", member.partner_id.id), ("contact_type", "=", "regular")]
            )
            self.assertEqual(len(log), 1)
            self.assertEqual(log.channel, "phone")
            self.assertEqual(log.user_id, self.users["staff2"])
            self.assertEqual(log.feedback, "All well")
            self.Plan._cron_run_plans()
            guest_acts = self._activities(plan, guest)
            self.assertEqual(
                guest_acts.mapped("date_deadline"), [date(2026, 3, 2), date(2026, 4, 2)]
            )
            # The normal template alternates: every second contact by WeChat.
            self.assertEqual(guest_acts.mapped("summary"), ["Phone", "WeChat"])
            member_dates = self._activities(plan, member).mapped("date_deadline")
            self.assertEqual(len(member_dates), len(set(member_dates)), "no duplicates")
            self.assertEqual(member_dates[-1], date(2026, 4, 13))
            self.assertFalse(member_acts[0].active, "the done contact stays done")
            self.assertEqual(self.Plan._cron_run_plans(), 0)

        with freeze_time("2026-05-25"):
            self.Plan._cron_run_plans()
            last = self._activities(plan).mapped("date_deadline")[-1]
            self.assertLessEqual(last, date(2026, 5, 31), "nothing after the period")

        with freeze_time("2026-06-01"):
            self.Plan._cron_run_plans()
            self.assertEqual(plan.state, "done")
            renewal = self.Plan.search([("previous_plan_id", "=", plan.id)])
            self.assertEqual(len(renewal), 1)
            self.assertEqual(renewal.date_from, date(2026, 6, 1))
            self.assertEqual(renewal.date_to, date(2026, 8, 30))
            self.assertEqual(renewal.state, "submitted", "a renewal is approved again (R2)")
            self.assertFalse(self._activities(renewal))
            self.Plan._cron_run_plans()
            self.assertEqual(self.Plan.search_count([("previous_plan_id", "=", plan.id)]), 1)

    def test_strategic_visits(self):
        with freeze_time("2026-03-02"):
            client = self._create_archive("CSTEST Plan Visit", customer_class="strategic")
            plan = self._create_plan(
                client,
                template=self.strategic_template,
                date_from=date(2026, 3, 2),
                date_to=date(2026, 8, 31),
            )
            self._approve_plan(plan)
            visits = self._activities(plan, client, self.visit_type)
            self.assertEqual(visits.mapped("date_deadline"), [date(2026, 3, 2)])
        with freeze_time("2026-05-25"):
            self.Plan._cron_run_plans()
            visits = self._activities(plan, client, self.visit_type)
            self.assertEqual(visits.mapped("date_deadline"), [date(2026, 3, 2), date(2026, 6, 2)])

    def test_close_drops_future_contacts(self):
        with freeze_time("2026-03-02"):
            archive = self._create_archive("CSTEST Plan Close", vip_level="silver")
            plan = self._create_plan(archive, date_from=date(2026, 3, 2), date_to=date(2026, 5, 31))
            self._approve_plan(plan, self.users["manager"])
            with self.assertRaises(AccessError):
                plan.with_user(self.users["staff2"]).action_close()
            plan.with_user(self.users["staff"]).action_close()
            self.assertEqual(plan.state, "done")
            self.assertEqual(self._activities(plan).mapped("date_deadline"), [date(2026, 3, 2)])
            self.Plan._cron_run_plans()
            self.assertEqual(len(self._activities(plan)), 1)

    # ------------------------------------------------------------
    # Batching
    # ------------------------------------------------------------

    def _queries_to_start(self, count):
        archives = self.Archive.browse()
        for index in range(count):
            archives |= self._create_archive(f"CSTEST Plan Batch {count} {index}")
        plan = self._create_plan(archives, date_from=date(2026, 3, 3), date_to=date(2026, 5, 31))
        self._approve_plan(plan, self.users["manager"])
        self.assertEqual(plan.state, "approved", "starts tomorrow")
        self.env.flush_all()
        self.env.invalidate_all()
        with freeze_time("2026-03-03"):
            before = self.env.cr.sql_log_count
            plan._start_due()
            self.env.flush_all()
            queries = self.env.cr.sql_log_count - before
            # One contact each in the horizon: the ORM's own insert chunks (100
            # rows) stay the same for both sizes.
            self.assertEqual(len(self._activities(plan)), count)
        return queries

    def test_query_count_does_not_grow_with_archives(self):
        with freeze_time("2026-03-02"):
            self._queries_to_start(3)  # warm the caches
            small = self._queries_to_start(10)
            large = self._queries_to_start(50)
        self.assertEqual(small, large, "queries per batch, not per archive")
