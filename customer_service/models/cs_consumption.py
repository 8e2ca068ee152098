from collections import defaultdict
from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import SQL

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
        "cs.service.department",
        required=True,
        index=True,
        ondelete="restrict",
        tracking=True,
        default=lambda self: self._default_department_id(),
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
    callback_on_time = fields.Boolean(
        string="Called Back in Time",
        compute="_compute_callback_on_time",
        store=True,
        help="The first callback came before the deadline (R15).",
    )
    callback_escalated = fields.Boolean(readonly=True, copy=False)
    callback_user_id = fields.Many2one(
        "res.users",
        string="Calls Back",
        ondelete="set null",
        index=True,
        readonly=True,
        copy=False,
        help="The archive owner, or the CS staff member whose turn it was.",
    )
    guest_resting_hours = fields.Char(
        compute="_compute_guest_resting_hours",
        help="The guest's do-not-disturb hours: never call then (R15).",
    )
    contact_log_ids = fields.One2many("cs.contact.log", "consumption_id", string="Callbacks")
    note = fields.Text()

    @api.model
    def _default_department_id(self):
        # A liaison reports for their own department: one keystroke fewer.
        return self.env["cs.service.department"].search(
            [("member_ids", "in", self.env.uid)], limit=1
        )

    # ------------------------------------------------------------
    # Compute and search
    # ------------------------------------------------------------

    @api.depends("line_ids.price_subtotal")
    def _compute_amount_total(self):
        totals = {}
        for line in self.line_ids:
            key = line.consumption_id.id
            totals[key] = totals.get(key, 0.0) + line.price_subtotal
        for consumption in self:
            consumption.amount_total = totals.get(consumption.id, 0.0)

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

    @api.depends(
        "contact_log_ids.contact_date", "contact_log_ids.contact_type", "callback_deadline"
    )
    def _compute_callback_on_time(self):
        for consumption in self:
            dates = [
                log.contact_date
                for log in consumption.contact_log_ids
                if log.contact_type == "callback"
            ]
            consumption.callback_on_time = bool(
                dates
                and consumption.callback_deadline
                and min(dates) <= consumption.callback_deadline
            )

    @api.depends("partner_id")
    def _compute_guest_resting_hours(self):
        hours = self._dnd_hours_by_partner()
        for consumption in self:
            consumption.guest_resting_hours = hours.get(consumption.partner_id.id, False)

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
            consumption.partner_id._cs_check_company(consumption.company_id)

    # ------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        bulk = bool(self.env.context.get("import_file"))
        if bulk:
            for vals in vals_list:
                vals.setdefault("source", "import")
        unnamed = [vals for vals in vals_list if vals.get("name", "/") == "/"]
        for vals, name in zip(unnamed, self._next_names(len(unnamed)), strict=True):
            vals["name"] = name
        bulk = bulk or all(vals.get("source") == "invoice" for vals in vals_list)
        if bulk:
            # Imports and invoices bring thousands of rows: a "created" note,
            # tracked initial values and followers per row would only bury the
            # chatter (and cost more than the rows themselves).
            consumptions = (
                super(CsConsumption, self.with_context(tracking_disable=True))
                .create(vals_list)
                .with_env(self.env)
            )
        else:
            consumptions = super().create(vals_list)
        consumptions.with_context(cs_callback_nosubscribe=bulk)._schedule_callbacks()
        # R4: returning guests earn points on what they consume.
        self.env["loyalty.card"]._cs_award_consumption_points(consumptions)
        return consumptions

    @api.model
    def _next_names(self, count):
        """Draw count references from the sequence in one query, not count."""
        if not count:
            return []
        sequence = (
            self.env["ir.sequence"]
            .sudo()
            .search(
                [("code", "=", self._name), ("company_id", "in", [self.env.company.id, False])],
                order="company_id",
                limit=1,
            )
        )
        if not sequence:
            return ["/"] * count
        if sequence.implementation != "standard" or sequence.use_date_range:
            return [sequence._next() for _ in range(count)]
        numbers = self._draw_numbers(sequence, count)
        prefix, suffix = sequence._get_prefix_suffix()
        return [f"{prefix}{number:0{sequence.padding}d}{suffix}" for number in numbers]

    @api.model
    def _draw_numbers(self, sequence, count):
        """Draw count numbers of a standard sequence in one query.

        A PostgreSQL sequence takes no row lock and needs no cache flush, so
        concurrent feeds never wait on each other for a number.
        """
        self.env.cr.execute(
            SQL(
                "SELECT nextval(%s) FROM generate_series(1, %s)",
                f"ir_sequence_{sequence.id:03d}",
                count,
            )
        )
        return [number for (number,) in self.env.cr.fetchall()]

    @api.model
    def get_import_templates(self):
        return [
            {
                "label": self.env._("Import Template for Consumption"),
                "template": "/customer_service/static/xls/cs_consumption_import_template.csv",
            }
        ]

    # ------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------

    def action_log_callback(self):
        """Open a callback record for this visit, ready to fill in (R15)."""
        self.ensure_one()
        self.env["cs.contact.log"].check_access("create")
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Log Callback"),
            "res_model": "cs.contact.log",
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_partner_id": self.partner_id.id,
                "default_consumption_id": self.id,
                "default_contact_type": "callback",
                "default_company_id": self.company_id.id,
            },
        }

    def action_view_contact_logs(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Callbacks"),
            "res_model": "cs.contact.log",
            "view_mode": "list,form",
            "domain": [("consumption_id", "=", self.id)],
            "context": {
                "default_consumption_id": self.id,
                "default_partner_id": self.partner_id.id,
            },
        }

    # ------------------------------------------------------------
    # Business
    # ------------------------------------------------------------

    @api.model
    def _callback_delay_days(self):
        param = self.env["ir.config_parameter"].sudo().get_param
        return int(param("customer_service.callback_delay_days", 3) or 3)

    def _archive_by_partner(self):
        """The guest archive of each partner, read as superuser.

        Only the owner and the rest hours leave the archive: a liaison who
        reports a consumption learns nothing of the archive's content.
        """
        partners = self.partner_id.commercial_partner_id | self.partner_id
        archives = (
            self.env["cs.guest.archive"]
            .sudo()
            .search_fetch(
                [("partner_id", "in", partners.ids)],
                ["partner_id", "company_id", "owner_id", "dnd_start", "dnd_end"],
            )
        )
        by_partner = {(a.partner_id.id, a.company_id.id): a for a in archives}
        return {
            consumption.id: by_partner.get((consumption.partner_id.id, consumption.company_id.id))
            or by_partner.get(
                (consumption.partner_id.commercial_partner_id.id, consumption.company_id.id)
            )
            for consumption in self
        }

    def _dnd_hours_by_partner(self):
        result = {}
        for consumption, archive in zip(self, self._archive_by_partner().values(), strict=True):
            window = _dnd_window(archive)
            if window:
                result[consumption.partner_id.id] = "–".join(window)
        return result

    def _callback_team(self):
        """CS staff who take callbacks in turn when a guest has no owner."""
        group = self.env.ref("customer_service.group_cs_user")
        managers = self.env.ref("customer_service.group_cs_manager")
        team = group.sudo().all_user_ids.filtered(
            lambda u: u.active and not u.share and u not in managers.all_user_ids
        )
        return team.sorted("id") or group.sudo().all_user_ids.filtered("active").sorted("id")

    def _schedule_callbacks(self):
        """Give each pending callback an owner and an activity (R15).

        The archive owner calls back; otherwise the CS staff take turns, the
        turns drawn from a sequence so that they continue over batches.
        """
        pending = self.filtered(lambda c: c.callback_state == "pending")
        if not pending:
            return
        archives = pending._archive_by_partner()
        unowned = sum(1 for c in pending if not (archives[c.id] and archives[c.id].owner_id))
        team = self._callback_team() if unowned else self.env["res.users"]
        turns = iter(
            self._draw_numbers(self.env.ref("customer_service.seq_cs_callback_turn"), unowned)
            if team
            else ()
        )
        activity_type = self.env.ref("customer_service.mail_activity_type_callback")
        model_id = self.env["ir.model"]._get_id(self._name)
        activity_vals = []
        by_user = defaultdict(list)
        for consumption in pending:
            archive = archives[consumption.id]
            user = archive and archive.owner_id
            if not user and team:
                user = team[next(turns) % len(team)]
            if not user:
                continue
            by_user[user].append(consumption.id)
            note = False
            window = _dnd_window(archive)
            if window:
                note = self.env._(
                    "Do not call between %(start)s and %(end)s: the guest is resting.",
                    start=window[0],
                    end=window[1],
                )
            activity_vals.append(
                {
                    "res_model_id": model_id,
                    "res_id": consumption.id,
                    "activity_type_id": activity_type.id,
                    "user_id": user.id,
                    "date_deadline": fields.Date.context_today(
                        consumption, consumption.callback_deadline
                    ),
                    "note": note,
                }
            )
        for user, ids in by_user.items():
            self.browse(ids).write({"callback_user_id": user.id})
        # mail.activity reads its record's name one record at a time: compute
        # the names of the whole batch first, in one go.
        pending.mapped("display_name")
        self.env["mail.activity"].sudo().with_context(mail_activity_quick_update=True).create(
            activity_vals
        )

    def _message_subscribe(self, partner_ids=None, subtype_ids=None, customer_ids=None):
        # A bulk callback's activity already reaches its owner: following
        # thousands of imported consumptions as well would only fill tables.
        if self.env.context.get("cs_callback_nosubscribe"):
            return True
        return super()._message_subscribe(
            partner_ids=partner_ids, subtype_ids=subtype_ids, customer_ids=customer_ids
        )

    def _close_callback_activities(self, feedback=False):
        self.sudo().activity_feedback(
            ["customer_service.mail_activity_type_callback"],
            feedback=feedback,
            only_automated=False,
        )

    @api.model
    def _cron_escalate_overdue_callbacks(self):
        """Overdue callbacks go to the CS managers, once each (R15)."""
        overdue = self.search([("callback_overdue", "=", True), ("callback_escalated", "=", False)])
        if not overdue:
            return
        managers = self.env.ref("customer_service.group_cs_manager").user_ids.filtered("active")
        overdue = overdue.with_context(mail_activity_quick_update=True)
        for manager in managers:
            overdue.activity_schedule(
                "customer_service.mail_activity_type_callback_overdue", user_id=manager.id
            )
        overdue.callback_escalated = True


def _float_time(value):
    hours, minutes = divmod(round((value or 0.0) * 60), 60)
    return f"{int(hours) % 24:02d}:{int(minutes):02d}"


def _dnd_window(archive):
    """The archive's do-not-disturb hours as ("22:00", "08:30"), or None."""
    if archive and archive.dnd_start != archive.dnd_end:
        return _float_time(archive.dnd_start), _float_time(archive.dnd_end)
    return None
