from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from ..cron import batches

AGREEMENT_STATES = [
    ("draft", "Draft"),
    ("signed", "Signed"),
    ("in_progress", "In Progress"),
    ("done", "Done"),
    ("cancelled", "Cancelled"),
]
# Fields that define what was signed: frozen once the agreement is signed.
SIGNED_FIELDS = {
    "partner_id",
    "department_id",
    "company_id",
    "date_start",
    "date_end",
    "signed_date",
    "signed_document",
}


class CsAgreement(models.Model):
    """A consumption agreement or order signed by front office or F&B (R9).

    The department's liaison registers it with the signed document; customer
    service tracks it: each item has a scheduled date, a reminder goes to the
    responsible CS user a few days before, and a delivered item is linked to
    the consumption that delivered it. The agreement is done when every item
    is delivered.
    """

    _name = "cs.agreement"
    _description = "Consumption Agreement"
    _order = "signed_date desc, id desc"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _check_company_auto = True

    _period_check = models.Constraint(
        "CHECK (date_end >= date_start)",
        "An agreement's period must end on or after the day it starts.",
    )

    name = fields.Char(
        string="Reference", required=True, readonly=True, copy=False, default="/", index="trigram"
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    agreement_type = fields.Selection(
        [("agreement", "Agreement"), ("order", "Order")],
        string="Type",
        required=True,
        default="agreement",
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Guest",
        required=True,
        index=True,
        ondelete="restrict",
        check_company=True,
        tracking=True,
    )
    department_id = fields.Many2one(
        "cs.service.department",
        required=True,
        index=True,
        ondelete="restrict",
        tracking=True,
        help="The department that signed the agreement and delivers it.",
    )
    user_id = fields.Many2one(
        "res.users",
        string="Responsible",
        ondelete="set null",
        index=True,
        tracking=True,
        compute="_compute_user_id",
        store=True,
        readonly=False,
        help="The customer-service user who tracks the agreement and is reminded "
        "before each scheduled date. Defaults to the owner of the guest's archive.",
    )
    signed_date = fields.Date(tracking=True, copy=False)
    date_start = fields.Date(
        string="Valid From", required=True, default=fields.Date.context_today, tracking=True
    )
    date_end = fields.Date(string="Valid Until", required=True, tracking=True)
    signed_document = fields.Binary(attachment=True, copy=False)
    signed_document_name = fields.Char(copy=False)
    state = fields.Selection(
        AGREEMENT_STATES,
        required=True,
        default="draft",
        readonly=True,
        copy=False,
        index=True,
        tracking=True,
    )
    line_ids = fields.One2many("cs.agreement.line", "agreement_id", string="Items", copy=True)
    amount_total = fields.Monetary(compute="_compute_amount_total", store=True)
    line_count = fields.Integer(compute="_compute_delivery_counts")
    delivered_count = fields.Integer(compute="_compute_delivery_counts")
    note = fields.Text()

    # ------------------------------------------------------------
    # Compute
    # ------------------------------------------------------------

    @api.depends("partner_id", "company_id")
    def _compute_user_id(self):
        to_fill = self.filtered(lambda a: not a.user_id and a.partner_id)
        for agreement in self - to_fill:
            agreement.user_id = agreement.user_id
        if not to_fill:
            return
        # The archive's owner answers for the guest; liaisons cannot read
        # archives, so look it up as superuser and reveal only the owner.
        archives = (
            self.env["cs.guest.archive"]
            .sudo()
            .search(
                [
                    ("partner_id", "in", to_fill.partner_id.ids),
                    ("company_id", "in", to_fill.company_id.ids),
                ]
            )
        )
        owners = {(a.partner_id.id, a.company_id.id): a.owner_id for a in archives}
        for agreement in to_fill:
            owner = owners.get((agreement.partner_id.id, agreement.company_id.id))
            agreement.user_id = owner or False

    @api.depends("line_ids.amount")
    def _compute_amount_total(self):
        for agreement in self:
            agreement.amount_total = sum(agreement.line_ids.mapped("amount"))

    @api.depends("line_ids.delivery_state")
    def _compute_delivery_counts(self):
        for agreement in self:
            agreement.line_count = len(agreement.line_ids)
            agreement.delivered_count = len(
                agreement.line_ids.filtered(lambda line: line.delivery_state == "delivered")
            )

    # ------------------------------------------------------------
    # Constraints
    # ------------------------------------------------------------

    @api.constrains("date_start", "date_end")
    def _check_period(self):
        for agreement in self:
            agreement._raise_if_bad_period(agreement.date_start, agreement.date_end)
            for line in agreement.line_ids:
                line._raise_if_bad_values(
                    agreement, line.name, line.quantity, line.price_unit, line.scheduled_date
                )

    @api.constrains("partner_id", "company_id")
    def _check_partner_company(self):
        for agreement in self:
            agreement.partner_id._cs_check_company(agreement.company_id)

    # ------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            # Checked before the insert: the SQL constraint's message would
            # not be translated over RPC.
            self._raise_if_bad_period(vals.get("date_start"), vals.get("date_end"))
            if vals.get("state", "draft") != "draft":
                raise UserError(self.env._("A new agreement starts as a draft."))
            if vals.get("name", "/") == "/":
                vals["name"] = self.env["ir.sequence"].next_by_code("cs.agreement") or "/"
        return super().create(vals_list)

    def write(self, vals):
        if "state" in vals and not self.env.su:
            raise UserError(self.env._("An agreement's state changes only through its buttons."))
        frozen = SIGNED_FIELDS & set(vals)
        if frozen and not self.env.su and self.filtered(lambda a: a.state != "draft"):
            raise UserError(
                self.env._(
                    "A signed agreement's guest, department, period and document "
                    "cannot change. Cancel it and register a new one."
                )
            )
        if "date_start" in vals or "date_end" in vals:
            for agreement in self:
                agreement._raise_if_bad_period(
                    vals.get("date_start", agreement.date_start),
                    vals.get("date_end", agreement.date_end),
                )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_only_draft_or_cancelled(self):
        if self.filtered(lambda a: a.state not in ("draft", "cancelled")):
            raise UserError(self.env._("Only draft or cancelled agreements can be deleted."))

    # ------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------

    def action_sign(self):
        """Register the agreement as signed: it needs items and the signed document."""
        self.check_access("write")
        for agreement in self:
            if agreement.state != "draft":
                raise UserError(
                    self.env._("The agreement %(name)s is not a draft.", name=agreement.name)
                )
            if not agreement.line_ids:
                raise UserError(
                    self.env._(
                        "The agreement %(name)s has no items to deliver.", name=agreement.name
                    )
                )
            if not agreement.signed_document:
                raise UserError(
                    self.env._(
                        "Attach the signed document of %(name)s before registering it as signed.",
                        name=agreement.name,
                    )
                )
        today = fields.Date.context_today(self)
        for agreement in self:
            agreement.sudo().write(
                {"state": "signed", "signed_date": agreement.signed_date or today}
            )
        self._update_delivery_state()
        return True

    def action_cancel(self):
        self.check_access("write")
        if self.filtered(lambda a: a.state in ("done", "cancelled")):
            raise UserError(self.env._("Done or cancelled agreements cannot be cancelled."))
        self.sudo().write({"state": "cancelled"})
        return True

    def action_draft(self):
        self.check_access("write")
        if self.filtered(lambda a: a.state != "cancelled"):
            raise UserError(self.env._("Only a cancelled agreement can return to draft."))
        if self.line_ids.consumption_id:
            raise UserError(
                self.env._(
                    "Items of this agreement were already delivered: register a new "
                    "agreement instead."
                )
            )
        self.sudo().write({"state": "draft"})
        return True

    def action_view_consumptions(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Deliveries"),
            "res_model": "cs.consumption",
            "view_mode": "list,form",
            "domain": [("id", "in", self.line_ids.consumption_id.ids)],
        }

    # ------------------------------------------------------------
    # Business
    # ------------------------------------------------------------

    def _raise_if_bad_period(self, date_start, date_end):
        date_start = fields.Date.to_date(date_start)
        date_end = fields.Date.to_date(date_end)
        if date_start and date_end and date_end < date_start:
            raise ValidationError(
                self.env._(
                    "An agreement's period must end on or after the day it starts "
                    "(%(start)s to %(end)s).",
                    start=date_start,
                    end=date_end,
                )
            )

    def _update_delivery_state(self):
        """Move running agreements to in progress or done, from their items."""
        running = self.filtered(lambda a: a.state in ("signed", "in_progress", "done"))
        for state, targets in running.grouped(lambda a: a._delivery_state()).items():
            changed = targets.filtered(lambda a, s=state: a.state != s)
            if changed:
                changed.sudo().write({"state": state})

    def _delivery_state(self):
        self.ensure_one()
        delivered = self.line_ids.filtered("consumption_id")
        if self.line_ids and delivered == self.line_ids:
            return "done"
        return "in_progress" if delivered else "signed"

    @api.model
    def _reminder_days(self):
        param = self.env["ir.config_parameter"].sudo().get_param
        try:
            return max(int(param("customer_service.agreement_reminder_days", 2)), 0)
        except (TypeError, ValueError):
            return 2

    @api.model
    def _cron_remind_scheduled_items(self):
        """Remind the responsible CS user of items due within the configured days.

        One activity per item, once: the item remembers it was reminded, and
        rescheduling it makes it due for a new reminder.
        """
        if not self.env.su and not self.env.user.has_group("customer_service.group_cs_user"):
            raise AccessError(self.env._("Only customer service runs agreement reminders."))
        today = fields.Date.context_today(self)
        horizon = fields.Date.add(today, days=self._reminder_days())
        lines = (
            self.env["cs.agreement.line"]
            .sudo()
            .search(
                [
                    ("agreement_id.state", "in", ("signed", "in_progress")),
                    ("consumption_id", "=", False),
                    ("reminded", "=", False),
                    ("scheduled_date", "<=", horizon),
                ]
            )
        )
        if not lines:
            return 0
        # The reminded flag is the key: committed with its batch's activities.
        for batch in batches(self.env, lines):
            self._remind_batch(batch)
        return len(lines)

    @api.model
    def _remind_batch(self, lines):
        activity_type = self.env.ref("customer_service.mail_activity_type_agreement_item")
        model_id = self.env["ir.model"]._get_id(self._name)
        vals_list = []
        for line in lines:
            agreement = line.agreement_id
            vals_list.append(
                {
                    "res_model_id": model_id,
                    "res_id": agreement.id,
                    "activity_type_id": activity_type.id,
                    "user_id": (agreement.user_id or agreement.create_uid).id,
                    "date_deadline": line.scheduled_date,
                    "summary": self.env._(
                        "%(item)s due for %(guest)s",
                        item=line.name,
                        guest=agreement.partner_id.name,
                    ),
                }
            )
        # No "assigned to you" mail per activity: it costs a dozen queries
        # each, and the reminder is the activity itself (systray, digest).
        self.env["mail.activity"].sudo().with_context(mail_activity_quick_update=True).create(
            vals_list
        )
        lines.write({"reminded": True})
