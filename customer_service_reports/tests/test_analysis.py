from datetime import datetime

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import ReportsCase

PERIOD = [
    ("consumption_date", ">=", datetime(2031, 3, 1)),
    ("consumption_date", "<", datetime(2031, 5, 1)),
]


@tagged("post_install", "-at_install")
class TestAnalysis(ReportsCase):
    """The SQL-view analyses and the reporting menus."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        staff = cls.users["staff"]
        cls.member = cls._create_archive("CSREP Analysis Member", "top_secret", vip_level="gold")
        # One stay: dinner, then the front office the same evening.
        cls.dinner = cls._consume(cls.member, datetime(2031, 3, 10, 12), 300, quantity=2)
        cls.room = cls._consume(cls.member, datetime(2031, 3, 10, 18), 50, cls.front)
        cls.stay = cls.dinner.visit_id
        cls._log(
            cls.member,
            datetime(2031, 3, 11, 8),
            staff,
            contact_type="callback",
            outcome="no_answer",
        )
        cls._log(
            cls.member,
            datetime(2031, 3, 11, 12),
            staff,
            contact_type="callback",
            consumption_id=cls.room.id,
            satisfaction="average",
        )
        # After the callback: a second stay, a visit of its own.
        cls.other = cls._consume(cls.member, datetime(2031, 4, 10, 12), 50, cls.front)

    def test_consumption_analysis_ties_to_consumption(self):
        staff = self.users["staff"]
        Analysis = self.env["cs.consumption.analysis"].with_user(staff)
        self.env.flush_all()
        [(count, amount, items)] = Analysis._read_group(
            PERIOD, [], ["__count", "amount_total:sum", "item_count:sum"]
        )
        [(orm_count, orm_amount)] = (
            self.env["cs.consumption"]
            .with_user(staff)
            ._read_group(PERIOD, [], ["__count", "amount_total:sum"])
        )
        self.assertEqual(count, orm_count)
        self.assertAlmostEqual(amount, orm_amount)
        self.assertGreaterEqual(items, 2)
        row = Analysis.search([("consumption_id", "=", self.dinner.id)])
        self.assertEqual(row.amount_total, 600)
        self.assertEqual(row.quantity, 2)
        self.assertEqual(row.department_id, self.fnb)

    def test_callback_analysis_one_row_per_visit(self):
        self.env.flush_all()
        Analysis = self.env["cs.callback.analysis"].with_user(self.users["staff"])
        rows = Analysis.search([("partner_id", "=", self.member.partner_id.id)])
        self.assertEqual(self.room.visit_id, self.stay)
        self.assertEqual(len(rows), 2, "three consumptions, two stays")
        self.assertEqual(rows.visit_id, self.stay | self.other.visit_id)
        row = rows.filtered(lambda r: r.visit_id == self.stay)
        self.assertEqual(row.id, self.stay.id)
        self.assertEqual(row.date_start, datetime(2031, 3, 10, 12))
        self.assertEqual(row.date_end, datetime(2031, 3, 10, 18))
        self.assertEqual(row.department_id, self.fnb, "the first consumption's")
        self.assertEqual(row.department_count, 2)
        self.assertEqual(row.consumption_count, 2)
        self.assertAlmostEqual(row.amount_total, 650)
        self.assertEqual(row.callback_deadline, self.stay.callback_deadline)
        self.assertEqual(row.callback_user_id, self.users["staff"])
        self.assertTrue(row.callback_on_time)
        self.assertTrue(row.is_member)
        self.assertEqual(row.callback_state, "done")
        # The unanswered call was the first; the one that reached the guest closed it.
        self.assertEqual(row.first_callback_date, datetime(2031, 3, 11, 8))
        self.assertEqual(row.callback_date, datetime(2031, 3, 11, 12))
        self.assertAlmostEqual(row.delay_hours, 24.0)
        self.assertEqual(row.callback_count, 2)
        self.assertEqual(row.satisfaction, "average")
        second = rows - row
        self.assertEqual(second.callback_state, "pending")
        self.assertEqual(second.department_id, self.front)
        self.assertEqual(second.callback_count, 0)
        self.assertFalse(second.first_callback_date)
        self.assertFalse(second.delay_hours)
        # Searching a department finds the visits it was part of, first or not.
        self.assertEqual(
            Analysis.search(
                [
                    ("partner_id", "=", self.member.partner_id.id),
                    ("department_ids", "=", self.front.id),
                ]
            ),
            rows,
        )

    def test_callback_analysis_ties_to_the_callback_kpis(self):
        self.env.flush_all()
        staff = self.users["staff"]
        period = [
            ("date_start", ">=", datetime(2031, 3, 1)),
            ("date_start", "<", datetime(2031, 5, 1)),
        ]
        groups = (
            self.env["cs.callback.analysis"]
            .with_user(staff)
            ._read_group(period, ["callback_on_time"], ["__count"])
        )
        due = sum(count for _on_time, count in groups)
        on_time = sum(count for in_time, count in groups if in_time)
        self.assertEqual((due, on_time), self.env["cs.visit"]._callback_kpis(period)[None])
        self.assertGreaterEqual(due, 2)

    def test_callback_analysis_skips_visits_without_callback(self):
        self.env.flush_all()
        self.other.visit_id.with_user(self.users["manager"]).action_mark_not_needed()
        self.env.flush_all()
        rows = (
            self.env["cs.callback.analysis"]
            .with_user(self.users["staff"])
            .search([("partner_id", "=", self.member.partner_id.id)])
        )
        self.assertEqual(rows.visit_id, self.stay)

    def test_callback_analysis_keeps_companies_apart(self):
        company = self.env["res.company"].create({"name": "CSREP Other Resort"})
        guest = self.env["res.partner"].create({"name": "CSREP Other Resort Guest"})
        consumption = (
            self.env["cs.consumption"]
            .with_company(company)
            .create(
                {
                    "partner_id": guest.id,
                    "department_id": self.fnb.id,
                    "company_id": company.id,
                    "consumption_date": datetime(2031, 3, 10, 12),
                    "line_ids": [Command.create({"name": "Spa", "price_unit": 80.0})],
                }
            )
        )
        self.assertEqual(consumption.visit_id.company_id, company)
        self.env.flush_all()
        domain = [("visit_id", "=", consumption.visit_id.id)]
        self.assertEqual(len(self.env["cs.callback.analysis"].search(domain)), 1)
        self.assertFalse(
            self.env["cs.callback.analysis"].with_user(self.users["manager"]).search(domain)
        )

    def test_analyses_are_for_cs_staff_only(self):
        for model in ("cs.consumption.analysis", "cs.callback.analysis"):
            for role in ("finance", "liaison", "internal"):
                with self.subTest(model=model, role=role), self.assertRaises(AccessError):
                    self.env[model].with_user(self.users[role]).search([])

    def test_menus(self):
        menu = self.env.ref("customer_service_reports.cs_service_overview_menu")
        visible = self.env["ir.ui.menu"].with_user(self.users["manager"])._visible_menu_ids()
        self.assertIn(menu.id, visible)
        hidden = self.env["ir.ui.menu"].with_user(self.users["staff"])._visible_menu_ids()
        self.assertNotIn(menu.id, hidden)
