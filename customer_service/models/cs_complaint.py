from datetime import timedelta

from odoo import api, fields, models

from .cs_contact_log import CHANNELS

COMPLAINT_STATES = [
    ("registered", "Registered"),
    ("judged", "Judged"),
    ("investigating", "Investigating"),
    ("proposed", "Solutions Proposed"),
    ("approved", "Solution Approved"),
    ("implementing", "Implementing"),
    ("followed_up", "Followed Up"),
    ("closed", "Closed"),
    ("invalid", "Invalid"),
]


class CsComplaint(models.Model):
    """A guest complaint, through the hotel's seven steps (R3, R5, R14)."""

    _name = "cs.complaint"
    _description = "Guest Complaint"
    _order = "create_date desc, id desc"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _check_company_auto = True

    name = fields.Char(string="Reference", required=True, readonly=True, copy=False, default="/")
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Guest",
        required=True,
        index=True,
        ondelete="restrict",
        check_company=True,
        tracking=True,
    )
    description = fields.Html(required=True)
    channel = fields.Selection(CHANNELS, required=True, default="phone")
    severity = fields.Selection(
        [("normal", "Normal"), ("major", "Major")], required=True, default="normal", tracking=True
    )
    category_id = fields.Many2one("cs.complaint.category", ondelete="restrict", index=True)
    state = fields.Selection(
        COMPLAINT_STATES, required=True, default="registered", tracking=True, index=True
    )
    complaint_date = fields.Datetime(required=True, default=fields.Datetime.now)
    response_deadline = fields.Datetime(
        compute="_compute_response_deadline", store=True, readonly=False, index=True
    )
    contact_log_id = fields.Many2one(
        "cs.contact.log",
        string="Raised From",
        ondelete="set null",
        index="btree_not_null",
        help="The dissatisfied contact record the complaint came from.",
    )

    @api.depends("complaint_date")
    def _compute_response_deadline(self):
        param = self.env["ir.config_parameter"].sudo().get_param
        hours = int(param("customer_service.complaint_response_hours", 48) or 48)
        for complaint in self:
            date = complaint.complaint_date
            complaint.response_deadline = date and date + timedelta(hours=hours)

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("name", "/") == "/":
                vals["name"] = self.env["ir.sequence"].next_by_code("cs.complaint") or "/"
        return super().create(vals_list)
