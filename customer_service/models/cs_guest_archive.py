from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

CONFIDENTIALITY_LEVELS = [
    ("secret", "Secret"),
    ("confidential", "Confidential"),
    ("top_secret", "Top Secret"),
]


class CsGuestArchive(models.Model):
    """A guest's customer-service archive (客户档案, R1, R12, R13, R17).

    One archive per partner and company. Archives are commercial secrets:
    who may read one depends on its confidentiality level, enforced by record
    rules. Archives are never deleted; they leave only through an approved
    destruction (R13), and permanent customers never leave (R17).
    """

    _name = "cs.guest.archive"
    _description = "Guest Archive"
    _order = "code desc, id desc"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _check_company_auto = True
    _rec_names_search = ["code", "partner_id.name"]

    _partner_company_unique = models.UniqueIndex(
        "(partner_id, company_id)",
        "This guest already has an archive in this company.",
    )
    _confidentiality_level_owner_index = models.Index(
        "(confidentiality_level, owner_id)",
    )

    # Identity
    code = fields.Char(
        required=True,
        copy=False,
        readonly=True,
        index="btree",
        default=lambda self: self.env._("New"),
    )
    name = fields.Char(related="partner_id.name", store=True, readonly=True)
    partner_id = fields.Many2one(
        "res.partner",
        string="Guest",
        required=True,
        ondelete="restrict",
        index=True,
        tracking=True,
    )
    company_id = fields.Many2one(
        "res.company",
        required=True,
        ondelete="restrict",
        index=True,
        default=lambda self: self.env.company,
    )
    active = fields.Boolean(default=True, tracking=True)
    guest_type = fields.Selection(
        [("individual", "Individual"), ("corporate", "Corporate")],
        required=True,
        default="individual",
    )
    owner_id = fields.Many2one(
        "res.users",
        ondelete="set null",
        index=True,
        tracking=True,
        default=lambda self: self.env.user,
        help="The customer-service employee responsible for this guest.",
    )

    # Classification (R12, R17)
    confidentiality_level = fields.Selection(
        CONFIDENTIALITY_LEVELS,
        required=True,
        default="secret",
        tracking=True,
    )
    classified_until = fields.Date(tracking=True)
    customer_class = fields.Selection(
        [("strategic", "Strategic"), ("key", "Key"), ("normal", "Normal")],
        required=True,
        default="normal",
        tracking=True,
    )
    credit_class = fields.Selection(
        [("a", "A"), ("b", "B"), ("c", "C"), ("d", "D")],
        default="b",
        tracking=True,
    )
    is_permanent = fields.Boolean(
        string="Permanent Customer",
        tracking=True,
        help="A permanent customer's archive can never be destroyed (R17).",
    )
    next_review_date = fields.Date(
        tracking=True,
        help="Archives are re-verified every quarter (R13).",
    )

    # ------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        default_code = self.env._("New")
        for vals in vals_list:
            if not vals.get("code") or vals["code"] == default_code:
                vals["code"] = self.env["ir.sequence"].next_by_code("cs.guest.archive")
        return super().create(vals_list)

    def write(self, vals):
        if "confidentiality_level" in vals:
            self._check_level_change(vals["confidentiality_level"])
        return super().write(vals)

    def unlink(self):  # pylint: disable=method-required-super
        # Deleting would lose a commercial secret's trail: archives leave only
        # through an approved destruction, which erases content but keeps the row.
        raise UserError(
            self.env._(
                "Guest archives cannot be deleted. Archive them, or destroy them "
                "through an approved archive destruction."
            )
        )

    # ------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------

    def _check_level_change(self, new_level):
        """Only managers classify, and only leaders touch top secret (R12).

        Record rules are checked on the records as they are before a write, so
        without this an owner could move an archive out of everyone's reach.
        """
        if self.env.su:
            return
        changed = self.filtered(lambda a: a.confidentiality_level != new_level)
        if not changed:
            return
        user = self.env.user
        touches_top = new_level == "top_secret" or "top_secret" in changed.mapped(
            "confidentiality_level"
        )
        if touches_top and not user.has_group("customer_service.group_cs_leader"):
            raise AccessError(
                self.env._("Only company leaders may classify or declassify top-secret archives.")
            )
        if not user.has_group("customer_service.group_cs_manager"):
            raise AccessError(
                self.env._(
                    "Only customer-service managers may change an archive's confidentiality."
                )
            )
