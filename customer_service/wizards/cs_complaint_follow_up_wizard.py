from odoo import api, fields, models

from ..models.cs_contact_log import CHANNELS, SATISFACTION


class CsComplaintFollowUpWizard(models.TransientModel):
    """Record the follow-up call of a complaint (R14.6) in one step.

    It writes a ``complaint_follow_up`` contact record for the guest, links it
    to the complaint and moves the complaint to "followed up".
    """

    _name = "cs.complaint.follow.up.wizard"
    _description = "Complaint Follow-up Call"

    complaint_id = fields.Many2one("cs.complaint", required=True, ondelete="cascade")
    partner_id = fields.Many2one(related="complaint_id.partner_id")
    channel = fields.Selection(CHANNELS, required=True, default="phone")
    contact_date = fields.Datetime(string="Date", required=True, default=fields.Datetime.now)
    satisfaction = fields.Selection(SATISFACTION, required=True)
    feedback = fields.Text(required=True, help="What the guest said, in their words.")

    @api.model_create_multi
    def create(self, vals_list):
        wizards = super().create(vals_list)
        wizards.complaint_id._check_step("customer_service.group_cs_user", ("implementing",))
        return wizards

    def action_confirm(self):
        self.ensure_one()
        complaint = self.complaint_id
        complaint._check_step("customer_service.group_cs_user", ("implementing",))
        log = self.env["cs.contact.log"].create(
            {
                "partner_id": complaint.partner_id.id,
                "company_id": complaint.company_id.id,
                "contact_type": "complaint_follow_up",
                "channel": self.channel,
                "contact_date": self.contact_date,
                "outcome": "reached",
                "satisfaction": self.satisfaction,
                "feedback": self.feedback,
            }
        )
        complaint.follow_up_log_id = log
        complaint.action_follow_up()
        return {"type": "ir.actions.act_window_close"}
