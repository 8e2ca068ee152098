from datetime import datetime, timedelta

from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .common import ReportsCase

STATISTICS = "customer_service_reports.cs_complaint_statistics_report"
# Far from the demo complaints, and past: every deadline is behind us.
PERIOD = {"date_from": "2025-03-01", "date_to": "2025-04-30"}
MARCH = datetime(2025, 3, 1)
APRIL = datetime(2025, 4, 1)
# Columns of the Statistics sheet.
MONTH, CATEGORY, DEPARTMENT, SEVERITY = range(4)
COUNT, INVALID, CLOSED, ANSWERED, MET, MISSED, PENDING, RATE, HOURS, CLOSE_HOURS = range(4, 14)


class ComplaintStatisticsCase(ReportsCase):
    """Complaints in March and April 2025, with every SLA outcome."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Category = cls.env["cs.complaint.category"]
        cls.noise = Category.create({"name": "CSREP Noise", "sequence": 1})
        cls.billing = Category.create({"name": "CSREP Billing", "sequence": 2})
        cls.guest = cls.env["res.partner"].create({"name": "CSREP Complaining Guest"})
        staff, staff2 = cls.users["staff"], cls.users["staff2"]
        # Answered in 24 hours: met.
        cls.met = cls._complain(datetime(2025, 3, 5, 10), cls.noise, cls.fnb)
        cls._judge(cls.met, datetime(2025, 3, 6, 10))
        # Answered in 72 hours: missed.
        cls.late = cls._complain(datetime(2025, 3, 10, 10), cls.noise, cls.fnb, severity="major")
        cls._judge(cls.late, datetime(2025, 3, 13, 10))
        # Judged invalid (closed with a reply) in 6 hours: met.
        cls.invalid = cls._complain(datetime(2025, 3, 20, 10), cls.billing, cls.front)
        cls._judge(cls.invalid, datetime(2025, 3, 20, 16), valid=False)
        # Never answered, the deadline long past: missed.
        cls.unanswered = cls._complain(datetime(2025, 4, 2, 10), cls.billing)
        # Another handler, no category.
        cls.other = cls._complain(datetime(2025, 4, 15, 10), user=staff2, department=cls.fnb)
        # The first minute after the period (UTC users).
        cls.after = cls._complain(datetime(2025, 5, 1, 0, 1), cls.noise, cls.fnb)
        cls.staff_filter = {"user_ids": [staff.id]}

    @classmethod
    def _complain(cls, when, category=None, department=None, user=None, **vals):
        return (
            cls.env["cs.complaint"]
            .with_user(user or cls.users["staff"])
            .create(
                {
                    "partner_id": cls.guest.id,
                    "description": "<p>CSREP complaint</p>",
                    "complaint_date": when,
                    "category_id": category and category.id,
                    "department_id": department and department.id,
                    **vals,
                }
            )
        )

    @classmethod
    def _judge(cls, complaint, when, valid=True):
        with freeze_time(when):
            complaint = complaint.with_user(complaint.user_id)
            if valid:
                complaint.action_judge_valid()
            else:
                complaint.judgement_note = "Not our hotel"
                complaint.action_judge_invalid()

    def _statistics(self, user=None, **filters):
        data = {"filters": {**PERIOD, **filters}}
        return self._render(STATISTICS, user or self.users["manager"], data=data)

    def _orm_figures(self, domain):
        """The figures of one row, as the complaints themselves say."""
        complaints = self.env["cs.complaint"].with_user(self.users["manager"]).search(domain)
        answered = complaints.filtered("first_response_date")
        met = answered.filtered(lambda c: not c.response_late)
        missed = self.env["cs.complaint"].search_count([*domain, ("sla_status", "in", ["overdue"])])
        hours = [
            (c.first_response_date - c.complaint_date).total_seconds() / 3600 for c in answered
        ]
        return {
            COUNT: len(complaints),
            INVALID: len(complaints.filtered(lambda c: c.state == "invalid")),
            CLOSED: len(complaints.filtered(lambda c: c.state in ("closed", "invalid"))),
            ANSWERED: len(answered),
            MET: len(met),
            MISSED: missed,
            PENDING: len(complaints) - len(met) - missed,
            HOURS: sum(hours) / len(hours) if hours else None,
        }

    @staticmethod
    def _month_domain(month):
        end = (month + timedelta(days=32)).replace(day=1)
        return [("complaint_date", ">=", month), ("complaint_date", "<", end)]


@tagged("post_install", "-at_install")
class TestComplaintStatistics(ComplaintStatisticsCase):
    """R14.7: monthly complaint statistics in XLSX."""

    def test_breakdown_per_month_category_department_severity(self):
        sheet = self._statistics(**self.staff_filter).worksheets[0]
        self.assertEqual(sheet["A1"].value, "Complaint Statistics per Month")
        self.assertIn("2025-03-01", sheet["A2"].value)
        self.assertIn(self.users["staff"].name, sheet["A2"].value)
        header, rows = self._table(sheet)
        self.assertEqual(header[:4], ("Month", "Category", "Responsible Department", "Severity"))
        self.assertEqual(header[HOURS], "Average Hours to First Response")
        keys = [row[:4] for row in rows]
        self.assertEqual(
            keys,
            [
                (MARCH, "CSREP Noise", self.fnb.name, "Major"),
                (MARCH, "CSREP Noise", self.fnb.name, "Normal"),
                (MARCH, "CSREP Billing", self.front.name, "Normal"),
                (APRIL, "CSREP Billing", "Not yet known", "Normal"),
            ],
        )
        groups = [
            (MARCH, self.noise, self.fnb, "major"),
            (MARCH, self.noise, self.fnb, "normal"),
            (MARCH, self.billing, self.front, "normal"),
            (APRIL, self.billing, False, "normal"),
        ]
        for row, (month, category, department, severity) in zip(rows, groups, strict=True):
            domain = [
                *self._month_domain(month),
                ("category_id", "=", category.id),
                ("department_id", "=", department and department.id),
                ("severity", "=", severity),
                ("user_id", "=", self.users["staff"].id),
            ]
            expected = self._orm_figures(domain)
            with self.subTest(row=row[:4]):
                for col, value in expected.items():
                    if col == HOURS and value is not None:
                        self.assertAlmostEqual(row[col], value, places=6)
                    else:
                        self.assertEqual(row[col], value, header[col])
        # The same, by hand: the ORM above could be wrong the same way.
        self.assertEqual([row[HOURS] for row in rows], [72.0, 24.0, 6.0, None])
        self.assertEqual([row[MET] for row in rows], [0, 1, 1, 0])
        self.assertEqual([row[MISSED] for row in rows], [1, 0, 0, 1])
        self.assertEqual([row[RATE] for row in rows], [0.0, 1.0, 1.0, 0.0])
        self.assertEqual(rows[2][INVALID], 1)
        self.assertEqual(rows[2][CLOSED], 1)
        self.assertEqual(rows[2][CLOSE_HOURS], 6.0)
        self.assertIsNone(rows[0][CLOSE_HOURS])
        self.assertEqual(rows[3][ANSWERED], 0)
        # Typed cells, a frozen header and an autofilter over every row.
        self.assertEqual(sheet.cell(6, 1).number_format, "yyyy-mm")
        self.assertEqual(sheet.cell(6, RATE + 1).number_format, "0.0%")
        self.assertEqual(sheet.freeze_panes, "A6")
        self.assertEqual(sheet.auto_filter.ref, "A5:N9")

    def test_per_month_sheet_totals_and_charts(self):
        workbook = self._statistics(**self.staff_filter)
        sheet = workbook.worksheets[1]
        header, rows = self._table(sheet)
        self.assertEqual(rows[-1][0], "Total")
        rows = rows[:-1]
        self.assertEqual(header[:3], ("Month", "CSREP Noise", "CSREP Billing"))
        self.assertEqual([row[0] for row in rows], [MARCH, APRIL])
        staff = [("user_id", "=", self.users["staff"].id)]
        for row, month in zip(rows[:2], (MARCH, APRIL), strict=True):
            by_category = dict(
                self.env["cs.complaint"]._read_group(
                    [*self._month_domain(month), *staff], ["category_id"], ["__count"]
                )
            )
            self.assertEqual(row[1], by_category.get(self.noise, 0))
            self.assertEqual(row[2], by_category.get(self.billing, 0))
            self.assertEqual(row[3], sum(by_category.values()))
        self.assertEqual([row[1:4] for row in rows], [(2, 1, 3), (0, 1, 1)])
        # The total row: sums of the months, the period's own rate and average.
        total = [cell.value for cell in sheet[8]]
        self.assertEqual(total[0], "Total")
        self.assertEqual(total[1], "=SUM(B6:B7)")
        period = self._orm_figures(
            [("complaint_date", ">=", MARCH), ("complaint_date", "<", datetime(2025, 5, 1)), *staff]
        )
        rate_col, hours_col = 1 + 2 + RATE - COUNT, 1 + 2 + HOURS - COUNT
        self.assertAlmostEqual(total[rate_col], period[MET] / (period[MET] + period[MISSED]))
        self.assertAlmostEqual(total[rate_col], 0.5)
        self.assertAlmostEqual(total[hours_col], 34.0)
        self.assertEqual(len(sheet._charts), 2)
        self.assertEqual(sheet.auto_filter.ref, "A5:M7")

    def test_filters(self):
        # Departments: only the front office's complaint.
        _header, rows = self._table(self._statistics(department_ids=[self.front.id]).worksheets[0])
        self.assertEqual([row[:3] for row in rows], [(MARCH, "CSREP Billing", self.front.name)])
        # Staff: the complaint another handler answers for; no category of its own.
        workbook = self._statistics(user_ids=[self.users["staff2"].id])
        _header, rows = self._table(workbook.worksheets[0])
        self.assertEqual(len(rows), 1)
        self.assertEqual(rows[0][CATEGORY], "Uncategorised")
        self.assertEqual(rows[0][PENDING] + rows[0][MISSED], 1)
        header, _rows = self._table(workbook.worksheets[1])
        self.assertEqual(header[1], "Uncategorised")
        # No staff filter: every handler, the period's bounds held.
        _header, rows = self._table(self._statistics().worksheets[0])
        counted = sum(row[COUNT] for row in rows)
        self.assertEqual(
            counted,
            self.env["cs.complaint"].search_count(
                [("complaint_date", ">=", MARCH), ("complaint_date", "<", datetime(2025, 5, 1))]
            ),
        )
        self.assertEqual(counted, 5)

    def test_selection_from_the_list_needs_no_period(self):
        workbook = self._render(
            STATISTICS, self.users["staff"], docids=(self.met | self.unanswered).ids
        )
        _header, rows = self._table(workbook.worksheets[0])
        self.assertEqual([(row[MONTH], row[COUNT]) for row in rows], [(MARCH, 1), (APRIL, 1)])

    def test_bad_period(self):
        manager = self.users["manager"]
        with self.assertRaisesRegex(UserError, "before it starts"):
            self._render(
                STATISTICS,
                manager,
                data={"filters": {"date_from": "2025-04-30", "date_to": "2025-03-01"}},
            )
        with self.assertRaisesRegex(UserError, "first and the last day"):
            self._render(STATISTICS, manager, data={"filters": {"date_from": "2025-03-01"}})
        with self.assertRaisesRegex(UserError, "not valid dates"):
            self._render(STATISTICS, manager, data={"filters": {"date_from": "2025-02-30"}})
        Wizard = self.env["cs.report.wizard"].with_user(manager)
        with self.assertRaisesRegex(ValidationError, "before it starts"):
            Wizard.create(
                {
                    "report": "complaint_statistics",
                    "date_from": "2025-04-30",
                    "date_to": "2025-03-01",
                }
            )
        wizard = Wizard.create({"report": "complaint_statistics", "date_from": False})
        with self.assertRaisesRegex(UserError, "first and the last day"):
            wizard.action_print()

    def test_wizard_runs_the_report(self):
        wizard = (
            self.env["cs.report.wizard"]
            .with_user(self.users["manager"])
            .create(
                {
                    "report": "complaint_statistics",
                    "date_from": "2025-03-01",
                    "date_to": "2025-03-31",
                    "user_ids": [self.users["staff"].id],
                }
            )
        )
        action = wizard.action_print()
        self.assertEqual(action["report_name"], "customer_service_reports.complaint_statistics")
        self.assertEqual(action["report_type"], "xlsx")
        workbook = self._render(STATISTICS, self.users["manager"], data=action["data"])
        _header, rows = self._table(workbook.worksheets[0])
        self.assertEqual(sum(row[COUNT] for row in rows), 3)

    def test_only_cs_staff_run_it(self):
        for role in ("finance", "liaison", "internal"):
            with self.subTest(role=role), self.assertRaises(UserError):
                self._statistics(user=self.users[role])
        wizard = (
            self.env["cs.report.wizard"]
            .with_user(self.users["finance"])
            .create({"report": "complaint_statistics", "date_from": "2025-03-01"})
        )
        with self.assertRaisesRegex(UserError, "may not run this report"):
            wizard.action_print()


@tagged("post_install", "-at_install")
class TestComplaintAnalysis(ComplaintStatisticsCase):
    """The SQL view: its totals are the ORM's, and it hides what the ORM hides."""

    def test_totals_equal_the_orm(self):
        staff = self.users["staff"]
        period = [
            ("complaint_date", ">=", MARCH),
            ("complaint_date", "<", datetime(2025, 5, 1)),
        ]
        self.env.flush_all()
        Analysis = self.env["cs.complaint.analysis"].with_user(staff)
        Complaint = self.env["cs.complaint"].with_user(staff)
        [(count, met, missed, pending, invalid, hours)] = Analysis._read_group(
            period,
            [],
            [
                "__count",
                "sla_met_count:sum",
                "sla_missed_count:sum",
                "sla_pending_count:sum",
                "invalid_count:sum",
                "response_hours:avg",
            ],
        )
        self.assertEqual(count, Complaint.search_count(period))
        self.assertEqual(
            met,
            Complaint.search_count(
                [*period, ("first_response_date", "!=", False), ("response_late", "=", False)]
            ),
        )
        self.assertEqual(
            missed, Complaint.search_count([*period, ("sla_status", "in", ["overdue"])])
        )
        self.assertEqual(count, met + missed + pending)
        self.assertEqual(invalid, Complaint.search_count([*period, ("state", "=", "invalid")]))
        self.assertAlmostEqual(hours, 34.0)
        # Per category, as the pivot shows it.
        by_category = dict(Analysis._read_group(period, ["category_id"], ["__count"]))
        self.assertEqual(
            by_category, dict(Complaint._read_group(period, ["category_id"], ["__count"]))
        )
        row = Analysis.search([("complaint_id", "=", self.late.id)])
        self.assertEqual(row.sla_outcome, "missed")
        self.assertEqual(row.response_hours, 72.0)
        self.assertEqual(row.severity, "major")
        self.assertEqual(Analysis.search([("complaint_id", "=", self.met.id)]).sla_outcome, "met")

    def test_awaiting_response_until_the_deadline(self):
        fresh = self._complain(fields.Datetime.now() - timedelta(hours=1), self.noise)
        self.env.flush_all()
        row = self.env["cs.complaint.analysis"].search([("complaint_id", "=", fresh.id)])
        self.assertEqual(row.sla_outcome, "pending")
        self.assertEqual(fresh.sla_status, "on_time")
        self.assertEqual(
            (row.sla_met_count, row.sla_missed_count, row.sla_pending_count), (0, 0, 1)
        )

    def test_visibility(self):
        other_company = self.env["res.company"].create({"name": "CSREP Other Hotel"})
        foreign = (
            self.env["cs.complaint"]
            .with_company(other_company)
            .create(
                {
                    "partner_id": self.guest.id,
                    "description": "<p>Elsewhere</p>",
                    "complaint_date": datetime(2025, 3, 8, 10),
                    "company_id": other_company.id,
                    "category_id": self.noise.id,
                    "user_id": self.users["staff"].id,
                }
            )
        )
        self.env.flush_all()
        Analysis = self.env["cs.complaint.analysis"]
        self.assertTrue(Analysis.search([("complaint_id", "=", foreign.id)]))
        staff_rows = Analysis.with_user(self.users["manager"]).search(
            [("complaint_id", "in", (foreign | self.met).ids)]
        )
        self.assertEqual(staff_rows.complaint_id, self.met)
        # Nor in the XLSX file, which reads the same view.
        _header, rows = self._table(self._statistics(**self.staff_filter).worksheets[0])
        self.assertEqual(sum(row[COUNT] for row in rows if row[MONTH] == MARCH), 3)
        for role in ("finance", "liaison", "internal"):
            with self.subTest(role=role), self.assertRaises(AccessError):
                Analysis.with_user(self.users[role]).search([])

    def test_menu_for_managers(self):
        menu = self.env.ref("customer_service_reports.cs_complaint_analysis_menu")
        Menu = self.env["ir.ui.menu"]
        self.assertIn(menu.id, Menu.with_user(self.users["manager"])._visible_menu_ids())
        # Under Reporting, which CS staff do not see.
        self.assertEqual(menu.parent_id, self.env.ref("customer_service_reports.cs_reporting_menu"))
        self.assertNotIn(menu.parent_id.id, Menu.with_user(self.users["staff"])._visible_menu_ids())
        action = self.env.ref("customer_service_reports.cs_complaint_analysis_action")
        self.assertEqual(action.view_mode, "pivot,graph,list")
