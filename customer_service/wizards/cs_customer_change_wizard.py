from odoo import api, fields, models

from ..models.cs_customer_change import CHANGE_TYPES


class CsCustomerChangeWizard(models.TransientModel):
    """Record by hand a change in a customer's situation (R8).

    Opened from the menu, or from a guest archive's Action menu with the
    archive's guest filled in.
    """

    _name = "cs.customer.change.wizard"
    _description = "Record a Customer Change"

    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        default=lambda self: self._default_partner(),
    )
    change_type = fields.Selection(CHANGE_TYPES, string="Type", required=True)
    old_value = fields.Text(string="Before")
    new_value = fields.Text(string="After")
    change_date = fields.Date(string="Date", required=True, default=fields.Date.context_today)
    note = fields.Text(string="Notes")

    @api.model
    def _default_partner(self):
        if self.env.context.get("active_model") == "cs.guest.archive":
            archive = self.env["cs.guest.archive"].browse(self.env.context.get("active_id"))
            # Through the user's own rights: an archive they cannot read gives nothing.
            return archive._filtered_access("read").partner_id
        if self.env.context.get("active_model") == "res.partner":
            return self.env["res.partner"].browse(self.env.context.get("active_id"))
        return self.env["res.partner"]

    def action_record(self):
        self.ensure_one()
        change = self.env["cs.customer.change"].create(
            {
                "partner_id": self.partner_id.id,
                "change_type": self.change_type,
                "old_value": self.old_value,
                "new_value": self.new_value,
                "change_date": self.change_date,
                "note": self.note,
            }
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": "cs.customer.change",
            "res_id": change.id,
            "view_mode": "form",
        }
