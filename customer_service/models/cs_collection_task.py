from odoo import Command, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import format_date, formatLang

from ..cron import batches

TASK_STATES = [
    ("open", "Open"),
    ("promised", "Promised"),
    ("closed", "Collected"),
]


class CsCollectionTask(models.Model):
    """CS helps finance collect a guest's overdue receivables (R10).

    One open task per partner and company gathers the overdue receivable
    lines. CS calls the guest, records promises, and the task closes on its
    own when finance reconciles payments against the lines, and reopens if
    they are unreconciled. The amounts come from accounting, never typed.
    """

    _name = "cs.collection.task"
    _description = "Collection Task"
    _order = "state, amount_due desc, id desc"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _check_company_auto = True

    name = fields.Char(compute="_compute_name", store=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        ondelete="restrict",
        check_company=True,
        tracking=True,
    )
    user_id = fields.Many2one(
        "res.users",
        string="Collector",
        index=True,
        ondelete="set null",
        tracking=True,
        help="The guest's archive owner, who knows them best.",
    )
    line_ids = fields.Many2many(
        "account.move.line",
        "cs_collection_task_move_line_rel",
        "task_id",
        "line_id",
        string="Receivable Lines",
        readonly=True,
        groups="account.group_account_invoice,account.group_account_readonly",
    )
    amount_opened = fields.Monetary(
        string="Due at Opening",
        readonly=True,
        help="What the customer owed on these lines when the task opened.",
    )
    amount_due = fields.Monetary(compute="_compute_amounts", store=True, tracking=True)
    amount_collected = fields.Monetary(string="Collected", compute="_compute_amounts", store=True)
    open_invoices = fields.Html(
        compute="_compute_open_invoices",
        help="The open invoices, for CS staff who have no access to accounting.",
    )
    promise_date = fields.Date(tracking=True)
    promise_amount = fields.Monetary(tracking=True)
    promise_broken = fields.Boolean(
        compute="_compute_promise_broken", search="_search_promise_broken"
    )
    promise_escalated = fields.Boolean(readonly=True, copy=False)
    state = fields.Selection(
        TASK_STATES,
        compute="_compute_state",
        store=True,
        index=True,
        tracking=True,
    )
    closed_date = fields.Date(compute="_compute_closed_date", store=True)
    contact_log_ids = fields.One2many("cs.contact.log", "collection_task_id", string="Contacts")
    contact_log_count = fields.Integer(compute="_compute_contact_log_count")

    # ------------------------------------------------------------
    # Compute and search
    # ------------------------------------------------------------

    @api.depends("partner_id")
    def _compute_name(self):
        for task in self:
            task.name = self.env._("Collection: %(partner)s", partner=task.partner_id.name or "")

    @api.depends("line_ids.amount_residual", "amount_opened")
    def _compute_amounts(self):
        for task in self:
            due = sum(task.sudo().line_ids.mapped("amount_residual"))
            task.amount_due = max(due, 0.0)
            task.amount_collected = max(task.amount_opened - task.amount_due, 0.0)

    @api.depends("amount_due", "promise_date")
    def _compute_state(self):
        for task in self:
            if task.currency_id.is_zero(task.amount_due):
                task.state = "closed"
            elif task.promise_date:
                task.state = "promised"
            else:
                task.state = "open"

    @api.depends("state")
    def _compute_closed_date(self):
        today = fields.Date.context_today(self)
        for task in self:
            task.closed_date = today if task.state == "closed" else False

    @api.depends("line_ids")
    def _compute_open_invoices(self):
        for task in self:
            rows = "".join(
                "<li>{move} · {due}: {amount}</li>".format(
                    move=line.move_id.name,
                    due=format_date(self.env, line.date_maturity),
                    amount=formatLang(
                        self.env, line.amount_residual, currency_obj=task.currency_id
                    ),
                )
                for line in task.sudo().line_ids
                if not line.reconciled
            )
            task.open_invoices = f"<ul>{rows}</ul>" if rows else False

    @api.depends("promise_date", "promise_amount", "amount_collected", "state")
    def _compute_promise_broken(self):
        today = fields.Date.context_today(self)
        for task in self:
            task.promise_broken = bool(
                task.state == "promised"
                and task.promise_date < today
                and task.amount_collected < task.promise_amount
            )

    def _search_promise_broken(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            return NotImplemented
        today = fields.Date.context_today(self)
        candidates = self.search([("state", "=", "promised"), ("promise_date", "<", today)])
        broken = candidates.filtered(lambda t: t.amount_collected < t.promise_amount)
        positive = (operator == "=") == value
        return [("id", "in" if positive else "not in", broken.ids)]

    def _compute_contact_log_count(self):
        counts = dict(
            self.env["cs.contact.log"]._read_group(
                [("collection_task_id", "in", self.ids)], ["collection_task_id"], ["__count"]
            )
        )
        for task in self:
            task.contact_log_count = counts.get(task, 0)

    # ------------------------------------------------------------
    # Constraints
    # ------------------------------------------------------------

    @api.constrains("promise_amount", "promise_date")
    def _check_promise(self):
        for task in self:
            if task.promise_amount < 0:
                raise ValidationError(self.env._("A promised amount cannot be negative."))
            if task.promise_amount and not task.promise_date:
                raise ValidationError(
                    self.env._("A promise needs the date the customer will pay by.")
                )

    # ------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------

    def write(self, vals):
        if "promise_date" in vals or "promise_amount" in vals:
            # A new promise may be broken again, and escalate again.
            vals = dict(vals, promise_escalated=False)
        return super().write(vals)

    # ------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------

    def action_log_contact(self):
        self.ensure_one()
        self.env["cs.contact.log"].check_access("create")
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Log a Collection Call"),
            "res_model": "cs.contact.log",
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_partner_id": self.partner_id.id,
                "default_collection_task_id": self.id,
                "default_contact_type": "collection",
                "default_company_id": self.company_id.id,
            },
        }

    def action_view_contact_logs(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "customer_service.cs_contact_log_action"
        )
        action["domain"] = [("collection_task_id", "=", self.id)]
        action["context"] = {
            "default_collection_task_id": self.id,
            "default_partner_id": self.partner_id.id,
            "default_contact_type": "collection",
        }
        return action

    @api.model
    def action_generate(self):
        """Button and cron: gather today's overdue receivables into tasks."""
        if not self.env.user.has_group("customer_service.group_cs_user") and not (
            self.env.user.has_group("customer_service.group_cs_finance")
        ):
            raise UserError(self.env._("Only customer service and finance gather collections."))
        tasks = self.sudo()._generate_tasks()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "info",
                "message": self.env._(
                    "%(count)s collection tasks opened or updated.", count=len(tasks)
                ),
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

    # ------------------------------------------------------------
    # Business
    # ------------------------------------------------------------

    @api.model
    def _overdue_line_domain(self):
        return [
            ("account_id.account_type", "=", "asset_receivable"),
            ("parent_state", "=", "posted"),
            ("reconciled", "=", False),
            ("amount_residual", ">", 0),
            ("date_maturity", "<", fields.Date.context_today(self)),
            ("company_id", "in", self.env.companies.ids),
        ]

    @api.model
    def _generate_tasks(self):
        """One open task per customer and company, holding every overdue line."""
        Line = self.env["account.move.line"]
        lines = Line.search(self._overdue_line_domain())
        if not lines:
            return self.browse()
        groups = {}
        for line in lines:
            key = (line.partner_id.commercial_partner_id.id, line.company_id.id)
            groups.setdefault(key, Line)
            groups[key] |= line
        open_tasks = {
            (task.partner_id.id, task.company_id.id): task
            for task in self.search(
                [
                    ("state", "!=", "closed"),
                    ("partner_id", "in", [p for p, _c in groups]),
                ]
            )
        }
        owners = self._owners([p for p, _c in groups])
        touched = self.browse()
        # The open task per customer and company is the key: a batch redone
        # after a crash links what is new to the tasks its first run made.
        for keys in batches(self.env, list(groups)):
            touched |= self._generate_batch({key: groups[key] for key in keys}, open_tasks, owners)
        return touched

    @api.model
    def _generate_batch(self, groups, open_tasks, owners):
        to_create, touched = [], self.browse()
        for (partner_id, company_id), group in groups.items():
            if not partner_id:
                continue
            task = open_tasks.get((partner_id, company_id))
            if task:
                new = group - task.line_ids
                if new:
                    task.write(
                        {
                            "line_ids": [Command.link(line.id) for line in new],
                            "amount_opened": task.amount_opened
                            + sum(new.mapped("amount_residual")),
                        }
                    )
                    touched |= task
                continue
            to_create.append(
                {
                    "partner_id": partner_id,
                    "company_id": company_id,
                    "user_id": owners.get((partner_id, company_id), False),
                    "line_ids": [Command.set(group.ids)],
                    "amount_opened": sum(group.mapped("amount_residual")),
                }
            )
        created = self.create(to_create)
        created._notify_collectors()
        return touched | created

    @api.model
    def _owners(self, partner_ids):
        archives = (
            self.env["cs.guest.archive"]
            .sudo()
            .search_fetch(
                [("partner_id", "in", partner_ids), ("owner_id", "!=", False)],
                ["partner_id", "company_id", "owner_id"],
            )
        )
        return {(a.partner_id.id, a.company_id.id): a.owner_id.id for a in archives}

    def _notify_collectors(self):
        summary = self.env._("Help finance collect an overdue balance")
        for user, tasks in self.filtered("user_id").grouped("user_id").items():
            tasks.with_context(mail_activity_quick_update=True).activity_schedule(
                "mail.mail_activity_data_call", summary=summary, user_id=user.id
            )

    @api.model
    def _cron_collections(self):
        self._generate_tasks()
        self._escalate_broken_promises()

    @api.model
    def _escalate_broken_promises(self):
        """A broken promise goes to the CS managers of its company, once."""
        broken = self.search([("promise_broken", "=", True), ("promise_escalated", "=", False)])
        broken._cs_escalate_to_managers(
            "mail.mail_activity_data_todo",
            "promise_escalated",
            summary=self.env._("A payment promise was broken"),
        )
