import io
from datetime import datetime

from openpyxl import load_workbook

from odoo import Command

from odoo.addons.account.tests.common import AccountTestInvoicingCommon
from odoo.addons.customer_service.tests.common import CustomerServiceCase
from odoo.addons.customer_service_reports.report.cs_report_xlsx_base import HEADER_ROW

REGISTER = "customer_service_reports.cs_guest_archive_register_report"
KPI = "customer_service_reports.cs_callback_kpi_report"
SUMMARY = "customer_service_reports.cs_consumption_summary_report"
# A period of its own, far from any demo data.
PERIOD = {"date_from": "2031-03-01", "date_to": "2031-04-30"}


class ReportsCase(CustomerServiceCase):
    """Renders reports through their actions and reads them back with openpyxl."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.fnb = cls.env.ref("customer_service.cs_service_department_fnb")
        cls.front = cls.env.ref("customer_service.cs_service_department_front_office")
        # A database made with --load-language may give new users Chinese:
        # these tests read English labels (one test switches to zh_CN).
        cls.env["res.users"].browse([u.id for u in cls.users.values()]).write(
            {"tz": "UTC", "lang": "en_US"}
        )

    @classmethod
    def _filters(cls, **values):
        return {"filters": {**PERIOD, **values}}

    def _render(self, report, user, docids=None, data=None):
        """The report's file, rendered as ``user`` through its report action."""
        content, extension = (
            self.env["ir.actions.report"].with_user(user)._render(report, docids or [], data or {})
        )
        self.assertEqual(extension, "xlsx")
        return load_workbook(io.BytesIO(content))

    @staticmethod
    def _table(sheet):
        """The header and the data rows of a report sheet (until the first empty row)."""
        rows = list(sheet.iter_rows(min_row=HEADER_ROW + 1, values_only=True))
        header, data = rows[0], []
        for row in rows[1:]:
            if row[0] is None:
                break
            data.append(row)
        return header, data

    @classmethod
    def _consume(cls, archive, when, amount=100.0, department=None, quantity=1):
        return cls.env["cs.consumption"].create(
            {
                "partner_id": archive.partner_id.id,
                "department_id": (department or cls.fnb).id,
                "consumption_date": when,
                "line_ids": [
                    Command.create({"name": "Dinner", "quantity": quantity, "price_unit": amount})
                ],
            }
        )

    @classmethod
    def _log(cls, archive, when, user, **vals):
        return cls.env["cs.contact.log"].create(
            {
                "partner_id": archive.partner_id.id,
                "contact_date": when,
                "user_id": user.id,
                **vals,
            }
        )


def as_date(value):
    return value.date() if isinstance(value, datetime) else value


def workbook_strings(workbook):
    """Every text cell of every sheet of a workbook."""
    return {
        value
        for sheet in workbook.worksheets
        for row in sheet.iter_rows(values_only=True)
        for value in row
        if isinstance(value, str)
    }


class ReportsAccountingCase(ReportsCase, AccountTestInvoicingCommon):
    """ReportsCase on a company with a chart of accounts, for reports that tie to accounting."""

    @classmethod
    def setup_independent_user(cls):
        # Stay superuser while the fixtures are built: the tests act through cls.users.
        return None

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.company_data["company"]
        cls.env["res.users"].browse([u.id for u in cls.users.values()]).write(
            {
                "company_id": cls.company.id,
                "company_ids": [Command.link(cls.company.id)],
            }
        )


def render_values(user, report, docids=None, data=None):
    """The report's file as ``user`` renders it, with formulas read as their values."""
    content, _extension = (
        user.env["ir.actions.report"].with_user(user)._render(report, docids or [], data or {})
    )
    return load_workbook(io.BytesIO(content), data_only=True)


def data_rows(sheet):
    """The data rows of a report sheet, without its total row."""
    return [row for row in ReportsCase._table(sheet)[1] if row[0] != "Total"]
