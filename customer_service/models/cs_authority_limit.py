from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .cs_compensation import COMPENSATION_TYPES


class CsAuthorityLimit(models.Model):
    """How much one user, or the members of one group, may give (R11).

    Admins set a limit per compensation type and company: a maximum per
    transaction, per day and per month, counted over what the user has
    signed. The most specific limit applies: a user's own limit wins over
    their groups' limits; among the groups, the highest value of each maximum
    applies. A daily or monthly maximum of zero means no cap for that period;
    the per-transaction maximum is always set.
    """

    _name = "cs.authority.limit"
    _description = "Compensation Authority Limit"
    _order = "company_id, compensation_type, user_id, group_id, id"
    _check_company_auto = True

    _user_type_unique = models.UniqueIndex(
        "(user_id, compensation_type, company_id) WHERE user_id IS NOT NULL",
        "A user has one limit per compensation type and company.",
    )
    _group_type_unique = models.UniqueIndex(
        "(group_id, compensation_type, company_id) WHERE group_id IS NOT NULL",
        "A group has one limit per compensation type and company.",
    )
    _one_holder = models.Constraint(
        "CHECK ((user_id IS NULL) <> (group_id IS NULL))",
        "A limit belongs either to a user or to a group.",
    )

    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        ondelete="cascade",
        default=lambda self: self.env.company,
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    group_id = fields.Many2one("res.groups", ondelete="cascade", index="btree_not_null")
    user_id = fields.Many2one("res.users", ondelete="cascade", index="btree_not_null")
    compensation_type = fields.Selection(COMPENSATION_TYPES, required=True)
    max_per_transaction = fields.Monetary(
        required=True, help="The highest amount of one compensation."
    )
    max_per_day = fields.Monetary(
        help="The highest total signed in one day. Zero means no daily cap."
    )
    max_per_month = fields.Monetary(
        help="The highest total signed in one calendar month. Zero means no monthly cap."
    )
    active = fields.Boolean(default=True)

    @api.constrains("group_id", "user_id", "max_per_transaction", "max_per_day", "max_per_month")
    def _check_limit(self):
        for limit in self:
            if bool(limit.group_id) == bool(limit.user_id):
                raise ValidationError(
                    self.env._("A limit belongs either to a user or to a group, not both.")
                )
            if limit.max_per_transaction <= 0:
                raise ValidationError(self.env._("The maximum per transaction must be positive."))
            if limit.max_per_day < 0 or limit.max_per_month < 0:
                raise ValidationError(self.env._("Daily and monthly maximums cannot be negative."))

    @api.model_create_multi
    def create(self, vals_list):
        # Say it in the user's language before the SQL check says it in English.
        for vals in vals_list:
            if bool(vals.get("group_id")) == bool(vals.get("user_id")):
                raise ValidationError(
                    self.env._("A limit belongs either to a user or to a group, not both.")
                )
        return super().create(vals_list)

    @api.depends("group_id", "user_id", "compensation_type")
    def _compute_display_name(self):
        types = dict(self._fields["compensation_type"]._description_selection(self.env))
        for limit in self:
            holder = limit.user_id or limit.group_id
            limit.display_name = f"{holder.display_name}: {types.get(limit.compensation_type)}"

    # ------------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------------

    @api.model
    def _get_effective_limit(self, user, compensation_type, company):
        """The limit that applies to ``user``, as a dict, or None if none does.

        One query whatever the user's groups: the user's own limit, else the
        highest of each maximum among their groups' limits. ``None`` stands
        for "no cap" in the daily and monthly values.
        """
        rows = (
            self.sudo()
            .with_context(active_test=True)
            .search_fetch(
                [
                    ("company_id", "=", company.id),
                    ("compensation_type", "=", compensation_type),
                    "|",
                    ("user_id", "=", user.id),
                    ("group_id", "in", user.sudo().all_group_ids.ids),
                ],
                ["user_id", "max_per_transaction", "max_per_day", "max_per_month"],
            )
        )
        own = rows.filtered("user_id")
        rows = own or rows
        if not rows:
            return None

        def highest(values):
            # Zero means "no cap", which is higher than any cap.
            return None if any(not v for v in values) else max(values)

        return {
            "per_transaction": max(rows.mapped("max_per_transaction")),
            "per_day": highest(rows.mapped("max_per_day")),
            "per_month": highest(rows.mapped("max_per_month")),
        }
