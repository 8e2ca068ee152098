from datetime import datetime

from odoo.exceptions import AccessError
from odoo.tests import Form, tagged

from .common import ReportsCase

PERIOD = [
    ("consumption_date", ">=", datetime(2031, 3, 1)),
    ("consumption_date", "<", datetime(2031, 5, 1)),
]


@tagged("post_install", "-at_install")
class TestAnalysis(ReportsCase):
    """The SQL-view analyses and the managers' overview."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        staff = cls.users["staff"]
        cls.member = cls._create_archive("CSREP Analysis Member", "top_secret", vip_level="gold")
        cls.visit = cls._consume(cls.member, datetime(2031, 3, 10, 12), 300, quantity=2)
        cls._log(
            cls.member,
            datetime(2031, 3, 11, 12),
            staff,
            contact_type="callback",
            consumption_id=cls.visit.id,
            satisfaction="average",
        )
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
        row = Analysis.search([("consumption_id", "=", self.visit.id)])
        self.assertEqual(row.amount_total, 600)
        self.assertEqual(row.quantity, 2)
        self.assertEqual(row.department_id, self.fnb)

    def test_callback_analysis(self):
        self.env.flush_all()
        row = (
            self.env["cs.callback.analysis"]
            .with_user(self.users["staff"])
            .search([("consumption_id", "=", self.visit.id)])
        )
        self.assertTrue(row.callback_on_time)
        self.assertTrue(row.is_member)
        self.assertEqual(row.callback_state, "done")
        self.assertEqual(row.first_callback_date, datetime(2031, 3, 11, 12))
        self.assertAlmostEqual(row.delay_hours, 24.0)
        self.assertEqual(row.callback_count, 1)
        self.assertEqual(row.satisfaction, "average")

    def test_analyses_are_for_cs_staff_only(self):
        for model in ("cs.consumption.analysis", "cs.callback.analysis"):
            for role in ("finance", "liaison", "internal"):
                with self.subTest(model=model, role=role), self.assertRaises(AccessError):
                    self.env[model].with_user(self.users[role]).search([])

    def test_overview(self):
        manager = self.users["manager"]
        with Form(self.env["cs.service.overview"].with_user(manager)) as form:
            form.date_from = "2031-03-01"
            form.date_to = "2031-04-30"
            self.assertEqual(
                form.consumption_count, self.env["cs.consumption"].search_count(PERIOD)
            )
            self.assertGreaterEqual(form.consumption_amount, 650)
            self.assertGreaterEqual(form.callbacks_due, 2)
            self.assertGreater(form.callbacks_on_time_rate, 0)
        overview = form.record
        action = overview.action_open_consumption_analysis()
        self.assertEqual(action["res_model"], "cs.consumption.analysis")
        self.assertEqual(action["domain"][0], ("consumption_date", ">=", "2031-03-01 00:00:00"))
        self.assertEqual(overview.action_open_report_wizard()["res_model"], "cs.report.wizard")
        self.assertEqual(
            overview.action_open_callback_analysis()["res_model"], "cs.callback.analysis"
        )
        self.assertTrue(overview.action_open_overdue_callbacks()["domain"])
        with self.assertRaises(AccessError):
            self.env["cs.service.overview"].with_user(self.users["staff"]).create({})

    def test_menus(self):
        menu = self.env.ref("customer_service_reports.cs_service_overview_menu")
        visible = self.env["ir.ui.menu"].with_user(self.users["manager"])._visible_menu_ids()
        self.assertIn(menu.id, visible)
        hidden = self.env["ir.ui.menu"].with_user(self.users["staff"])._visible_menu_ids()
        self.assertNotIn(menu.id, hidden)
