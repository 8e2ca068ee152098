from odoo import fields, models


class CsGuestArchive(models.Model):
    # Kept apart from cs_guest_archive.py while that file is being changed
    # elsewhere; the balance itself lives on the partner.
    _inherit = "cs.guest.archive"

    loyalty_points = fields.Float(
        string="Returning Guest Points", related="partner_id.cs_loyalty_points"
    )
