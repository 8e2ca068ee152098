from odoo import fields, models


class AccountMove(models.Model):
    _inherit = "account.move"

    cs_compensation_id = fields.Many2one(
        "cs.compensation",
        string="Compensation",
        readonly=True,
        copy=False,
        index="btree_not_null",
        ondelete="restrict",
        help="The guest compensation this entry books (R5, R11).",
    )
