from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from .cs_guest_archive import CONFIDENTIALITY_LEVELS


class CsArchiveAccessRequest(models.Model):
    """A request to borrow a guest archive (借阅卡, R12, R13).

    Once approved through tier validation (a CS manager for confidential
    archives, a leader for top secret ones), the requester reads the archive
    from ``date_from`` to ``date_to``. The record rule on the archive checks
    the dates on every query, so expiry needs no cron. Returning ends the
    borrow early.
    """

    _name = "cs.archive.access.request"
    _description = "Archive Borrow Request"
    _order = "id desc"
    _inherit = ["cs.approval.mixin", "mail.thread", "mail.activity.mixin"]

    _dates_check = models.Constraint(
        "CHECK (date_to >= date_from)",
        "The borrow period must end on or after the day it starts.",
    )

    name = fields.Char(compute="_compute_name", store=True)
    archive_id = fields.Many2one(
        "cs.guest.archive", required=True, ondelete="cascade", index=True, readonly=True
    )
    # Copied at request time so that the requester sees what they asked for
    # without being able to read the archive itself.
    archive_code = fields.Char(readonly=True)
    guest_name = fields.Char(readonly=True)
    archive_level = fields.Selection(CONFIDENTIALITY_LEVELS, string="Level", readonly=True)
    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, default=lambda self: self.env.company
    )
    user_id = fields.Many2one(
        "res.users",
        string="Borrower",
        required=True,
        readonly=True,
        default=lambda self: self.env.user,
        ondelete="restrict",
        index=True,
    )
    date_from = fields.Date(required=True, default=fields.Date.context_today, tracking=True)
    date_to = fields.Date(required=True, tracking=True)
    reason = fields.Text(required=True)
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("submitted", "Submitted"),
            ("approved", "Approved"),
            ("returned", "Returned"),
            ("rejected", "Rejected"),
            ("cancel", "Cancelled"),
        ],
        default="draft",
        required=True,
        tracking=True,
        copy=False,
    )
    approved_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    approved_date = fields.Datetime(readonly=True, copy=False)
    leader_approved = fields.Boolean(readonly=True, copy=False)
    returned_date = fields.Datetime(readonly=True, copy=False)
    is_active_borrow = fields.Boolean(compute="_compute_is_active_borrow")

    @api.depends("archive_code", "user_id")
    def _compute_name(self):
        for request in self:
            request.name = f"{request.archive_code or ''} / {request.user_id.name or ''}"

    def _compute_is_active_borrow(self):
        today = fields.Date.context_today(self)
        for request in self:
            request.is_active_borrow = (
                request.state == "approved" and request.date_from <= today <= request.date_to
            )

    @api.constrains("date_from", "date_to")
    def _check_dates(self):
        for request in self:
            if request.date_to < request.date_from:
                raise ValidationError(
                    self.env._("The borrow period must end on or after the day it starts.")
                )

    @api.model_create_multi
    def create(self, vals_list):
        # Checked before the SQL constraint for a translated message on every client.
        for vals in vals_list:
            date_from, date_to = vals.get("date_from"), vals.get("date_to")
            if (
                date_from
                and date_to
                and fields.Date.to_date(date_to) < fields.Date.to_date(date_from)
            ):
                raise ValidationError(
                    self.env._("The borrow period must end on or after the day it starts.")
                )
        archives = (
            self.env["cs.guest.archive"]
            .sudo()
            .browse([vals["archive_id"] for vals in vals_list if vals.get("archive_id")])
        )
        by_id = {archive.id: archive for archive in archives}
        for vals in vals_list:
            archive = by_id.get(vals.get("archive_id"))
            if not archive:
                continue
            self._check_can_request(archive)
            vals.update(
                archive_code=archive.code,
                guest_name=archive.partner_id.name,
                archive_level=archive.confidentiality_level,
                company_id=archive.company_id.id,
            )
        return super().create(vals_list)

    # ------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------

    def _check_can_submit(self):
        if any(request.user_id != self.env.user for request in self):
            raise UserError(self.env._("Only the borrower may submit the request."))

    def _on_approved(self):
        user = self.env.user  # the last reviewer: sudo keeps the uid
        return self.write(
            {
                "state": "approved",
                "approved_by_id": user.id,
                "approved_date": fields.Datetime.now(),
                "leader_approved": user.has_group("customer_service.group_cs_leader"),
            }
        )

    def action_return(self):
        """End the borrow now (归还)."""
        for request in self:
            if request.state != "approved":
                raise UserError(self.env._("Only an approved borrow can be returned."))
            if request.user_id != self.env.user and not self.env.user.has_group(
                "customer_service.group_cs_manager"
            ):
                raise UserError(self.env._("Only the borrower or a manager may return it."))
        self.sudo().write({"state": "returned", "returned_date": fields.Datetime.now()})
        return True

    # ------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------

    @api.model
    def _check_can_request(self, archive):
        """R12: only managers and above borrow top secret archives; a
        confidential archive may be requested by CS staff (R13, with their
        manager's approval). Secret archives are open to staff already."""
        user = self.env.user
        if archive.confidentiality_level == "top_secret" and not user.has_group(
            "customer_service.group_cs_manager"
        ):
            raise UserError(self.env._("Only managers and above may borrow a top-secret archive."))
        if not user.has_group("customer_service.group_cs_user"):
            raise UserError(self.env._("Only customer-service staff may borrow archives."))
