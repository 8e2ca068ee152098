from odoo import api, fields, models

PREFERENCE_CATEGORIES = [
    ("room", "Room"),
    ("food", "Food"),
    ("beverage", "Beverage"),
    ("recreation", "Recreation"),
    ("service", "Service"),
    ("other", "Other"),
]


class CsGuestPreference(models.Model):
    """A preference or habit that a department noticed (R1).

    Department liaisons record these against a partner, without reading the
    guest's archive; the line joins the archive of that partner and company.
    """

    _name = "cs.guest.preference"
    _description = "Guest Preference"
    _order = "reported_date desc, id desc"
    _inherit = ["cs.archive.content.mixin"]
    _check_company_auto = True

    partner_id = fields.Many2one(
        "res.partner", string="Guest", required=True, ondelete="cascade", index=True
    )
    archive_id = fields.Many2one(
        "cs.guest.archive", ondelete="cascade", index=True, readonly=True, copy=False
    )
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    department_id = fields.Many2one(
        "cs.service.department",
        required=True,
        ondelete="restrict",
        index=True,
        default=lambda self: self._default_department_id(),
    )
    category = fields.Selection(PREFERENCE_CATEGORIES, required=True, default="other")
    name = fields.Text(string="Preference", required=True)
    reported_by_id = fields.Many2one(
        "res.users",
        required=True,
        readonly=True,
        default=lambda self: self.env.user,
        ondelete="restrict",
    )
    reported_date = fields.Datetime(required=True, default=fields.Datetime.now, readonly=True)

    def _default_department_id(self):
        return self.env["cs.service.department"].search(
            [("member_ids", "in", self.env.uid)], limit=1
        )

    @api.model_create_multi
    def create(self, vals_list):
        preferences = super().create(vals_list)
        preferences._link_archives()
        return preferences

    def _link_archives(self):
        """Attach each line to its guest's archive, which the reporter may not read."""
        unlinked = self.filtered(lambda p: not p.archive_id)
        if not unlinked:
            return
        archives = (
            self.env["cs.guest.archive"]
            .sudo()
            .with_context(active_test=False)
            .search(
                [
                    ("partner_id", "in", unlinked.partner_id.ids),
                    ("company_id", "in", unlinked.company_id.ids),
                ]
            )
        )
        by_key = {(a.partner_id.id, a.company_id.id): a for a in archives}
        # One write per archive, not per line.
        for archive, prefs in unlinked.grouped(
            lambda p: by_key.get((p.partner_id.id, p.company_id.id))
        ).items():
            if archive:
                prefs.sudo().archive_id = archive
