from odoo import fields, models


class CsArchiveSpecialDate(models.Model):
    """A date that matters to the guest besides the birthday (R1, R16)."""

    _name = "cs.archive.special.date"
    _description = "Guest Special Date"
    _order = "date, id"
    _inherit = ["cs.archive.content.mixin"]

    archive_id = fields.Many2one("cs.guest.archive", required=True, ondelete="cascade", index=True)
    name = fields.Char(required=True, help="e.g. wedding anniversary, company founding day")
    date = fields.Date(required=True)
    is_lunar = fields.Boolean(
        string="Lunar Date", help="The date is kept by the Chinese lunar calendar."
    )
