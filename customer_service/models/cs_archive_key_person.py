from odoo import fields, models


class CsArchiveKeyPerson(models.Model):
    """Someone who matters in a corporate client's decisions (R1, R8)."""

    _name = "cs.archive.key.person"
    _description = "Corporate Key Person"
    _order = "sequence, id"
    _inherit = ["cs.archive.content.mixin"]

    archive_id = fields.Many2one("cs.guest.archive", required=True, ondelete="cascade", index=True)
    sequence = fields.Integer(default=10)
    name = fields.Char(required=True)
    position = fields.Char()
    decision_role = fields.Selection(
        [
            ("decision_maker", "Decision Maker"),
            ("influencer", "Influencer"),
            ("user", "User"),
            ("gatekeeper", "Gatekeeper"),
        ],
        string="Role in Purchase Decisions",
    )
    phone = fields.Char()
    email = fields.Char()
    active = fields.Boolean(default=True, help="Cleared when the person leaves the client.")
