from collections import defaultdict

from odoo import Command, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL


class CsConsumption(models.Model):
    """What a guest consumed in one department at one time (R6).

    Departments report it by quick entry, import, or automatically from posted
    customer invoices. Each consumption owes the guest a callback within the
    configured delay (R15), through the visit it joins: one call per stay.
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
    _external_ref_unique = models.UniqueIndex(
        "(company_id, department_id, external_ref) WHERE external_ref IS NOT NULL",
        "An outlet reference is reported once per department.",
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
    # Create fills it in (_fill_stored_values): a new row is inserted once.
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
    # The callback is the visit's (R15): one call per stay, not per dinner.
    visit_id = fields.Many2one(
        "cs.visit",
        index=True,
        readonly=True,
        copy=False,
        ondelete="restrict",
        # Set by the folding alone, always in the consumption's company: no
        # company check per row on every import.
    )
    # Not stored: they are the visit's and cannot drift from it, and closing
    # a visit writes no row of its consumption. Searching them joins the
    # visit.
    callback_deadline = fields.Datetime(related="visit_id.callback_deadline")
    callback_state = fields.Selection(related="visit_id.callback_state")
    callback_on_time = fields.Boolean(related="visit_id.callback_on_time")
    callback_user_id = fields.Many2one(related="visit_id.callback_user_id")
    callback_overdue = fields.Boolean(related="visit_id.callback_overdue")
    guest_resting_hours = fields.Char(related="visit_id.guest_resting_hours")
    contact_log_ids = fields.One2many("cs.contact.log", "consumption_id", string="Callbacks")
    note = fields.Text()
    external_ref = fields.Char(
        string="Outlet Reference",
        copy=False,
        help="The check, folio or order number in the department's own system. "
        "Reporting the same reference again (a file imported twice, a retried "
        "request) returns the consumption already recorded instead of a second one.",
    )

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
        # A file imported again, or a request retried after a lost answer,
        # must not consume (and earn points) twice: the outlet's reference is
        # the idempotency key. What is already there is handed back in place.
        recorded = self._find_recorded(vals_list)
        vals_list = [vals for index, vals in enumerate(vals_list) if index not in recorded]
        if not vals_list:
            return self._with_recorded(recorded, self.browse())
        bulk = bool(self.env.context.get("import_file"))
        if bulk:
            for vals in vals_list:
                vals.setdefault("source", "import")
        unnamed = [vals for vals in vals_list if vals.get("name", "/") == "/"]
        for vals, name in zip(unnamed, self._next_names(len(unnamed)), strict=True):
            vals["name"] = name
        self._check_guest_companies(vals_list)
        # R6, R15: each consumption joins its guest's visit, or opens one.
        new_visits = self.env["cs.visit"]._assign(vals_list)
        self._fill_stored_values(vals_list)
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
        consumptions.sudo().visit_id._sync_callback_activities(new_visits)
        # R4: returning guests earn points on what they consume.
        self.env["loyalty.card"]._cs_award_consumption_points(consumptions, new=True)
        return self._with_recorded(recorded, consumptions)

    def _with_recorded(self, recorded, created):
        """The consumptions of a create, in the caller's order: the ones
        already recorded under their outlet reference, and the new ones."""
        if not recorded:
            return created
        new_ids = iter(created.ids)
        return self.browse(
            [
                recorded[index].id if index in recorded else next(new_ids)
                for index in range(len(recorded) + len(created))
            ]
        )

    @api.model
    def _find_recorded(self, vals_list):
        """The consumptions already recorded under the rows' outlet references.

        Returns {row index: consumption}. A reference already recorded for
        another guest, or given twice in one batch, is an error, not a retry.
        """
        keys = {}
        for index, vals in enumerate(vals_list):
            ref = (vals.get("external_ref") or "").strip()
            vals["external_ref"] = ref or False
            if not ref:
                continue
            department_id = (
                vals.get("department_id")
                or self.env.context.get("default_department_id")
                or self._default_department_id().id
            )
            key = (vals.get("company_id") or self.env.company.id, department_id, ref)
            if key in keys.values():
                raise UserError(
                    self.env._(
                        "The outlet reference %(ref)s is given twice: each check or folio "
                        "is reported once.",
                        ref=ref,
                    )
                )
            keys[index] = key
        if not keys:
            return {}
        self.flush_model(["company_id", "department_id", "external_ref"])
        self.env.cr.execute(
            SQL(
                """SELECT company_id, department_id, external_ref, id, partner_id
                     FROM cs_consumption WHERE external_ref IN %s""",
                tuple({key[2] for key in keys.values()}),
            )
        )
        found = {row[:3]: row[3:] for row in self.env.cr.fetchall()}
        recorded = {}
        for index, key in keys.items():
            if key not in found:
                continue
            consumption_id, partner_id = found[key]
            if partner_id != vals_list[index].get("partner_id", partner_id):
                raise UserError(
                    self.env._(
                        "The outlet reference %(ref)s was already reported for another guest "
                        "(%(consumption)s). Check the reference before reporting it again.",
                        ref=key[2],
                        consumption=self.sudo().browse(consumption_id).name,
                    )
                )
            recorded[index] = self.browse(consumption_id)
        return recorded

    def write(self, vals):
        if not {"partner_id", "company_id"} & vals.keys():
            return super().write(vals)
        # Another guest: the consumption leaves its visit for that guest's.
        moved = self.sudo().filtered(lambda c: c.visit_id.callback_state != "not_needed")
        called = moved.filtered(lambda c: c.visit_id.callback_state == "done")
        if called:
            raise UserError(
                self.env._(
                    "%(consumption)s was already called back with its guest: "
                    "it cannot move to another guest.",
                    consumption=called[0].name,
                )
            )
        old_visits = moved.visit_id
        result = super().write(vals)
        if moved:
            values = [
                {
                    "partner_id": consumption.partner_id.id,
                    "company_id": consumption.company_id.id,
                    "consumption_date": consumption.consumption_date,
                }
                for consumption in moved
            ]
            self._check_guest_companies(values)
            new_visits = self.env["cs.visit"]._assign(values)
            by_visit = defaultdict(list)
            for consumption, vals in zip(moved, values, strict=True):
                by_visit[vals["visit_id"]].append(consumption.id)
            for visit_id, ids in by_visit.items():
                moved.browse(ids).visit_id = visit_id
            moved.visit_id._sync_callback_activities(new_visits)
        old_visits._drop_empty()
        return result

    def unlink(self):
        visits = self.sudo().visit_id
        result = super().unlink()
        visits._drop_empty()
        return result

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
        """Call the guest back about the visit this consumption is part of."""
        self.ensure_one()
        if not self.visit_id:
            raise UserError(self.env._("%(name)s is not part of a visit.", name=self.name))
        return self.visit_id.action_log_callback()

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
    def _fill_stored_values(self, vals_list):
        """Put the stored computes of new rows in their values.

        Each row and item is then inserted once, complete, instead of being
        inserted and updated again with its company and amounts (the ORM
        still computes them after, finds the same values and writes nothing).
        Odoo's precompute would do it through a new record per row, which
        costs more than the update it saves.
        """
        Line = self.env["cs.consumption.line"]
        for vals in vals_list:
            company_id = vals.get("company_id") or self.env.company.id
            total = 0.0
            for command in vals.get("line_ids") or ():
                if not (isinstance(command, (list, tuple)) and command[0] == Command.CREATE):
                    total = None  # links or updates: let the compute add them up
                    continue
                line_vals = command[2]
                line_vals.setdefault("company_id", company_id)
                if "price_subtotal" not in line_vals:
                    line_vals["price_subtotal"] = Line._subtotal(
                        line_vals.get("quantity", 1.0), line_vals.get("price_unit", 0.0)
                    )
                if total is not None:
                    total += line_vals["price_subtotal"]
            if total is not None:
                vals.setdefault("amount_total", total)

    @api.model
    def _check_guest_companies(self, vals_list):
        """Refuse a guest of another company before anything is written."""
        by_company = {}
        for vals in vals_list:
            if vals.get("partner_id"):
                company_id = vals.get("company_id") or self.env.company.id
                by_company.setdefault(company_id, set()).add(vals["partner_id"])
        for company_id, partner_ids in by_company.items():
            self.env["res.partner"].sudo().browse(partner_ids)._cs_check_company(
                self.env["res.company"].sudo().browse(company_id)
            )
