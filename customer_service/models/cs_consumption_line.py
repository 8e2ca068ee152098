from odoo import api, fields, models
from odoo.exceptions import ValidationError


class CsConsumptionLine(models.Model):
    """One item of a consumption: what, how many, at what price (R6)."""

    _name = "cs.consumption.line"
    _description = "Guest Consumption Item"
    _order = "consumption_id, sequence, id"

    consumption_id = fields.Many2one(
        "cs.consumption", required=True, index=True, ondelete="cascade"
    )
    sequence = fields.Integer(default=10)
    company_id = fields.Many2one(related="consumption_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="consumption_id.currency_id")
    product_id = fields.Many2one("product.product", ondelete="set null", check_company=True)
    name = fields.Char(string="Item", required=True)
    quantity = fields.Float(default=1.0, digits="Product Unit")
    price_unit = fields.Float(string="Unit Price", digits="Product Price")
    # A float in the company currency: consumption arrives by the thousand,
    # and a monetary field would look up the currency once per line.
    price_subtotal = fields.Float(
        string="Amount", compute="_compute_price_subtotal", store=True, digits="Account"
    )

    @api.depends("quantity", "price_unit")
    def _compute_price_subtotal(self):
        for line in self:
            line.price_subtotal = self._subtotal(line.quantity, line.price_unit)

    @api.model
    def _subtotal(self, quantity, price_unit):
        return (quantity or 0.0) * (price_unit or 0.0)

    @api.constrains("quantity", "price_unit")
    def _check_positive(self):
        for line in self:
            # A credit note's consumption takes amounts back: it alone is negative.
            if line.consumption_id.reversed_id:
                continue
            if line.quantity <= 0 or line.price_unit < 0:
                raise ValidationError(
                    self.env._(
                        "The item %(item)s needs a positive quantity and a price "
                        "that is not negative.",
                        item=line.name,
                    )
                )
