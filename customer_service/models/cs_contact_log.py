from odoo import api, fields, models
from odoo.exceptions import ValidationError

CONTACT_TYPES = [
    ("callback", "Callback"),
    ("regular", "Regular Contact"),
    ("greeting", "Greeting"),
    ("complaint_follow_up", "Complaint Follow-up"),
    ("collection", "Collection"),
    ("promotion", "Promotion"),
]
CHANNELS = [
    ("phone", "Phone"),
    ("visit", "Visit"),
    ("email", "Email"),
    ("sms", "SMS"),
    ("wechat", "WeChat"),
    ("other", "Other"),
]
SATISFACTION = [
    ("satisfied", "Satisfied"),
    ("average", "Average"),
    ("dissatisfied", "Dissatisfied"),
]


class CsContactLog(models.Model):
    """One contact with a guest: a callback, a greeting, a regular call (R7, R15).

    A callback for a consumption closes that consumption's callback. A
    dissatisfied guest is flagged for the leaders' digest and may become a
    complaint.
    """

    _name = "cs.contact.log"
    _description = "Contact Record"
    _order = "contact_date desc, id desc"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _check_company_auto = True

    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Guest",
        required=True,
        index=True,
        ondelete="restrict",
        check_company=True,
    )
    consumption_id = fields.Many2one(
        "cs.consumption",
        index="btree_not_null",
        ondelete="set null",
        check_company=True,
        domain="[('partner_id', '=', partner_id)]",
    )
    collection_task_id = fields.Many2one(
        "cs.collection.task",
        index="btree_not_null",
        ondelete="set null",
        check_company=True,
    )
    contact_type = fields.Selection(
        CONTACT_TYPES, string="Type", required=True, default="regular", index=True
    )
    channel = fields.Selection(CHANNELS, required=True, default="phone")
    contact_date = fields.Datetime(
        string="Date", required=True, default=fields.Datetime.now, index=True
    )
    user_id = fields.Many2one(
        "res.users",
        string="Contacted By",
        required=True,
        default=lambda self: self.env.user,
        ondelete="restrict",
        index=True,
    )
    outcome = fields.Selection(
        [
            ("reached", "Reached"),
            ("no_answer", "No Answer"),
            ("call_later", "Call Again Later"),
            ("refused", "Refused Contact"),
        ],
        default="reached",
        required=True,
    )
    satisfaction = fields.Selection(SATISFACTION, tracking=True)
    feedback = fields.Text(help="What the guest said, in their words.")
    is_dissatisfied = fields.Boolean(
        string="Dissatisfied", compute="_compute_is_dissatisfied", store=True, index=True
    )

    @api.depends("satisfaction")
    def _compute_is_dissatisfied(self):
        for log in self:
            log.is_dissatisfied = log.satisfaction == "dissatisfied"

    @api.constrains("consumption_id", "partner_id")
    def _check_consumption_partner(self):
        for log in self:
            consumption = log.consumption_id
            if consumption and consumption.partner_id.commercial_partner_id != (
                log.partner_id.commercial_partner_id
            ):
                raise ValidationError(
                    self.env._(
                        "The consumption %(consumption)s is not the guest %(guest)s's.",
                        consumption=consumption.name,
                        guest=log.partner_id.display_name,
                    )
                )

    complaint_ids = fields.One2many(
        "cs.complaint",
        "contact_log_id",
        string="Complaints",
        groups="customer_service.group_cs_user",
    )

    @api.model_create_multi
    def create(self, vals_list):
        logs = super().create(vals_list)
        logs._close_callbacks()
        return logs

    def write(self, vals):
        result = super().write(vals)
        if {"contact_type", "consumption_id"} & vals.keys():
            self._close_callbacks()
        return result

    def action_raise_complaint(self):
        """One click from a dissatisfied guest's words to a draft complaint (R14)."""
        return self.env["cs.complaint"].action_create_from_contact_logs(self)

    def _close_callbacks(self):
        """A callback record closes its consumption's callback activity (R15)."""
        callbacks = self.filtered(lambda log: log.contact_type == "callback" and log.consumption_id)
        if callbacks:
            callbacks.consumption_id._close_callback_activities(
                feedback=self.env._("Called back: see the contact record.")
            )

    @api.depends("partner_id", "contact_type", "contact_date")
    def _compute_display_name(self):
        types = dict(self._fields["contact_type"]._description_selection(self.env))
        for log in self:
            log.display_name = f"{log.partner_id.name or ''} · {types.get(log.contact_type, '')}"
