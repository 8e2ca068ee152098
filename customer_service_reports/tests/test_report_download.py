import io
import json
from urllib.parse import quote

from openpyxl import load_workbook

from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestReportDownload(HttpCase):
    """The wizard's action, downloaded as the web client does (report_xlsx's route)."""

    def test_wizard_file_downloads(self):
        manager = new_test_user(
            self.env,
            login="cs_rep_http_manager",
            password="cs_rep_http_manager",
            groups="customer_service.group_cs_manager",
            lang="en_US",
        )
        self.authenticate("cs_rep_http_manager", "cs_rep_http_manager")
        wizard = (
            self.env["cs.report.wizard"]
            .with_user(manager)
            .create({"date_from": "2031-03-01", "date_to": "2031-03-31"})
        )
        action = wizard.action_print()
        url = (
            f"/report/xlsx/{action['report_name']}"
            f"?options={quote(json.dumps(action['data']))}&context={quote(json.dumps({}))}"
        )
        response = self.url_open(url)
        self.assertEqual(response.status_code, 200)
        workbook = load_workbook(io.BytesIO(response.content))
        self.assertEqual(
            workbook.worksheets[0]["A1"].value, "Consumption Summary by Department and Period"
        )
        self.assertIn("2031-03-01", workbook.worksheets[0]["A2"].value)
