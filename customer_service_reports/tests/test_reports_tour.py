import io
from datetime import datetime, timedelta
from unittest.mock import patch

from openpyxl import load_workbook

from odoo import Command
from odoo.tests import HttpCase, tagged

from odoo.addons.customer_service_reports.report.cs_report_xlsx_base import HEADER_ROW


@tagged("post_install", "-at_install")
class TestReportsTour(HttpCase):
    """Real Chromium, as the demo users: a manager downloads the complaint
    statistics and uses the dashboard; finance opens Collections."""

    def test_manager_downloads_complaint_statistics(self):
        manager = self.env.ref("customer_service.user_cs_manager")
        category = self.env["cs.complaint.category"].create({"name": "CSREP Tour Noise"})
        guest = self.env["res.partner"].create({"name": "CSREP Tour Guest"})
        self.env["cs.complaint"].create(
            [
                {
                    "partner_id": guest.id,
                    "description": "<p>Noise at night</p>",
                    "complaint_date": datetime(2025, 3, day, 12),
                    "category_id": category.id,
                    "user_id": manager.id,
                }
                for day in (3, 17)
            ]
        )
        # The report model as the server runs it: record every file it makes.
        Report = type(self.env["report.customer_service_reports.complaint_statistics"])
        original = Report.create_xlsx_report
        files = []

        def create_xlsx_report(report, docids, data):
            result = original(report, docids, data)
            files.append((report.env.uid, data, result))
            return result

        with patch.object(Report, "create_xlsx_report", create_xlsx_report):
            self.start_tour(
                "/odoo",
                "customer_service_reports_complaint_statistics_tour",
                login=manager.login,
            )
        self.assertEqual(len(files), 1, "the browser downloaded the file once")
        uid, data, (content, extension) = files[0]
        self.assertEqual(uid, manager.id)
        self.assertEqual(extension, "xlsx")
        self.assertEqual(data["filters"]["date_from"], "2025-03-01")
        self.assertEqual(data["filters"]["date_to"], "2025-03-31")
        workbook = load_workbook(io.BytesIO(content))
        rows = list(workbook.worksheets[0].iter_rows(min_row=HEADER_ROW + 2, values_only=True))
        tour_rows = [row for row in rows if row[1] == category.name]
        self.assertEqual(len(tour_rows), 1)
        self.assertEqual(tour_rows[0][0], datetime(2025, 3, 1))
        self.assertEqual(
            tour_rows[0][4],
            self.env["cs.complaint"].search_count([("category_id", "=", category.id)]),
        )
        self.assertEqual(tour_rows[0][4], 2)

    def test_finance_opens_collections(self):
        finance = self.env.ref("customer_service.user_cs_finance")
        debtor = self.env["res.partner"].create({"name": "Tour Debtor 张三"})
        invoice = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": debtor.id,
                "invoice_date": "2025-01-01",
                "invoice_date_due": "2025-01-31",
                "invoice_payment_term_id": False,
                "invoice_line_ids": [
                    Command.create({"name": "Banquet", "price_unit": 1234.0, "tax_ids": []})
                ],
            }
        )
        invoice.action_post()
        receivable = invoice.line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
        )
        task = (
            self.env["cs.collection.task"]
            .sudo()
            .create(
                {
                    "partner_id": debtor.id,
                    "line_ids": [Command.set(receivable.ids)],
                    "amount_opened": 1234.0,
                }
            )
        )
        task.write({"promise_date": "2099-12-31", "promise_amount": 500.0})
        self.assertEqual(task.amount_due, 1234.0)
        self.assertEqual(task.state, "promised")
        self.start_tour(
            "/odoo", "customer_service_reports_finance_collections_tour", login=finance.login
        )

    def test_manager_lands_on_the_dashboard(self):
        manager = self.env.ref("customer_service.user_cs_manager")
        guest = self.env["res.partner"].create({"name": "CSREP Tour Dashboard Guest"})
        # Registered three days ago and never answered: past its first-response deadline.
        complaint = self.env["cs.complaint"].create(
            {
                "partner_id": guest.id,
                "description": "<p>No hot water</p>",
                "complaint_date": datetime.now() - timedelta(days=3),
                "user_id": manager.id,
            }
        )
        self.assertEqual(complaint.sla_status, "overdue")
        self.start_tour("/odoo", "customer_service_reports_dashboard_tour", login=manager.login)
