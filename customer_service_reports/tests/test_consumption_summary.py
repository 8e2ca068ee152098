from datetime import date, datetime

from odoo.tests import tagged

from .common import SUMMARY, ReportsCase


@tagged("post_install", "-at_install")
class TestConsumptionSummary(ReportsCase):
    """R6: consumption by department and period, tied to the ORM's figures."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.guest = cls._create_archive("CSREP Diner", "secret")
        cls.march_fnb = cls._consume(cls.guest, datetime(2031, 3, 5, 12), 120.5, quantity=2)
        cls.march_front = cls._consume(cls.guest, datetime(2031, 3, 20, 12), 800, cls.front)
        cls.april_fnb = cls._consume(cls.guest, datetime(2031, 4, 2, 12), 99.9)
        cls.outside = cls._consume(cls.guest, datetime(2031, 5, 2, 12), 1000)

    def _orm(self, user, domain):
        Consumption = self.env["cs.consumption"].with_user(user)
        period = [
            ("consumption_date", ">=", datetime(2031, 3, 1)),
            ("consumption_date", "<", datetime(2031, 5, 1)),
        ]
        return Consumption.search([*period, *domain])

    def test_summary_ties_to_the_orm(self):
        staff = self.users["staff"]
        workbook = self._render(SUMMARY, staff, data=self._filters(granularity="month"))
        summary = workbook.worksheets[0]
        header, rows = self._table(summary)
        groups = (
            self.env["cs.consumption"]
            .with_user(staff)
            ._read_group(
                [
                    ("consumption_date", ">=", datetime(2031, 3, 1)),
                    ("consumption_date", "<", datetime(2031, 5, 1)),
                ],
                ["consumption_date:month", "department_id"],
                ["amount_total:sum"],
            )
        )
        expected = {(month.date(), dept.name): amount for month, dept, amount in groups}
        found = {}
        for row in rows[:-1] if rows and rows[-1][0] == "Total" else rows:
            for col, name in enumerate(header[1:-2], start=1):
                if row[col]:
                    found[row[0].date(), name] = row[col]
        self.assertEqual(found, expected)
        self.assertAlmostEqual(found[date(2031, 3, 1), self.fnb.name], 241.0)
        # Totals per period and the count of consumptions.
        march = next(row for row in rows if row[0] and row[0] == datetime(2031, 3, 1))
        self.assertAlmostEqual(march[-2], sum(v for (m, _d), v in expected.items() if m.month == 3))
        self.assertEqual(
            march[-1], len(self._orm(staff, []).filtered(lambda c: c.consumption_date.month == 3))
        )
        self.assertEqual(summary.cell(6, 1).number_format, "yyyy-mm")
        self.assertIn(self.env.company.currency_id.symbol, summary.cell(6, 2).number_format)
        self.assertEqual(len(summary._charts), 1)

    def test_details_list_every_consumption(self):
        staff = self.users["staff"]
        workbook = self._render(SUMMARY, staff, data=self._filters(department_ids=[self.fnb.id]))
        details = workbook.worksheets[1]
        _header, rows = self._table(details)
        total = rows.pop() if rows and rows[-1][0] == "Total" else None
        expected = self._orm(staff, [("department_id", "=", self.fnb.id)])
        self.assertEqual(sorted(r[0] for r in rows), sorted(expected.mapped("name")))
        by_name = {row[0]: row for row in rows}
        row = by_name[self.march_fnb.name]
        self.assertEqual(row[1], datetime(2031, 3, 5, 12))
        self.assertEqual(row[2], self.fnb.name)
        self.assertEqual(row[4], 1)
        self.assertAlmostEqual(row[5], 241.0)
        self.assertNotIn(self.march_front.name, by_name)
        self.assertNotIn(self.outside.name, by_name)
        self.assertIsNotNone(total)
        self.assertIn("Departments: " + self.fnb.name, details["A2"].value)

    def test_finance_and_selection(self):
        finance = self.users["finance"]
        picked = self.march_front | self.outside
        workbook = self._render(SUMMARY, finance, docids=picked.ids)
        _header, rows = self._table(workbook.worksheets[1])
        names = [row[0] for row in rows if row[0] != "Total"]
        self.assertEqual(sorted(names), sorted(picked.mapped("name")))
        self.assertEqual(workbook.worksheets[1]["A2"].value, "No filter")

    def test_liaison_may_not_run_it(self):
        from odoo.exceptions import UserError

        with self.assertRaises(UserError):
            self._render(SUMMARY, self.users["liaison"], data=self._filters())
