from odoo import api, fields, models
from odoo.tools import SQL

from .cs_guest_archive import VIP_LEVELS


class CsServiceCard(models.Model):
    """What a department needs to serve a guest, and nothing more (R1, R12).

    Liaisons cannot read guest archives. The service card shows them the
    guest's name and VIP level, and the preferences of their own departments
    (the preference rules decide which lines), so that they can serve the
    guest and add what they notice. It is a read-only view of the archive
    table: no level, no owner, no personal content.
    """

    _name = "cs.service.card"
    _description = "Guest Service Card"
    _auto = False
    _order = "name"
    _check_company_auto = True
    # Flush these archive fields before reading the view.
    _depends = {
        "cs.guest.archive": ["partner_id", "name", "vip_level", "company_id", "active", "destroyed"]
    }

    partner_id = fields.Many2one("res.partner", string="Guest", readonly=True)
    name = fields.Char(readonly=True)
    vip_level = fields.Selection(
        VIP_LEVELS,
        string="VIP Level",
        readonly=True,
    )
    company_id = fields.Many2one("res.company", readonly=True)
    preference_ids = fields.One2many(
        "cs.guest.preference", compute="_compute_preference_ids", string="Preferences"
    )

    @property
    def _table_query(self):
        return SQL(
            """SELECT a.id, a.partner_id, a.name, a.vip_level, a.company_id
                 FROM cs_guest_archive a
                WHERE a.active AND NOT COALESCE(a.destroyed, FALSE)"""
        )

    @api.depends_context("uid")
    def _compute_preference_ids(self):
        # Read with the user's own rights: liaisons get their departments' lines.
        preferences = self.env["cs.guest.preference"].search(
            [("partner_id", "in", self.partner_id.ids)]
        )
        for card in self:
            card.preference_ids = preferences.filtered(
                lambda p, card=card: (
                    p.partner_id == card.partner_id and p.company_id == card.company_id
                )
            )

    def action_add_preference(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "cs.guest.preference",
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_partner_id": self.partner_id.id,
                "default_company_id": self.company_id.id,
            },
        }
