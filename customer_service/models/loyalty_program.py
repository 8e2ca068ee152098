from odoo import fields, models


class LoyaltyProgram(models.Model):
    _inherit = "loyalty.program"

    cs_one_card_per_partner = fields.Boolean(
        string="One Card per Guest",
        help="Each guest holds at most one card of this program: a unique index "
        "keeps two first earnings at the same instant from opening two cards.",
    )
