from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

# Item fields that state what was signed: frozen once the agreement is signed.
SIGNED_LINE_FIELDS = {"agreement_id", "name", "quantity", "price_unit", "product_id"}


class CsAgreementLine(models.Model):
    """One item of an agreement, due on a scheduled date (R9).

    It is delivered when linked to the consumption that delivered it.
    """

    _name = "cs.agreement.line"
    _description = "Consumption Agreement Item"
    _order = "agreement_id, scheduled_date, sequence, id"
    _check_company_auto = True

    agreement_id = fields.Many2one("cs.agreement", required=True, index=True, ondelete="cascade")
    sequence = fields.Integer(default=10)
    company_id = fields.Many2one(related="agreement_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="agreement_id.currency_id")
    partner_id = fields.Many2one(related="agreement_id.partner_id")
    product_id = fields.Many2one("product.product", ondelete="set null", check_company=True)
    name = fields.Char(string="Item", required=True)
    quantity = fields.Float(default=1.0, digits="Product Unit")
    price_unit = fields.Float(string="Unit Price", digits="Product Price")
    amount = fields.Monetary(compute="_compute_amount", store=True)
    scheduled_date = fields.Date(required=True, index=True)
    consumption_id = fields.Many2one(
        "cs.consumption",
        string="Delivered By",
        index="btree_not_null",
        ondelete="set null",
        check_company=True,
        copy=False,
        domain="[('partner_id', '=', partner_id)]",
    )
    delivery_state = fields.Selection(
        [("pending", "To Deliver"), ("delivered", "Delivered")],
        compute="_compute_delivery_state",
        store=True,
        index=True,
    )
    reminded = fields.Boolean(
        readonly=True, copy=False, help="A reminder was given for the scheduled date."
    )

    # ------------------------------------------------------------
    # Compute
    # ------------------------------------------------------------

    @api.depends("quantity", "price_unit")
    def _compute_amount(self):
        for line in self:
            line.amount = line.quantity * line.price_unit

    @api.depends("consumption_id")
    def _compute_delivery_state(self):
        for line in self:
            line.delivery_state = "delivered" if line.consumption_id else "pending"

    # ------------------------------------------------------------
    # Constraints
    # ------------------------------------------------------------

    @api.constrains("quantity", "price_unit", "scheduled_date", "agreement_id")
    def _check_values(self):
        for line in self:
            line._raise_if_bad_values(
                line.agreement_id, line.name, line.quantity, line.price_unit, line.scheduled_date
            )

    @api.constrains("consumption_id")
    def _check_consumption(self):
        for line in self.filtered("consumption_id"):
            consumption = line.consumption_id
            agreement = line.agreement_id
            if (
                consumption.partner_id.commercial_partner_id
                != agreement.partner_id.commercial_partner_id
            ):
                raise ValidationError(
                    self.env._(
                        "The consumption %(consumption)s is not the guest %(guest)s's.",
                        consumption=consumption.name,
                        guest=agreement.partner_id.display_name,
                    )
                )

    # ------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        agreements = self.env["cs.agreement"].browse(
            {vals["agreement_id"] for vals in vals_list if vals.get("agreement_id")}
        )
        if agreements.filtered(lambda a: a.state != "draft"):
            raise UserError(self.env._("Items are added to an agreement only while it is a draft."))
        for vals in vals_list:
            # Checked before the insert, so that nothing is written for bad input.
            self._raise_if_bad_values(
                self.env["cs.agreement"].browse(vals.get("agreement_id")),
                vals.get("name"),
                vals.get("quantity", 1.0),
                vals.get("price_unit", 0.0),
                vals.get("scheduled_date"),
            )
        lines = super().create(vals_list)
        lines.filtered("consumption_id").agreement_id._update_delivery_state()
        return lines

    def write(self, vals):
        if SIGNED_LINE_FIELDS & set(vals) and self.agreement_id.filtered(
            lambda a: a.state != "draft"
        ):
            raise UserError(
                self.env._("The items of a signed agreement cannot change; only their dates.")
            )
        if "consumption_id" in vals:
            self._check_can_deliver(vals["consumption_id"])
        if "reminded" in vals and not self.env.su:
            vals = {k: v for k, v in vals.items() if k != "reminded"}
        if "scheduled_date" in vals:
            # A new date deserves a new reminder.
            vals = dict(vals, reminded=False)
        for line in self:
            line._raise_if_bad_values(
                line.agreement_id,
                vals.get("name", line.name),
                vals.get("quantity", line.quantity),
                vals.get("price_unit", line.price_unit),
                vals.get("scheduled_date", line.scheduled_date),
            )
        agreements = self.agreement_id
        result = super().write(vals)
        if "consumption_id" in vals:
            agreements._update_delivery_state()
        return result

    @api.ondelete(at_uninstall=False)
    def _unlink_only_draft(self):
        if self.agreement_id.filtered(lambda a: a.state not in ("draft", "cancelled")):
            raise UserError(self.env._("The items of a signed agreement cannot be deleted."))

    # ------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------

    def action_deliver(self):
        """Create the consumption that delivers this item, and link it."""
        self.ensure_one()
        self._check_can_deliver(True)
        agreement = self.agreement_id
        consumption = self.env["cs.consumption"].create(
            {
                "partner_id": agreement.partner_id.id,
                "department_id": agreement.department_id.id,
                "company_id": agreement.company_id.id,
                "note": self.env._("Delivered under %(agreement)s.", agreement=agreement.name),
                "line_ids": [
                    fields.Command.create(
                        {
                            "name": self.name,
                            "product_id": self.product_id.id,
                            "quantity": self.quantity,
                            "price_unit": self.price_unit,
                        }
                    )
                ],
            }
        )
        self.consumption_id = consumption
        return {
            "type": "ir.actions.act_window",
            "res_model": "cs.consumption",
            "res_id": consumption.id,
            "view_mode": "form",
        }

    # ------------------------------------------------------------
    # Business
    # ------------------------------------------------------------

    def _check_can_deliver(self, consumption):
        """Deliveries happen on running agreements, once per item."""
        self.check_access("write")
        for line in self:
            if consumption and line.agreement_id.state not in ("signed", "in_progress"):
                raise UserError(
                    self.env._(
                        "Items are delivered only on a signed agreement; %(name)s is not.",
                        name=line.agreement_id.name,
                    )
                )
            if consumption and line.consumption_id:
                raise UserError(
                    self.env._("The item %(item)s is already delivered.", item=line.name)
                )
        if consumption and not isinstance(consumption, bool):
            # Linking needs the right to read that consumption, not just its id.
            self.env["cs.consumption"].browse(consumption).check_access("read")

    def _raise_if_bad_values(self, agreement, name, quantity, price_unit, scheduled_date):
        item = name or self.env._("(no name)")
        if (quantity or 0.0) <= 0 or (price_unit or 0.0) < 0:
            raise ValidationError(
                self.env._(
                    "The item %(item)s needs a positive quantity and a price that is not negative.",
                    item=item,
                )
            )
        scheduled_date = fields.Date.to_date(scheduled_date)
        if not (agreement and scheduled_date):
            return
        if not (agreement.date_start <= scheduled_date <= agreement.date_end):
            raise ValidationError(
                self.env._(
                    "The item %(item)s is scheduled on %(date)s, outside the agreement's "
                    "period (%(start)s to %(end)s).",
                    item=item,
                    date=scheduled_date,
                    start=agreement.date_start,
                    end=agreement.date_end,
                )
            )
