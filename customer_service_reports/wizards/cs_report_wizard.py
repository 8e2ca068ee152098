from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

# Which report action each choice runs. A new report adds a selection value
# (selection_add) and its action here, by overriding _report_actions.
REPORT_ACTIONS = {
    "archive_register": "customer_service_reports.cs_guest_archive_register_report",
    "complaint_statistics": "customer_service_reports.cs_complaint_statistics_report",
    "callback_kpi": "customer_service_reports.cs_callback_kpi_report",
    "compensation_ledger": "customer_service_reports.cs_compensation_ledger_report",
    "points_liability": "customer_service_reports.cs_points_liability_report",
    "collections_reconciliation": "customer_service_reports.cs_collections_reconciliation_report",
    "consumption_summary": "customer_service_reports.cs_consumption_summary_report",
}


class CsReportWizard(models.TransientModel):
    """Pick a report and its filters, then download the XLSX file."""

    _name = "cs.report.wizard"
    _description = "Customer Service Report"

    report = fields.Selection(
        [
            ("archive_register", "Guest Archive Register"),
            ("complaint_statistics", "Complaint Statistics"),
            ("callback_kpi", "Callback and Contact KPIs"),
            ("compensation_ledger", "Compensation Ledger"),
            ("points_liability", "Points Liability"),
            ("collections_reconciliation", "Collections Reconciliation"),
            ("consumption_summary", "Consumption Summary"),
        ],
        required=True,
        default="consumption_summary",
    )
    date_from = fields.Date(
        string="From", default=lambda self: fields.Date.context_today(self).replace(day=1)
    )
    date_to = fields.Date(string="To", default=lambda self: fields.Date.context_today(self))
    department_ids = fields.Many2many("cs.service.department", string="Departments")
    user_ids = fields.Many2many(
        "res.users",
        string="Staff",
        domain=[("share", "=", False)],
        help="Whose work the report covers: archive owners in the register, handlers of "
        "complaints, signers of compensation, collectors of collection tasks, callback "
        "owners and contact authors in the KPIs.",
    )
    confidentiality_level = fields.Selection(
        [
            ("secret", "Secret"),
            ("confidential", "Confidential"),
            ("top_secret", "Top Secret"),
        ]
    )
    granularity = fields.Selection(
        [
            ("day", "Day"),
            ("week", "Week"),
            ("month", "Month"),
            ("quarter", "Quarter"),
            ("year", "Year"),
        ],
        string="Group By",
        default="month",
        required=True,
    )

    @api.constrains("date_from", "date_to")
    def _check_period(self):
        for wizard in self:
            if wizard.date_from and wizard.date_to and wizard.date_to < wizard.date_from:
                raise ValidationError(
                    self.env._(
                        "The period ends on %(date_to)s, before it starts on %(date_from)s.",
                        date_to=wizard.date_to,
                        date_from=wizard.date_from,
                    )
                )

    def action_print(self):
        """Check the filters and run the chosen report as the current user."""
        self.ensure_one()
        self.env["report.customer_service_reports.xlsx_base"]._cs_check_period(
            self.date_from, self.date_to, required=True
        )
        xmlid = self._report_actions().get(self.report)
        if not xmlid:
            raise UserError(self.env._("Choose a report."))
        action = self.env.ref(xmlid)
        self.env[f"report.{action.report_name}"]._cs_check_access()
        return action.report_action([], data={"filters": self._report_filters()}, config=False)

    def _report_actions(self):
        return dict(REPORT_ACTIONS)

    def _report_filters(self):
        return {
            "date_from": fields.Date.to_string(self.date_from),
            "date_to": fields.Date.to_string(self.date_to),
            "department_ids": self.department_ids.ids,
            "user_ids": self.user_ids.ids,
            "confidentiality_level": self.confidentiality_level or False,
            "granularity": self.granularity,
        }
