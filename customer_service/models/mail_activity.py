from odoo import fields, models


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
