from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools.sql import create_index


class ResPartner(models.Model):
    _inherit = "res.partner"

    # Counted through the user's own rights: it says only whether the user may
    # open an archive, never anything the archive holds.
    cs_archive_count = fields.Integer(string="Guest Archives", compute="_compute_cs_archive_count")
    cs_loyalty_points = fields.Float(
        string="Returning Guest Points",
        compute="_compute_cs_loyalty_points",
        help="The balance of the guest's returning-guest points card.",
    )

    def init(self):
        # Mail finds a guest by email (complaints by email, rating requests, a
        # call logged): without an index each lookup reads every partner of
        # the group. Made here rather than by redefining mail's field, which
        # would take over its translations. Odoo's own name for such an index.
        res = super().init()
        create_index(
            self.env.cr,
            "res_partner__email_normalized_index",
            self._table,
            ['"email_normalized"'],
        )
        return res

    @api.depends_context("uid", "allowed_company_ids")
    def _compute_cs_archive_count(self):
        Archive = self.env["cs.guest.archive"]
        if not Archive.has_access("read"):
            self.cs_archive_count = 0
            return
        counts = dict(
            Archive._read_group([("partner_id", "in", self.ids)], ["partner_id"], ["__count"])
        )
        for partner in self:
            partner.cs_archive_count = counts.get(partner, 0)

    def _compute_cs_loyalty_points(self):
        # The balance is shown to whoever sees the guest: read the cards as
        # superuser, but only the returning-guest program's.
        program = self.env.ref(
            "customer_service.loyalty_program_returning_guest", raise_if_not_found=False
        )
        balances = {}
        if program and self.ids:
            balances = dict(
                self.env["loyalty.card"]
                .sudo()
                ._read_group(
                    [
                        ("program_id", "=", program.id),
                        ("partner_id", "in", self.commercial_partner_id.ids),
                    ],
                    ["partner_id"],
                    ["points:sum"],
                )
            )
        for partner in self:
            partner.cs_loyalty_points = balances.get(partner.commercial_partner_id, 0.0)

    def action_open_cs_archive(self):
        self.ensure_one()
        archive = self.env["cs.guest.archive"].search([("partner_id", "=", self.id)], limit=1)
        action = {
            "type": "ir.actions.act_window",
            "res_model": "cs.guest.archive",
            "view_mode": "form",
            "context": {
                "default_partner_id": self.id,
                "default_guest_type": "corporate" if self.is_company else "individual",
            },
        }
        if archive:
            action["res_id"] = archive.id
        return action

    def _cs_check_company(self, company):
        """Refuse a guest of another company, with a message that names both.

        ``check_company`` refuses it too, but later and in general words.
        """
        for partner in self:
            if partner.company_id and partner.company_id != company:
                raise ValidationError(
                    self.env._(
                        "The guest %(guest)s belongs to the company %(company)s, "
                        "not to %(record_company)s.",
                        guest=partner.display_name,
                        company=partner.company_id.name,
                        record_company=company.name,
                    )
                )
