from odoo import fields, models


class ResUsers(models.Model):
    _inherit = "res.users"

    cs_digest_sent_until = fields.Date(
        string="Digest Sent Until",
        readonly=True,
        copy=False,
        groups="base.group_system",
        help="The last day of the last weekly digest mailed to this leader.",
    )
