from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..models.cs_guest_archive import CONFIDENTIALITY_LEVELS


class CsArchiveBorrowWizard(models.TransientModel):
    """Ask to borrow an archive one cannot read (R12, R13).

    The user gives an archive code or the guest's exact name. The wizard only
    says whether such an archive exists and at which level; nothing else of
    its content. Exact matches only, so that it cannot list guests.
    """

    _name = "cs.archive.borrow.wizard"
    _description = "Borrow a Guest Archive"

    query = fields.Char(string="Archive Code or Guest Name", required=True)
    archive_id = fields.Many2one("cs.guest.archive", compute="_compute_found", readonly=True)
    found_level = fields.Selection(
        CONFIDENTIALITY_LEVELS, string="Level", compute="_compute_found", readonly=True
    )
    found = fields.Boolean(compute="_compute_found")
    date_from = fields.Date(required=True, default=fields.Date.context_today)
    date_to = fields.Date(required=True)
    reason = fields.Text(required=True)

    @api.depends("query")
    def _compute_found(self):
        for wizard in self:
            archive = wizard._find_archive()
            wizard.archive_id = archive
            wizard.found_level = archive.confidentiality_level
            wizard.found = bool(archive)

    def _find_archive(self):
        self.ensure_one()
        query = (self.query or "").strip()
        if not query:
            return self.env["cs.guest.archive"]
        Archive = self.env["cs.guest.archive"].sudo()
        company = [("company_id", "in", self.env.companies.ids)]
        # Codes are upper case: "in" uses the index on code, where =ilike
        # would read every archive for each request.
        return Archive.search(
            [("code", "in", list({query, query.upper()}))] + company, limit=1
        ) or Archive.search([("partner_id.name", "=ilike", query)] + company, limit=1)

    def action_request(self):
        self.ensure_one()
        if self.date_to < self.date_from:
            raise ValidationError(
                self.env._("The borrow period must end on or after the day it starts.")
            )
        archive = self._find_archive()
        if not archive:
            raise UserError(
                self.env._(
                    "No guest archive has the code or guest name %(query)s.", query=self.query
                )
            )
        request = self.env["cs.archive.access.request"].create(
            {
                "archive_id": archive.id,
                "date_from": self.date_from,
                "date_to": self.date_to,
                "reason": self.reason,
            }
        )
        request.action_submit()
        return {
            "type": "ir.actions.act_window",
            "res_model": "cs.archive.access.request",
            "res_id": request.id,
            "view_mode": "form",
        }
