from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    cs_callback_delay_days = fields.Integer(
        string="Callback Delay (days)",
        config_parameter="customer_service.callback_delay_days",
        default=3,
        help="A guest is called back within this many days of a visit.",
    )
    cs_complaint_response_hours = fields.Integer(
        string="Complaint First Response (hours)",
        config_parameter="customer_service.complaint_response_hours",
        default=48,
        help="A complaint gets its first response within this many hours.",
    )
    cs_complaint_alias_name = fields.Char(
        string="Complaints Alias",
        related="company_id.cs_complaint_alias_id.alias_name",
        readonly=False,
        help="Guests' emails to this address become complaints of this company.",
    )
    cs_complaint_alias_domain_id = fields.Many2one(
        string="Complaints Alias Domain",
        related="company_id.cs_complaint_alias_id.alias_domain_id",
        readonly=False,
    )
    cs_gift_value_cap = fields.Float(
        string="Gift Value Cap",
        config_parameter="customer_service.gift_value_cap",
        default=200.0,
        help="The highest value of a gift given on the company's behalf.",
    )
    cs_period_secret_years = fields.Integer(
        string="Secret: Years Classified",
        config_parameter="customer_service.period_secret_years",
        default=1,
    )
    cs_period_confidential_years = fields.Integer(
        string="Confidential: Years Classified",
        config_parameter="customer_service.period_confidential_years",
        default=3,
    )
    cs_period_top_secret_years = fields.Integer(
        string="Top Secret: Years Classified",
        config_parameter="customer_service.period_top_secret_years",
        default=5,
    )
    cs_access_log_retention_days = fields.Integer(
        string="Access Log Retention (days)",
        config_parameter="customer_service.access_log_retention_days",
        default=730,
    )
    cs_agreement_reminder_days = fields.Integer(
        string="Agreement Reminder (days)",
        config_parameter="customer_service.agreement_reminder_days",
        default=2,
        help="The responsible user is reminded this many days before an agreement "
        "item's scheduled date.",
    )
    cs_round_off_max = fields.Float(
        string="Round-off Maximum",
        config_parameter="customer_service.round_off_max",
        default=10.0,
        help="The largest amount a round-off may write off.",
    )
    cs_countersign_escalation_days = fields.Integer(
        string="Countersign Escalation (days)",
        config_parameter="customer_service.countersign_escalation_days",
        default=3,
        help="A countersign still pending after this many days is escalated to the leaders.",
    )
    cs_points_validity_days = fields.Integer(
        string="Points Validity (days)",
        config_parameter="customer_service.points_validity_days",
        default=730,
        help="Points not spent this many days after they were earned expire. Zero: never.",
    )
    cs_credit_note_journal_id = fields.Many2one(
        related="company_id.cs_credit_note_journal_id", readonly=False
    )
    cs_entry_journal_id = fields.Many2one(related="company_id.cs_entry_journal_id", readonly=False)
    cs_credit_note_account_id = fields.Many2one(
        related="company_id.cs_credit_note_account_id", readonly=False
    )
    cs_round_off_account_id = fields.Many2one(
        related="company_id.cs_round_off_account_id", readonly=False
    )
    cs_gift_account_id = fields.Many2one(related="company_id.cs_gift_account_id", readonly=False)
    cs_gift_counterpart_account_id = fields.Many2one(
        related="company_id.cs_gift_counterpart_account_id", readonly=False
    )
    cs_greeting_days_before = fields.Integer(
        string="Greeting Days Before",
        config_parameter="customer_service.greeting_days_before",
        default=3,
        help="Greetings reach the guest this many days (1 to 3) before a festival or birthday.",
    )
    cs_plan_horizon_days = fields.Integer(
        string="Plan Horizon (days)",
        config_parameter="customer_service.plan_horizon_days",
        default=14,
        help="Running retention plans schedule their contacts this many days ahead.",
    )

    @api.constrains("cs_greeting_days_before", "cs_plan_horizon_days")
    def _check_cs_retention_settings(self):
        for settings in self:
            if not 1 <= settings.cs_greeting_days_before <= 3:
                raise ValidationError(
                    self.env._("Greetings go out 1 to 3 days before the occasion.")
                )
            if settings.cs_plan_horizon_days < 1:
                raise ValidationError(
                    self.env._("Plans schedule their contacts at least one day ahead.")
                )
