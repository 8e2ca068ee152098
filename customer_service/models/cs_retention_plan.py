from collections import defaultdict

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL

from ..cron import batches
from .cs_retention_plan_template import interval_delta

PLAN_STATES = [
    ("draft", "Draft"),
    ("submitted", "Submitted"),
    ("approved", "Approved"),
    ("running", "Running"),
    ("done", "Done"),
    ("rejected", "Rejected"),
    ("cancel", "Cancelled"),
]
# What a plan's content is made of: fixed once it is submitted.
LOCKED_FIELDS = {"template_id", "archive_ids", "date_from", "date_to", "company_id"}
# State changes a user may write directly; the others (approved, running,
# done) happen only through the approval and the plan's own methods.
USER_TRANSITIONS = {
    ("draft", "submitted"),
    ("draft", "cancel"),
    ("submitted", "cancel"),
    ("submitted", "rejected"),
    ("rejected", "draft"),
    ("cancel", "draft"),
}
DEFAULT_HORIZON_DAYS = 14
# Archives handled per batch when generating activities or greetings.
ONE_DAY = relativedelta(days=1)


class CsRetentionPlan(models.Model):
    """A retention and callback plan (客户维系及回访计划) for archives (R2, R7, R16).

    A plan applies a template to one archive or a batch of archives over a
    period. It is submitted and approved through tier validation (a CS
    manager, or a leader when any archive is a strategic client) and is
    carried out only once approved: while it runs, a daily cron schedules
    the contacts and visits as activities on the archives, a rolling horizon
    ahead, and sends the greetings (see ``cs.greeting``).
    """

    _name = "cs.retention.plan"
    _description = "Retention and Callback Plan"
    _order = "date_from desc, id desc"
    _inherit = ["cs.approval.mixin", "mail.thread"]
    _check_company_auto = True

    _period_check = models.Constraint(
        "CHECK (date_to >= date_from)", "A plan's period cannot end before it starts."
    )

    name = fields.Char(
        required=True, readonly=True, copy=False, default=lambda self: self.env._("New")
    )
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        ondelete="restrict",
        default=lambda self: self.env.company,
    )
    user_id = fields.Many2one(
        "res.users",
        string="Responsible",
        required=True,
        index=True,
        ondelete="restrict",
        tracking=True,
        default=lambda self: self.env.user,
        help="Gets the scheduled contacts of archives that have no owner.",
    )
    template_id = fields.Many2one(
        "cs.retention.plan.template",
        required=True,
        ondelete="restrict",
        index=True,
        check_company=True,
        tracking=True,
    )
    archive_ids = fields.Many2many(
        "cs.guest.archive",
        "cs_retention_plan_archive_rel",
        "plan_id",
        "archive_id",
        string="Archives",
        check_company=True,
    )
    archive_count = fields.Integer(compute="_compute_archive_count")
    date_from = fields.Date(
        string="Start", required=True, tracking=True, default=fields.Date.context_today
    )
    date_to = fields.Date(
        string="End",
        required=True,
        tracking=True,
        default=lambda self: fields.Date.context_today(self) + relativedelta(months=3, days=-1),
    )
    state = fields.Selection(
        PLAN_STATES, default="draft", required=True, tracking=True, copy=False, index=True
    )
    has_strategic = fields.Boolean(
        string="Strategic Client",
        compute="_compute_has_strategic",
        store=True,
        help="A plan with a strategic client is approved by a company leader.",
    )
    auto_renew = fields.Boolean(
        default=True,
        help="When the period ends, the same plan for the next period is submitted for approval.",
    )
    generated_until = fields.Date(
        readonly=True, copy=False, help="Contacts are scheduled up to this date."
    )
    previous_plan_id = fields.Many2one(
        "cs.retention.plan",
        string="Renews",
        readonly=True,
        copy=False,
        index="btree_not_null",
        ondelete="set null",
    )
    scheduled_count = fields.Integer(compute="_compute_scheduled_count")
    greeting_count = fields.Integer(compute="_compute_greeting_count")

    # ------------------------------------------------------------
    # Compute
    # ------------------------------------------------------------

    @api.depends("archive_ids")
    def _compute_archive_count(self):
        for plan in self:
            plan.archive_count = len(plan.archive_ids)

    @api.depends("archive_ids.customer_class")
    def _compute_has_strategic(self):
        for plan in self:
            plan.has_strategic = "strategic" in plan.archive_ids.mapped("customer_class")

    def _compute_scheduled_count(self):
        counts = dict(
            self.env["mail.activity"]
            .sudo()
            ._read_group(
                [("retention_plan_id", "in", self.ids)], ["retention_plan_id"], ["__count"]
            )
        )
        for plan in self:
            plan.scheduled_count = counts.get(plan, 0)

    def _compute_greeting_count(self):
        counts = dict(
            self.env["cs.greeting"]
            .sudo()
            ._read_group([("plan_id", "in", self.ids)], ["plan_id"], ["__count"])
        )
        for plan in self:
            plan.greeting_count = counts.get(plan, 0)

    # ------------------------------------------------------------
    # Constraints
    # ------------------------------------------------------------

    @api.model
    def _check_period_values(self, date_from, date_to):
        if date_from and date_to and fields.Date.to_date(date_to) < fields.Date.to_date(date_from):
            raise ValidationError(
                self.env._(
                    "The plan's period ends (%(end)s) before it starts (%(start)s).",
                    end=date_to,
                    start=date_from,
                )
            )

    @api.constrains("date_from", "date_to")
    def _check_period(self):
        for plan in self:
            self._check_period_values(plan.date_from, plan.date_to)

    @api.constrains("template_id", "archive_ids")
    def _check_members_only(self):
        for plan in self.filtered("template_id.members_only"):
            others = plan.sudo().archive_ids.filtered(lambda a: a.vip_level == "none")
            if others:
                raise ValidationError(
                    self.env._(
                        "The template %(template)s is for members only; these archives "
                        "have no VIP level: %(codes)s.",
                        template=plan.template_id.display_name,
                        codes=", ".join(others.mapped("code")),
                    )
                )

    # ------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        # Before the insert, so that an RPC client gets the clear message.
        for vals in vals_list:
            self._check_period_values(vals.get("date_from"), vals.get("date_to"))
            if vals.get("state", "draft") != "draft" and not self.env.su:
                raise UserError(self.env._("A new plan starts as a draft."))
        default_name = self.env._("New")
        for vals in vals_list:
            if not vals.get("name") or vals["name"] == default_name:
                vals["name"] = self.env["ir.sequence"].next_by_code("cs.retention.plan")
        plans = super().create(vals_list)
        plans._check_archives_readable()
        return plans

    def write(self, vals):
        if not self.env.su:
            if "state" in vals:
                self._check_user_transition(vals["state"])
            locked = LOCKED_FIELDS.intersection(vals)
            if locked and any(plan.state != "draft" for plan in self):
                raise UserError(
                    self.env._(
                        "Only a draft plan's archives, template and period can change. "
                        "Reset the plan to draft first."
                    )
                )
        if "date_from" in vals or "date_to" in vals:
            for plan in self:
                self._check_period_values(
                    vals.get("date_from", plan.date_from), vals.get("date_to", plan.date_to)
                )
        result = super().write(vals)
        if "archive_ids" in vals:
            self._check_archives_readable()
        return result

    def unlink(self):
        if any(plan.state not in ("draft", "cancel") for plan in self):
            raise UserError(self.env._("Only a draft or cancelled plan can be deleted."))
        return super().unlink()

    # ------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------

    def action_draft(self):
        """Back to draft after a rejection or a cancellation, to amend and resubmit."""
        if any(plan.state not in ("rejected", "cancel") for plan in self):
            raise UserError(self.env._("Only a rejected or cancelled plan can return to draft."))
        self.write({"state": "draft"})
        return True

    def action_close(self):
        """End a running or approved plan early; its future contacts are dropped."""
        self.check_access("write")
        if any(plan.state not in ("approved", "running") for plan in self):
            raise UserError(self.env._("Only an approved or running plan can be closed."))
        user = self.env.user
        if not user.has_group("customer_service.group_cs_manager") and any(
            plan.user_id != user for plan in self
        ):
            raise AccessError(
                self.env._("Only the plan's responsible or a CS manager may close it.")
            )
        today = fields.Date.context_today(self)
        self.env["mail.activity"].sudo().search(
            [("retention_plan_id", "in", self.ids), ("date_deadline", ">", today)]
        ).unlink()
        self.sudo().write({"state": "done", "auto_renew": False})
        return True

    def action_view_scheduled(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Scheduled Contacts"),
            "res_model": "mail.activity",
            "view_mode": "list,form",
            "domain": [("retention_plan_id", "=", self.id)],
            "context": {"create": False},
        }

    def action_view_greetings(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "customer_service.cs_greeting_action"
        )
        action["domain"] = [("plan_id", "=", self.id)]
        action["context"] = {"create": False}
        return action

    # ------------------------------------------------------------
    # Approval
    # ------------------------------------------------------------

    def _check_can_submit(self):
        today = fields.Date.context_today(self)
        for plan in self:
            if not plan.archive_ids:
                raise UserError(self.env._("Add the archives to plan first."))
            if plan.date_to < today:
                raise UserError(
                    self.env._("The plan %(plan)s's period is already over.", plan=plan.name)
                )

    def _on_approved(self):
        result = super()._on_approved()
        self._start_due()
        return result

    def _check_user_transition(self, new_state):
        for plan in self:
            if plan.state == new_state:
                continue
            allowed = (plan.state, new_state) in USER_TRANSITIONS
            if new_state == "rejected":
                allowed = allowed and plan.validation_status == "rejected"
            if not allowed:
                raise UserError(
                    self.env._(
                        "A plan cannot go from %(old)s to %(new)s by hand: it is approved "
                        "through its reviews and then runs on its own.",
                        old=dict(PLAN_STATES)[plan.state],
                        new=dict(PLAN_STATES).get(new_state, new_state),
                    )
                )

    def _check_archives_readable(self):
        """Users plan only archives they may read (the confidentiality rules, R12)."""
        if self.env.su:
            return
        self.sudo().archive_ids.with_env(self.env).check_access("read")

    # ------------------------------------------------------------
    # Running the plan
    # ------------------------------------------------------------

    def _is_approved(self):
        self.ensure_one()
        return self.state in ("approved", "running") and self.validation_status == "validated"

    def _start_due(self):
        """Start approved plans whose period has begun, and schedule their contacts."""
        today = fields.Date.context_today(self)
        due = self.filtered(lambda p: p.state == "approved" and p.date_from <= today)
        if due:
            due.sudo().write({"state": "running"})
            due._generate_activities()
        return due

    @api.model
    def _horizon_days(self):
        params = self.env["ir.config_parameter"].sudo()
        param = params.get_param("customer_service.plan_horizon_days")
        try:
            return max(int(param), 1) if param else DEFAULT_HORIZON_DAYS
        except ValueError:
            return DEFAULT_HORIZON_DAYS

    def _generate_activities(self, until=None):
        """Schedule the plans' contacts and visits as activities, up to ``until``.

        The due dates follow the template's rhythm from the start of the
        period, so a later run extends the schedule where the last one
        stopped, and never schedules the same contact twice. An unapproved
        plan schedules nothing. Archives are handled in batches: the number
        of queries grows with the batches and the owners, not the archives.
        Returns the number of activities created.
        """
        today = fields.Date.context_today(self)
        until = until or today + relativedelta(days=self._horizon_days())
        Activity = (
            self.env["mail.activity"]
            .sudo()
            .with_context(
                mail_activity_quick_update=True,
                tracking_disable=True,
                mail_notrack=True,
            )
        )
        model_id = self.env["ir.model"]._get_id("cs.guest.archive")
        types = {
            "contact": self.env.ref("customer_service.mail_activity_type_cs_scheduled_contact").id,
            "visit": self.env.ref("customer_service.mail_activity_type_cs_visit").id,
        }
        created = 0
        for plan in self.sudo():
            if plan.state != "running" or not plan._is_approved():
                continue
            start = (
                max(plan.date_from, plan.generated_until + relativedelta(days=1))
                if (plan.generated_until)
                else plan.date_from
            )
            end = min(plan.date_to, until)
            if start > end:
                continue
            template = plan.template_id
            archive_ids = plan._active_archive_ids()
            for batch in batches(self.env, archive_ids):
                archives = self.env["cs.guest.archive"].sudo().browse(batch)
                vals_list = plan._activity_vals(archives, template, start, end, model_id, types)
                if vals_list:
                    # res_name is computed per activity from the archive: warm
                    # the cache so that it costs no query per archive.
                    archives.mapped("display_name")
                    Activity.create(vals_list)
                    created += len(vals_list)
            plan.generated_until = end
        return created

    def _active_archive_ids(self):
        """The ids of the plan's active archives, straight from the relation.

        Reading ``archive_ids`` would filter inactive archives in Python and
        load every field of every archive: 240 MB over 100,000 archives.
        """
        self.ensure_one()
        self.flush_recordset(["archive_ids"])
        self.env["cs.guest.archive"].flush_model(["active"])
        self.env.cr.execute(
            SQL(
                """SELECT rel.archive_id
                     FROM cs_retention_plan_archive_rel rel
                     JOIN cs_guest_archive a ON a.id = rel.archive_id
                    WHERE rel.plan_id = %s AND a.active
                 ORDER BY rel.archive_id""",
                self.id,
            )
        )
        return [row[0] for row in self.env.cr.fetchall()]

    def _activity_vals(self, archives, template, start, end, model_id, types):
        """The activities to create for a batch of one plan's archives."""
        self.ensure_one()
        existing = {
            (activity["res_id"], activity["activity_type_id"][0], activity["date_deadline"])
            for activity in self.env["mail.activity"]
            .sudo()
            .with_context(active_test=False)
            .search_read(
                [
                    ("retention_plan_id", "=", self.id),
                    ("res_id", "in", archives.ids),
                    ("date_deadline", ">=", start),
                    ("date_deadline", "<=", end),
                ],
                ["res_id", "activity_type_id", "date_deadline"],
                load="_classic_read",
            )
        }
        channel_labels = {}
        by_rule = defaultdict(list)
        for archive in archives:
            for rule in template._contact_rules(archive):
                by_rule[rule].append(archive)
        vals_list = []
        for rule, rule_archives in by_rule.items():
            kind, number, unit, channel, alternate, every = rule
            type_id = types[kind]
            for index, due in self._due_dates(number, unit, start, end):
                use = alternate if every and (index + 1) % every == 0 else channel
                for archive in rule_archives:
                    if (archive.id, type_id, due) in existing:
                        continue
                    owner = archive.owner_id
                    user = owner if owner and owner.active else self.user_id
                    lang = user.lang or "en_US"
                    if lang not in channel_labels:
                        field = self.env["cs.contact.log"]._fields["channel"]
                        channel_labels[lang] = dict(
                            field._description_selection(self.env(context={"lang": lang}))
                        )
                    vals_list.append(
                        {
                            "res_model_id": model_id,
                            "res_id": archive.id,
                            "activity_type_id": type_id,
                            "date_deadline": due,
                            "user_id": user.id,
                            "summary": channel_labels[lang].get(use, use),
                            "cs_channel": use,
                            "retention_plan_id": self.id,
                        }
                    )
        return vals_list

    def _due_dates(self, number, unit, start, end):
        """(index, date) of the rhythm's dates from the period's start, within [start, end]."""
        self.ensure_one()
        index = 0
        if unit in ("day", "week"):
            # Skip straight to the first date on or after start.
            step = number * (7 if unit == "week" else 1)
            index = max((start - self.date_from).days // step, 0)
        while True:
            due = self.date_from + interval_delta(number, unit, index)
            if due > end:
                return
            if due >= start:
                yield index, due
            index += 1

    @api.model
    def _cron_run_plans(self):
        """Daily: start due plans, extend running ones, end and renew finished ones.

        Idempotent: a second run on the same day schedules nothing more.
        """
        today = fields.Date.context_today(self)
        plans = self.sudo()
        # Plans whose period is over: done, and renewed for approval.
        finished = plans.search([("state", "in", ("approved", "running")), ("date_to", "<", today)])
        if finished:
            finished.write({"state": "done"})
            finished.filtered("auto_renew")._renew()
        plans.search([("state", "=", "approved"), ("date_from", "<=", today)])._start_due()
        running = plans.search([("state", "=", "running")])
        return running._generate_activities()

    def _renew(self):
        """Submit the next period's plan for approval (R2: approved before it runs).

        Archives that left (archived, destroyed) or no longer fit a members-only
        template are not carried over; a plan with none left is not renewed.
        """
        already = self.search([("previous_plan_id", "in", self.ids)]).previous_plan_id
        vals_list = []
        for plan in self - already:
            archives = plan.archive_ids
            if plan.template_id.members_only:
                archives = archives.filtered(lambda a: a.vip_level != "none")
            if not archives:
                continue
            vals_list.append(
                {
                    "company_id": plan.company_id.id,
                    "user_id": plan.user_id.id,
                    "template_id": plan.template_id.id,
                    "archive_ids": [(6, 0, archives.ids)],
                    "date_from": plan.date_to + ONE_DAY,
                    "date_to": plan.date_to + (plan.date_to - plan.date_from) + ONE_DAY,
                    "auto_renew": True,
                    "previous_plan_id": plan.id,
                }
            )
        if not vals_list:
            return self.browse()
        renewals = self.sudo().create(vals_list)
        renewals.action_submit()
        return renewals
