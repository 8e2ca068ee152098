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
# A callback with one of these outcomes reached the guest (or the guest
# declined): the visit is called back. "No answer" and "call again later" are
# attempts that keep it pending.
CLOSING_OUTCOMES = ("reached", "refused")
SATISFACTION = [
    ("satisfied", "Satisfied"),
    ("average", "Average"),
    ("dissatisfied", "Dissatisfied"),
]


class CsContactLog(models.Model):
    """One contact with a guest: a callback, a greeting, a regular call (R7, R15).

    A callback closes its visit's callback, and so its consumptions'. A
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
    visit_id = fields.Many2one(
        "cs.visit",
        compute="_compute_visit_id",
        store=True,
        readonly=False,
        index="btree_not_null",
        ondelete="set null",
        check_company=True,
        domain="[('partner_id', '=', partner_id)]",
        help="The visit this call is about. A callback closes its pending callback.",
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

    @api.depends("consumption_id")
    def _compute_visit_id(self):
        for log in self:
            if log.consumption_id:
                log.visit_id = log.consumption_id.sudo().visit_id

    @api.depends("satisfaction")
    def _compute_is_dissatisfied(self):
        for log in self:
            log.is_dissatisfied = log.satisfaction == "dissatisfied"

    @api.constrains("consumption_id", "visit_id", "partner_id")
    def _check_consumption_partner(self):
        for log in self:
            visit = log.sudo().visit_id
            if visit and visit.partner_id.commercial_partner_id != (
                log.partner_id.commercial_partner_id
            ):
                raise ValidationError(
                    self.env._(
                        "The visit %(visit)s is not the guest %(guest)s's.",
                        visit=visit.display_name,
                        guest=log.partner_id.display_name,
                    )
                )
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
        self._attach_pending_visits(vals_list)
        logs = super().create(vals_list)
        logs._close_callbacks()
        return logs

    def write(self, vals):
        result = super().write(vals)
        if {"contact_type", "consumption_id", "visit_id", "outcome"} & vals.keys():
            self._close_callbacks()
        return result

    def action_raise_complaint(self):
        """One click from a dissatisfied guest's words to a draft complaint (R14)."""
        return self.env["cs.complaint"].action_create_from_contact_logs(self)

    @api.model
    def _attach_pending_visits(self, vals_list):
        """Find the visit of each callback before anything is written.

        A callback logged for the guest alone is about their pending visit. A
        callback for a visit (or a consumption of a visit) already closed is
        refused here, so that nothing is half-written.
        """
        callbacks = [vals for vals in vals_list if vals.get("contact_type") == "callback"]
        if not callbacks:
            return
        Visit = self.env["cs.visit"].sudo()
        consumptions = (
            self.env["cs.consumption"]
            .sudo()
            .browse([vals["consumption_id"] for vals in callbacks if vals.get("consumption_id")])
        )
        visit_of = {c.id: c.visit_id for c in consumptions}
        loose = []
        for vals in callbacks:
            visit = Visit.browse(vals.get("visit_id") or ())
            if not visit and vals.get("consumption_id"):
                visit = visit_of[vals["consumption_id"]]
            if visit:
                visit._check_pending(ValidationError)
            elif vals.get("partner_id"):
                loose.append(vals)
        if not loose:
            return
        visits = Visit.search_fetch(
            [
                ("partner_id", "in", [vals["partner_id"] for vals in loose]),
                ("callback_state", "=", "pending"),
            ],
            ["partner_id", "company_id"],
        )
        by_key = {(v.partner_id.id, v.company_id.id): v.id for v in visits}
        for vals in loose:
            key = (vals["partner_id"], vals.get("company_id") or self.env.company.id)
            if key in by_key:
                vals["visit_id"] = by_key[key]

    def _close_callbacks(self):
        """A callback that reached the guest closes its visit's callback (R15).

        It closes the visit, and with it every consumption of that stay. A
        callback for a visit that was already closed is refused: it would be
        counted twice.
        """
        callbacks = self.sudo().filtered(
            lambda log: log.contact_type == "callback" and log.visit_id
        )
        callbacks.filtered(lambda log: log.visit_id.callback_log_id != log).visit_id._check_pending(
            ValidationError
        )
        for log in callbacks.filtered(lambda log: log.outcome in CLOSING_OUTCOMES):
            log.visit_id._close("done", log)

    @api.depends("partner_id", "contact_type", "contact_date")
    def _compute_display_name(self):
        types = dict(self._fields["contact_type"]._description_selection(self.env))
        for log in self:
            log.display_name = f"{log.partner_id.name or ''} · {types.get(log.contact_type, '')}"
