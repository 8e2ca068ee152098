from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    cs_callback_delay_days = fields.Integer(
        string="Callback Delay (days)",
        config_parameter="customer_service.callback_delay_days",
        default=3,
        help="A guest is called back within this many days of a visit (R15).",
    )
    cs_complaint_response_hours = fields.Integer(
        string="Complaint First Response (hours)",
        config_parameter="customer_service.complaint_response_hours",
        default=48,
        help="A complaint gets its first response within this many hours (R14).",
    )
    cs_gift_value_cap = fields.Float(
        string="Gift Value Cap",
        config_parameter="customer_service.gift_value_cap",
        default=200.0,
        help="The highest value of a gift given on the company's behalf (R16).",
    )
