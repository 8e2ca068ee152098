from odoo import fields, models
from odoo.tools import html2plaintext

from .cs_contact_log import CHANNELS


class MailActivity(models.Model):
    _inherit = "mail.activity"

    # The plan that scheduled this contact or visit (R7): lets the plan extend
    # its schedule without duplicates, and drop it when closed early.
    retention_plan_id = fields.Many2one(
        "cs.retention.plan",
        readonly=True,
        index="btree_not_null",
        ondelete="cascade",
    )
    cs_channel = fields.Selection(CHANNELS, string="Contact Channel", readonly=True)

    def _action_done(self, feedback=False, attachment_ids=None):
        # R7: every contact a plan scheduled leaves a contact record once done.
        # Read before the activities are archived; written after, as the user.
        log_vals = self._cs_contact_log_vals(feedback)
        result = super()._action_done(feedback=feedback, attachment_ids=attachment_ids)
        if log_vals:
            self.env["cs.contact.log"].sudo().create(log_vals)
        return result

    def _cs_contact_log_vals(self, feedback):
        planned = self.sudo().filtered(
            lambda a: a.active and a.retention_plan_id and a.res_model == "cs.guest.archive"
        )
        if not planned:
            return []
        archives = self.env["cs.guest.archive"].sudo().browse(planned.mapped("res_id")).exists()
        by_id = {archive.id: archive for archive in archives}
        text = html2plaintext(feedback) if feedback else False
        return [
            {
                "partner_id": by_id[activity.res_id].partner_id.id,
                "company_id": by_id[activity.res_id].company_id.id,
                "contact_type": "regular",
                "channel": activity.cs_channel or "phone",
                "user_id": self.env.uid,
                "feedback": text,
            }
            for activity in planned
            if activity.res_id in by_id
        ]
