from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError


class CsArchiveDestruction(models.Model):
    """The destruction of outdated guest archives (R13).

    Three approvals, in order, through tier validation: the information
    supervisor, the CS manager, then a leader. After the last one, each
    archive's personal content is erased. The destruction keeps who approved
    and when (its reviews) and the archive codes, never the content.
    """

    _name = "cs.archive.destruction"
    _description = "Guest Archive Destruction"
    _order = "id desc"
    _inherit = ["cs.approval.mixin", "mail.thread"]

    name = fields.Char(
        required=True, readonly=True, copy=False, default=lambda self: self.env._("New")
    )
    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, default=lambda self: self.env.company
    )
    reason = fields.Text(required=True)
    archive_ids = fields.Many2many(
        "cs.guest.archive",
        "cs_archive_destruction_archive_rel",
        "destruction_id",
        "archive_id",
        string="Archives",
        context={"active_test": False},
    )
    archive_codes = fields.Text(
        readonly=True, copy=False, help="The codes of the destroyed archives."
    )
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("submitted", "Submitted"),
            ("approved", "Approved"),
            ("done", "Destroyed"),
            ("rejected", "Rejected"),
            ("cancel", "Cancelled"),
        ],
        default="draft",
        required=True,
        tracking=True,
        copy=False,
    )
    done_date = fields.Datetime(readonly=True, copy=False)

    @api.constrains("archive_ids")
    def _check_no_permanent_customer(self):
        for destruction in self:
            permanent = destruction.archive_ids.filtered("is_permanent")
            if permanent:
                raise ValidationError(
                    self.env._(
                        "Permanent customers' archives can never be destroyed: %(codes)s.",
                        codes=", ".join(permanent.mapped("code")),
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if not vals.get("name") or vals["name"] == self.env._("New"):
                vals["name"] = self.env["ir.sequence"].next_by_code("cs.archive.destruction")
        return super().create(vals_list)

    def unlink(self):
        if any(d.state not in ("draft", "cancel") for d in self):
            raise UserError(self.env._("Only a draft or cancelled destruction can be deleted."))
        return super().unlink()

    def _check_can_submit(self):
        if any(not destruction.archive_ids for destruction in self):
            raise UserError(self.env._("Select the archives to destroy first."))

    def _on_approved(self):
        result = super()._on_approved()
        self._destroy()
        return result

    def _destroy(self):
        """Erase the archives' personal content; keep their codes here."""
        for destruction in self:
            if destruction.state != "approved" or destruction.validation_status != "validated":
                raise UserError(self.env._("A destruction needs all three approvals first."))
            archives = destruction.sudo().archive_ids
            destruction.write(
                {
                    "archive_codes": "\n".join(archives.mapped("code")),
                    "state": "done",
                    "done_date": fields.Datetime.now(),
                }
            )
            archives._erase_personal_content()
