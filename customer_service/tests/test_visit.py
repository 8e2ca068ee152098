from datetime import datetime, timedelta

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged
from odoo.tools import html2plaintext

from .common import CustomerServiceCase


@tagged("post_install", "-at_install")
class TestVisit(CustomerServiceCase):
    """One stay, one callback: consumption folds into the guest's pending visit."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        ref = cls.env.ref
        cls.fnb = ref("customer_service.cs_service_department_fnb")
        cls.front = ref("customer_service.cs_service_department_front_office")
        cls.spa = ref("customer_service.cs_service_department_recreation")
        for department in (cls.fnb, cls.front, cls.spa):
            department.member_ids = [Command.link(cls.users["liaison"].id)]
        cls.archive = cls._create_archive("CSTEST Stay Guest", owner=cls.users["staff2"])
        cls.guest = cls.archive.partner_id
        cls.Consumption = cls.env["cs.consumption"]
        cls.Visit = cls.env["cs.visit"]
        cls.Log = cls.env["cs.contact.log"]
        cls.callback_type = ref("customer_service.mail_activity_type_callback")

    def _report(self, department, when, amount=100.0, partner=None, user="liaison", **vals):
        return (
            self.Consumption.with_user(self.users[user])
            .create(
                {
                    "partner_id": (partner or self.guest).id,
                    "department_id": department.id,
                    "consumption_date": when,
                    "line_ids": [Command.create({"name": "Item", "price_unit": amount})],
                    **vals,
                }
            )
            .sudo()
        )

    def _activities(self, visits):
        return self.env["mail.activity"].search(
            [
                ("res_model", "=", "cs.visit"),
                ("res_id", "in", visits.ids),
                ("activity_type_id", "=", self.callback_type.id),
            ]
        )

    def _call(self, visit, user="staff2", **vals):
        return self.Log.with_user(self.users[user]).create(
            {
                "partner_id": visit.partner_id.id,
                "visit_id": visit.id,
                "contact_type": "callback",
                "satisfaction": "satisfied",
                **vals,
            }
        )

    # ------------------------------------------------------------
    # The folding rule
    # ------------------------------------------------------------

    def test_three_departments_one_stay_one_visit_one_activity(self):
        with freeze_time("2026-11-20 12:00:00"):
            room = self._report(self.front, datetime(2026, 11, 20, 12), 1200)
            dinner = self._report(self.fnb, datetime(2026, 11, 20, 19), 456)
        with freeze_time("2026-11-21 10:00:00"):
            spa = self._report(self.spa, datetime(2026, 11, 21, 10), 380)
        stay = room | dinner | spa
        visit = room.visit_id
        self.assertTrue(visit)
        self.assertEqual(stay.visit_id, visit, "every department's report joins the stay")
        self.assertEqual(visit.consumption_ids, stay)
        self.assertEqual(visit.amount_total, 2036)
        self.assertEqual(visit.date_start, datetime(2026, 11, 20, 12))
        self.assertEqual(visit.date_end, datetime(2026, 11, 21, 10))
        self.assertEqual(visit.department_ids, self.front | self.fnb | self.spa)
        self.assertEqual(visit.callback_user_id, self.users["staff2"], "the archive's owner")
        activity = self._activities(visit)
        self.assertEqual(len(activity), 1, "one call per stay")
        self.assertEqual(activity.user_id, self.users["staff2"])
        # The activity names what the guest consumed: every department and the
        # total, in the caller's language.
        for department in (self.front, self.fnb, self.spa):
            name = department.with_context(lang=activity.user_id.lang).name
            self.assertIn(name, activity.summary)
        self.assertIn("2,036.00", activity.summary)
        self.assertEqual(set(stay.mapped("callback_state")), {"pending"})

    def test_the_call_is_named_in_the_language_of_whoever_calls_back(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        self.users["liaison"].lang = "en_US"
        self.users["staff2"].lang = "zh_CN"
        visit = self._report(self.fnb, datetime(2026, 11, 20, 19), 456).visit_id
        activity = self._activities(visit)
        self.assertTrue(activity.summary.startswith("回访"), activity.summary)
        self.assertIn(self.fnb.with_context(lang="zh_CN").name, activity.summary)
        # A dinner reported later renames the call in the same language.
        self._report(self.front, datetime(2026, 11, 20, 21), 1200)
        self.assertTrue(activity.summary.startswith("回访"), activity.summary)
        self.assertIn(self.front.with_context(lang="zh_CN").name, activity.summary)

    def test_the_deadline_never_moves_and_an_overdue_visit_still_absorbs(self):
        first = datetime(2026, 11, 1, 9)
        visit = self._report(self.front, first).visit_id
        self.assertEqual(visit.callback_deadline, first + timedelta(days=3))
        with freeze_time("2026-11-06 10:00:00"):
            self.assertTrue(visit.callback_overdue)
            late = self._report(self.fnb, datetime(2026, 11, 6, 9))
        self.assertEqual(late.visit_id, visit, "one call covers it all")
        self.assertEqual(visit.callback_deadline, first + timedelta(days=3), "never slips")
        self.assertEqual(late.callback_deadline, visit.callback_deadline)
        self.assertEqual(len(self._activities(visit)), 1)

    def test_a_callback_closes_the_stay_and_the_next_dinner_opens_a_new_visit(self):
        room = self._report(self.front, datetime(2026, 11, 20, 12))
        dinner = self._report(self.fnb, datetime(2026, 11, 20, 19))
        visit = room.visit_id
        with freeze_time("2026-11-21 10:00:00"):
            log = self._call(visit, feedback="Lovely stay")
        self.assertEqual(visit.callback_state, "done")
        self.assertEqual(visit.callback_log_id, log)
        self.assertEqual(visit.satisfaction, "satisfied")
        self.assertTrue(visit.callback_on_time)
        self.assertEqual((room | dinner).mapped("callback_state"), ["done", "done"])
        self.assertFalse(self._activities(visit), "the activity is done")
        # A dinner after the call is a new stay, with its own call.
        later = self._report(self.fnb, datetime(2026, 11, 28, 19))
        self.assertNotEqual(later.visit_id, visit)
        self.assertEqual(later.visit_id.callback_state, "pending")
        self.assertEqual(len(self._activities(later.visit_id)), 1)

    def test_the_contract_path_a_callback_on_a_consumption_closes_its_visit(self):
        room = self._report(self.front, datetime(2026, 11, 20, 12))
        dinner = self._report(self.fnb, datetime(2026, 11, 20, 19))
        log = self.Log.with_user(self.users["staff"]).create(
            {
                "partner_id": self.guest.id,
                "consumption_id": dinner.id,
                "contact_type": "callback",
            }
        )
        self.assertEqual(log.visit_id, room.visit_id)
        self.assertEqual(dinner.callback_state, "done")
        self.assertEqual(room.callback_state, "done", "the whole stay")

    def test_a_callback_for_the_guest_alone_finds_the_pending_visit(self):
        visit = self._report(self.front, datetime(2026, 11, 20, 12)).visit_id
        log = self.Log.create({"partner_id": self.guest.id, "contact_type": "callback"})
        self.assertEqual(log.visit_id, visit)
        self.assertEqual(visit.callback_state, "done")

    def test_an_unanswered_call_keeps_the_callback_pending(self):
        visit = self._report(self.front, datetime(2026, 11, 20, 12)).visit_id
        attempt = self._call(visit, outcome="no_answer", satisfaction=False)
        self.assertEqual(visit.callback_state, "pending")
        self.assertEqual(len(self._activities(visit)), 1)
        self.assertIn(attempt, visit.contact_log_ids)
        self._call(visit)
        self.assertEqual(visit.callback_state, "done")
        self.assertEqual(len(visit.contact_log_ids), 2)

    def test_a_sister_hotels_staff_never_call_this_hotels_guests(self):
        sister = self.env["res.company"].create({"name": "CSTEST Sister Resort"})
        theirs = self.users["staff"].copy({"login": "cs_test_sister_staff"})
        theirs.write({"company_ids": [Command.set(sister.ids)], "company_id": sister.id})
        walk_ins = self.env["res.partner"].create(
            [{"name": f"CSTEST Walk-in {i}"} for i in range(30)]
        )
        visits = self.Consumption.create(
            [
                {
                    "partner_id": guest.id,
                    "department_id": self.front.id,
                    "line_ids": [Command.create({"name": "Room", "price_unit": 500})],
                }
                for guest in walk_ins
            ]
        ).visit_id
        self.assertEqual(len(visits), 30)
        self.assertTrue(all(visits.mapped("callback_user_id")), "every stay has a caller")
        self.assertNotIn(theirs, visits.callback_user_id)
        self.assertEqual(self.Visit._callback_team(sister), theirs, "the sister hotel's own team")

    def test_guests_and_companies_fold_apart(self):
        other_guest = self.env["res.partner"].create({"name": "CSTEST Other Guest"})
        mine = self._report(self.front, datetime(2026, 11, 20, 12))
        theirs = self._report(self.front, datetime(2026, 11, 20, 12), partner=other_guest)
        self.assertNotEqual(mine.visit_id, theirs.visit_id)
        other_company = self.env["res.company"].create({"name": "CSTEST Sister Resort"})
        elsewhere = self.Consumption.create(
            {
                "partner_id": self.guest.id,
                "company_id": other_company.id,
                "department_id": self.front.id,
                "line_ids": [Command.create({"name": "Room", "price_unit": 800})],
            }
        )
        self.assertNotEqual(elsewhere.visit_id, mine.visit_id)
        self.assertEqual(elsewhere.visit_id.company_id, other_company)
        # Each company's staff see their own visits only.
        self.assertNotIn(elsewhere.visit_id, self.Visit.with_user(self.users["staff"]).search([]))

    # ------------------------------------------------------------
    # Every way in
    # ------------------------------------------------------------

    def test_every_entry_path_joins_the_same_visit(self):
        quick = self._report(self.front, datetime(2026, 11, 20, 12))
        visit = quick.visit_id
        result = self.Consumption.with_context(import_file=True).load(
            [
                "partner_id",
                "department_id",
                "consumption_date",
                "line_ids/name",
                "line_ids/price_unit",
            ],
            [[self.guest.name, self.fnb.name, "2026-11-20 19:30:00", "Set dinner", "388"]],
        )
        self.assertFalse([m for m in result["messages"] if m["type"] == "error"], result)
        imported = self.Consumption.browse(result["ids"])
        self.assertEqual(imported.visit_id, visit)
        agreement = self.env["cs.agreement"].create(
            {
                "partner_id": self.guest.id,
                "department_id": self.spa.id,
                "date_start": "2026-11-01",
                "date_end": "2026-12-31",
                "signed_document": b"c2lnbmVk",
                "signed_document_name": "signed.pdf",
                "line_ids": [
                    Command.create(
                        {"name": "Spa package", "price_unit": 680, "scheduled_date": "2026-11-21"}
                    )
                ],
            }
        )
        agreement.action_sign()
        agreement.line_ids.action_deliver()
        self.assertEqual(agreement.line_ids.consumption_id.visit_id, visit)
        self.assertEqual(len(visit.consumption_ids), 3)
        self.assertEqual(len(self._activities(visit)), 1)

    def test_liaisons_report_but_do_not_see_visits(self):
        consumption = self._report(self.front, datetime(2026, 11, 20, 12))
        liaison = self.users["liaison"]
        with self.assertRaises(AccessError):
            self.Visit.with_user(liaison).search([])
        with self.assertRaises(AccessError):
            consumption.visit_id.with_user(liaison).read(["amount_total"])
        # The consumption's callback state is the visit's, read through it.
        data = consumption.with_user(liaison).read(["callback_state", "callback_deadline"])
        self.assertEqual(data[0]["callback_state"], "pending")
        for role in ("finance", "internal"):
            with self.subTest(role=role), self.assertRaises(AccessError):
                self.Visit.with_user(self.users[role]).search_read([], ["partner_id"])

    def test_staff_reach_visits_through_every_rpc_door(self):
        visit = self._report(self.front, datetime(2026, 11, 20, 12), 250).visit_id
        Staff = self.Visit.with_user(self.users["staff"])
        domain = [("id", "=", visit.id)]
        rows = Staff.search_read(domain, ["partner_id", "amount_total", "callback_state"])
        self.assertEqual(rows[0]["amount_total"], 250)
        groups = Staff.formatted_read_group(domain, ["callback_state"], ["amount_total:sum"])
        self.assertEqual(groups[0]["amount_total:sum"], 250)
        self.assertIn(visit.id, [r[0] for r in Staff.name_search(self.guest.name)])
        exported = Staff.browse(visit.id).export_data(["partner_id", "amount_total"])
        self.assertEqual(exported["datas"][0][0], self.guest.name)
        self.assertEqual(Staff.search([("department_ids", "in", self.front.ids)] + domain), visit)
        # Staff may not close it by writing its state, nor delete it.
        with self.assertRaises(UserError):
            visit.with_user(self.users["staff"]).write({"callback_state": "done"})
        with self.assertRaises(AccessError):
            visit.with_user(self.users["manager"]).unlink()
        self.assertEqual(visit.callback_state, "pending")

    # ------------------------------------------------------------
    # Credit notes, cancellations, bad input
    # ------------------------------------------------------------

    def test_a_removed_consumption_leaves_its_visit_and_an_empty_visit_needs_no_call(self):
        room = self._report(self.front, datetime(2026, 11, 20, 12), 1000)
        dinner = self._report(self.fnb, datetime(2026, 11, 20, 19), 300)
        visit = room.visit_id
        dinner.unlink()
        self.assertEqual(visit.callback_state, "pending")
        self.assertEqual(visit.amount_total, 1000)
        self.assertNotIn(self.fnb.name, self._activities(visit).summary)
        self.assertIn("1,000.00", self._activities(visit).summary)
        room.unlink()
        self.assertEqual(visit.callback_state, "not_needed")
        self.assertFalse(self._activities(visit), "no call left to make")
        again = self._report(self.fnb, datetime(2026, 11, 21, 19))
        self.assertNotEqual(again.visit_id, visit)

    def test_a_consumption_reported_for_the_wrong_guest_moves_to_the_right_visit(self):
        other_guest = self.env["res.partner"].create({"name": "CSTEST Right Guest"})
        room = self._report(self.front, datetime(2026, 11, 20, 12), 800)
        wrong = self._report(self.fnb, datetime(2026, 11, 20, 19), 200)
        visit = room.visit_id
        wrong.partner_id = other_guest
        self.assertNotEqual(wrong.visit_id, visit)
        self.assertEqual(wrong.visit_id.partner_id, other_guest)
        self.assertEqual(wrong.visit_id.callback_state, "pending")
        self.assertEqual(len(self._activities(wrong.visit_id)), 1)
        self.assertEqual(visit.amount_total, 800)
        # Once the stay was called back, its consumption stays with its guest.
        self._call(visit)
        with self.assertRaisesRegex(UserError, "already called back"):
            room.partner_id = other_guest
        self.assertEqual(room.partner_id, self.guest)

    def test_a_visit_closed_twice_is_refused(self):
        visit = self._report(self.front, datetime(2026, 11, 20, 12)).visit_id
        self._call(visit)
        with self.assertRaisesRegex(ValidationError, "no pending callback"):
            self._call(visit)
        with self.assertRaisesRegex(UserError, "no pending callback"):
            visit.with_user(self.users["staff2"]).action_log_callback()
        with self.assertRaisesRegex(UserError, "no pending callback"):
            visit.with_user(self.users["manager"]).action_mark_not_needed()
        self.assertEqual(len(visit.contact_log_ids), 1, "nothing half-written")

    def test_only_a_manager_waives_a_callback(self):
        visit = self._report(self.front, datetime(2026, 11, 20, 12)).visit_id
        with self.assertRaises(UserError):
            visit.with_user(self.users["staff"]).action_mark_not_needed()
        visit.with_user(self.users["manager"]).action_mark_not_needed()
        self.assertEqual(visit.callback_state, "not_needed")
        self.assertFalse(self._activities(visit))

    def test_a_guest_of_another_company_is_refused_before_anything_is_written(self):
        other_company = self.env["res.company"].create({"name": "CSTEST Other Resort"})
        foreign = self.env["res.partner"].create(
            {"name": "CSTEST Foreign", "company_id": other_company.id}
        )
        visits = self.Visit.search_count([])
        with self.assertRaisesRegex(ValidationError, "CSTEST Other Resort"):
            self._report(self.front, datetime(2026, 11, 20, 12), partner=foreign, user="staff")
        self.assertEqual(self.Visit.search_count([]), visits, "no visit was opened")

    def test_errors_are_translated(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        visit = self._report(self.front, datetime(2026, 11, 20, 12)).visit_id
        self._call(visit)
        with self.assertRaises(UserError) as caught:
            visit.with_user(self.users["staff2"]).with_context(lang="zh_CN").action_log_callback()
        self.assertNotIn("no pending callback", str(caught.exception))

    def test_a_callback_for_another_guests_visit_is_refused(self):
        visit = self._report(self.front, datetime(2026, 11, 20, 12)).visit_id
        stranger = self.env["res.partner"].create({"name": "CSTEST Stranger"})
        with self.assertRaises(ValidationError):
            self.Log.create(
                {"partner_id": stranger.id, "visit_id": visit.id, "contact_type": "callback"}
            )
        self.assertEqual(visit.callback_state, "pending")

    # ------------------------------------------------------------
    # Rest hours
    # ------------------------------------------------------------

    def test_the_call_is_refused_during_the_guests_rest_hours(self):
        self.archive.write({"dnd_start": 22.0, "dnd_end": 8.5})
        self.guest.tz = "Asia/Shanghai"
        visit = self._report(self.front, datetime(2026, 11, 20, 12)).visit_id
        self.assertEqual(visit.guest_resting_hours, "22:00–08:30")
        self.assertIn("22:00", html2plaintext(self._activities(visit).note))
        Staff = visit.with_user(self.users["staff2"])
        with freeze_time("2026-11-20 15:00:00"):  # 23:00 in Shanghai
            Staff.invalidate_recordset()
            self.assertTrue(Staff.guest_resting_now)
            with self.assertRaisesRegex(UserError, "resting"):
                Staff.action_log_callback()
        with freeze_time("2026-11-21 02:00:00"):  # 10:00 in Shanghai
            Staff.invalidate_recordset()
            self.assertFalse(Staff.guest_resting_now)
            action = Staff.action_log_callback()
        self.assertEqual(action["context"]["default_visit_id"], visit.id)

    # ------------------------------------------------------------
    # KPIs and cost
    # ------------------------------------------------------------

    def test_kpis_count_visits_not_consumptions(self):
        with freeze_time("2026-11-20 12:00:00"):
            self._report(self.front, datetime(2026, 11, 20, 12))
            visit = self._report(self.fnb, datetime(2026, 11, 20, 19)).visit_id
            self._call(visit)
        self._report(self.fnb, datetime(2026, 11, 28, 19))
        self.archive.invalidate_recordset()
        self.assertEqual(self.archive.visit_count, 2)
        self.assertEqual(self.archive.consumption_count, 3)
        self.assertEqual(self.archive.callback_on_time_rate, 0.5)
        self.assertEqual(
            self.Visit._callback_kpis([("partner_id", "=", self.guest.id)]), {None: (2, 1)}
        )

    def test_a_batch_costs_queries_per_batch_not_per_row(self):
        guests = self.env["res.partner"].create([{"name": f"CSTEST Fold {i}"} for i in range(60)])

        def queries_for(partners):
            self.env.flush_all()
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            # Three departments per guest, as an evening's import brings them.
            self.Consumption.with_context(import_file=True).create(
                [
                    {
                        "partner_id": partner.id,
                        "department_id": department.id,
                        "line_ids": [Command.create({"name": "Item", "price_unit": 30})],
                    }
                    for partner in partners
                    for department in (self.front, self.fnb, self.spa)
                ]
            )
            self.env.flush_all()
            return self.env.cr.sql_log_count - before

        few = queries_for(guests[:10])
        many = queries_for(guests[10:40])
        self.assertLessEqual(many, few + 5, f"10 guests: {few} queries, 30 guests: {many}")
        # Joining visits that are already open costs no more either.
        joined = queries_for(guests[10:40])
        self.assertLessEqual(joined, few + 5, f"30 guests joining: {joined} queries")
        visits = self.Consumption.search([("partner_id", "in", guests[:40].ids)]).visit_id
        self.assertEqual(len(visits), 40)
        self.assertEqual(len(self._activities(visits)), 40, "one activity per visit")
