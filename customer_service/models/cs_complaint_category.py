from odoo import fields, models


class CsComplaintCategory(models.Model):
    """What a complaint is about, for the monthly statistics (R14)."""

    _name = "cs.complaint.category"
    _description = "Complaint Category"
    _order = "sequence, name"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
