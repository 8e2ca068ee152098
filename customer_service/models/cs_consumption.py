from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError

CALLBACK_STATES = [
    ("pending", "To Call Back"),
    ("done", "Called Back"),
    ("not_needed", "No Callback"),
]


class CsConsumption(models.Model):
    """What a guest consumed in one department at one time (R6).

    Departments report it by quick entry, import, or automatically from posted
    customer invoices. Each consumption owes the guest a callback within the
    configured delay (R15); a callback contact log closes it.
    """

    _name = "cs.consumption"
    _description = "Guest Consumption"
    _order = "consumption_date desc, id desc"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _check_company_auto = True

    _move_department_unique = models.UniqueIndex(
        "(move_id, department_id) WHERE move_id IS NOT NULL",
        "An invoice feeds one consumption per department.",
    )

    name = fields.Char(
        string="Reference", required=True, readonly=True, copy=False, default="/", index="trigram"
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
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
        "cs.service.department", required=True, index=True, ondelete="restrict", tracking=True
    )
    consumption_date = fields.Datetime(
        required=True, index=True, default=fields.Datetime.now, tracking=True
    )
    line_ids = fields.One2many("cs.consumption.line", "consumption_id", string="Items", copy=True)
    amount_total = fields.Monetary(compute="_compute_amount_total", store=True)
    source = fields.Selection(
        [("manual", "Quick Entry"), ("import", "Import"), ("invoice", "Invoice")],
        required=True,
        default="manual",
        readonly=True,
    )
    move_id = fields.Many2one(
        "account.move",
        string="Invoice",
        index="btree_not_null",
        ondelete="set null",
        readonly=True,
        copy=False,
        check_company=True,
    )
    reversed_id = fields.Many2one(
        "cs.consumption",
        string="Reverses",
        index="btree_not_null",
        ondelete="set null",
        readonly=True,
        copy=False,
        help="The consumption a credit note takes back.",
    )
    reported_by_id = fields.Many2one(
        "res.users", default=lambda self: self.env.user, ondelete="set null", readonly=True
    )
    callback_deadline = fields.Datetime(
        compute="_compute_callback_deadline", store=True, index=True, readonly=False
    )
    callback_state = fields.Selection(
        CALLBACK_STATES,
        compute="_compute_callback_state",
        store=True,
        index=True,
        tracking=True,
    )
    callback_overdue = fields.Boolean(
        compute="_compute_callback_overdue", search="_search_callback_overdue"
    )
    contact_log_ids = fields.One2many("cs.contact.log", "consumption_id", string="Callbacks")
    note = fields.Text()

    # ------------------------------------------------------------
    # Compute and search
    # ------------------------------------------------------------

    @api.depends("line_ids.price_subtotal")
    def _compute_amount_total(self):
        for consumption in self:
            consumption.amount_total = sum(consumption.line_ids.mapped("price_subtotal"))

    @api.depends("consumption_date")
    def _compute_callback_deadline(self):
        delay = timedelta(days=self._callback_delay_days())
        for consumption in self:
            date = consumption.consumption_date
            consumption.callback_deadline = date and date + delay

    @api.depends("contact_log_ids.contact_type", "reversed_id")
    def _compute_callback_state(self):
        for consumption in self:
            if consumption.reversed_id:
                consumption.callback_state = "not_needed"
            elif "callback" in consumption.contact_log_ids.mapped("contact_type"):
                consumption.callback_state = "done"
            else:
                consumption.callback_state = "pending"

    @api.depends_context("uid")
    @api.depends("callback_state", "callback_deadline")
    def _compute_callback_overdue(self):
        now = fields.Datetime.now()
        for consumption in self:
            consumption.callback_overdue = (
                consumption.callback_state == "pending"
                and consumption.callback_deadline
                and consumption.callback_deadline < now
            )

    def _search_callback_overdue(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            return NotImplemented
        overdue = [
            ("callback_state", "=", "pending"),
            ("callback_deadline", "<", fields.Datetime.now()),
        ]
        if (operator == "=") == value:
            return overdue
        return ["!", "&", *overdue]

    # ------------------------------------------------------------
    # Constraints
    # ------------------------------------------------------------

    @api.constrains("partner_id", "company_id")
    def _check_partner_company(self):
        for consumption in self:
            partner_company = consumption.partner_id.company_id
            if partner_company and partner_company != consumption.company_id:
                raise ValidationError(
                    self.env._(
                        "The guest %(guest)s belongs to the company %(company)s, "
                        "not to %(consumption_company)s.",
                        guest=consumption.partner_id.display_name,
                        company=partner_company.name,
                        consumption_company=consumption.company_id.name,
                    )
                )

    # ------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        if self.env.context.get("import_file"):
            for vals in vals_list:
                vals.setdefault("source", "import")
        for vals in vals_list:
            if vals.get("name", "/") == "/":
                vals["name"] = self.env["ir.sequence"].next_by_code("cs.consumption") or "/"
        return super().create(vals_list)

    # ------------------------------------------------------------
    # Business
    # ------------------------------------------------------------

    @api.model
    def _callback_delay_days(self):
        param = self.env["ir.config_parameter"].sudo().get_param
        return int(param("customer_service.callback_delay_days", 3) or 3)
