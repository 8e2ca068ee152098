from collections import defaultdict
from datetime import timedelta

import pytz
from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.fields import Domain
from odoo.tools import format_amount

from ..concurrency import create_or_retry
from .cs_contact_log import SATISFACTION

CALLBACK_STATES = [
    ("pending", "To Call Back"),
    ("done", "Called Back"),
    ("not_needed", "No Callback"),
]


class CsVisit(models.Model):
    """One stay of a guest, as CS calls it back (R6, R15).

    Every consumption a department reports joins the guest's visit with a
    pending callback in that company, or opens one. The visit owes one call,
    within the configured delay of its first consumption; the deadline never
    moves. Logging that call as a contact record closes the visit and every
    consumption in it.
    """

    _name = "cs.visit"
    _description = "Guest Visit"
    _order = "callback_deadline, id"
    _inherit = ["mail.activity.mixin", "cs.guest.rating.mixin"]
    _cs_rating_template = "customer_service.mail_template_cs_visit_rating"
    _check_company_auto = True
    # A visit is named after its guest and its first day: found by the guest's name.
    _rec_names_search = ["partner_id.name"]

    # A guest has at most one visit waiting for its callback in a company:
    # two departments reporting at the same instant end in one visit.
    _pending_unique = models.UniqueIndex(
        "(partner_id, company_id) WHERE callback_state = 'pending'",
        "A guest has one visit waiting for a callback per company.",
    )

    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        readonly=True,
        default=lambda self: self.env.company,
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    partner_id = fields.Many2one(
        "res.partner",
        string="Guest",
        required=True,
        index=True,
        readonly=True,
        ondelete="restrict",
        check_company=True,
    )
    consumption_ids = fields.One2many("cs.consumption", "visit_id")
    date_start = fields.Datetime(compute="_compute_totals", store=True, string="Visit Start")
    date_end = fields.Datetime(compute="_compute_totals", store=True, string="Visit End")
    amount_total = fields.Monetary(compute="_compute_totals", store=True)
    department_ids = fields.Many2many(
        "cs.service.department",
        string="Departments",
        compute="_compute_department_ids",
        search="_search_department_ids",
    )
    consumption_count = fields.Integer(compute="_compute_department_ids")

    # Callback (R15)
    callback_deadline = fields.Datetime(
        required=True,
        readonly=True,
        index=True,
        help="The first consumption's date plus the callback delay. It never moves.",
    )
    callback_state = fields.Selection(
        CALLBACK_STATES,
        required=True,
        default="pending",
        readonly=True,
        index=True,
        tracking=True,
    )
    callback_user_id = fields.Many2one(
        "res.users",
        string="Calls Back",
        ondelete="set null",
        index=True,
        tracking=True,
        help="The archive owner, or the CS staff member whose turn it was.",
    )
    callback_date = fields.Datetime(string="Called Back On", readonly=True, copy=False)
    callback_on_time = fields.Boolean(
        string="Called Back in Time",
        readonly=True,
        copy=False,
        help="The callback came before the deadline.",
    )
    callback_log_id = fields.Many2one(
        "cs.contact.log",
        string="Callback Record",
        readonly=True,
        copy=False,
        ondelete="set null",
        index="btree_not_null",
    )
    contact_log_ids = fields.One2many("cs.contact.log", "visit_id", string="Calls")
    # The guest's own answer, once given, outweighs the impression of the call.
    satisfaction = fields.Selection(
        SATISFACTION, compute="_compute_satisfaction", store=True, index=True
    )
    feedback = fields.Text(related="callback_log_id.feedback", string="What the Guest Said")
    callback_overdue = fields.Boolean(
        compute="_compute_callback_overdue", search="_search_callback_overdue"
    )
    callback_escalated = fields.Boolean(readonly=True, copy=False)
    # The guest as the archive describes them, read as superuser: the queue
    # needs the VIP level and the rest hours, not the archive's content.
    vip_level = fields.Char(string="VIP Level", compute="_compute_guest_info")
    guest_resting_hours = fields.Char(
        compute="_compute_guest_info",
        help="The guest's do-not-disturb hours: never call then.",
    )
    guest_resting_now = fields.Boolean(
        string="Guest Resting",
        compute="_compute_guest_info",
        help="It is now within the guest's rest hours: do not call.",
    )

    # ------------------------------------------------------------
    # Compute and search
    # ------------------------------------------------------------

    @api.depends("consumption_ids.consumption_date", "consumption_ids.amount_total")
    def _compute_totals(self):
        # One grouped query for the batch: a joining consumption would
        # otherwise read every consumption of its visit.
        groups = {
            visit.id: (total, start, end)
            for visit, total, start, end in self.env["cs.consumption"]
            .sudo()
            ._read_group(
                [("visit_id", "in", self._origin.ids)],
                ["visit_id"],
                ["amount_total:sum", "consumption_date:min", "consumption_date:max"],
            )
        }
        for visit in self:
            total, start, end = groups.get(visit._origin.id, (0.0, False, False))
            visit.amount_total = total
            # An emptied visit keeps its dates: it still happened.
            visit.date_start = start or visit.date_start
            visit.date_end = end or visit.date_end

    @api.depends("consumption_ids.department_id")
    def _compute_department_ids(self):
        groups = (
            self.env["cs.consumption"]
            .sudo()
            ._read_group([("visit_id", "in", self.ids)], ["visit_id", "department_id"], ["__count"])
        )
        departments, counts = defaultdict(list), defaultdict(int)
        for visit, department, count in groups:
            departments[visit.id].append(department.id)
            counts[visit.id] += count
        for visit in self:
            visit.department_ids = [fields.Command.set(departments[visit.id])]
            visit.consumption_count = counts[visit.id]

    def _search_department_ids(self, operator, value):
        return [("consumption_ids.department_id", operator, value)]

    @api.depends("callback_log_id.satisfaction", "guest_rating")
    def _compute_satisfaction(self):
        for visit in self:
            visit.satisfaction = visit.guest_rating or visit.callback_log_id.satisfaction

    def _rating_get_operator(self):
        return self.callback_user_id.partner_id

    def _cs_rating_owner(self):
        return self.callback_user_id

    @api.depends_context("uid")
    @api.depends("callback_state", "callback_deadline")
    def _compute_callback_overdue(self):
        now = fields.Datetime.now()
        for visit in self:
            visit.callback_overdue = (
                visit.callback_state == "pending"
                and visit.callback_deadline
                and visit.callback_deadline < now
            )

    def _search_callback_overdue(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            return NotImplemented
        overdue = Domain("callback_state", "=", "pending") & Domain(
            "callback_deadline", "<", fields.Datetime.now()
        )
        return overdue if (operator == "=") == value else ~overdue

    @api.depends_context("uid")
    @api.depends("partner_id", "company_id")
    def _compute_guest_info(self):
        archives = self._archives()
        # The VIP level is the archive's: shown only to who may read it.
        readable = set(
            self.env["cs.guest.archive"]
            .browse([a.id for a in archives.values() if a])
            ._filtered_access("read")
            .ids
        )
        levels = dict(
            self.env["cs.guest.archive"]._fields["vip_level"]._description_selection(self.env)
        )
        for visit in self:
            archive = archives[visit.id]
            window = dnd_window(archive)
            visit.guest_resting_hours = window and "–".join(window)
            visit.guest_resting_now = bool(archive) and is_resting(archive, visit.partner_id)
            visit.vip_level = (
                levels.get(archive.vip_level)
                if archive and archive.vip_level != "none" and archive.id in readable
                else False
            )

    @api.depends("partner_id", "date_start")
    def _compute_display_name(self):
        for visit in self:
            date = visit.date_start and fields.Date.to_string(
                fields.Date.context_today(visit, visit.date_start)
            )
            visit.display_name = " · ".join(filter(None, [visit.partner_id.name, date]))

    # ------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------

    def write(self, vals):
        # The callback closes through a contact record or an action, never by
        # a direct write (the web client's or an RPC caller's).
        if "callback_state" in vals and not self.env.context.get("cs_visit_transition"):
            raise UserError(self.env._("A visit's callback closes when the callback is logged."))
        return super().write(vals)

    # ------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------

    def action_log_callback(self):
        """Call the guest: open a callback record for this visit, ready to fill in."""
        self.ensure_one()
        self.env["cs.contact.log"].check_access("create")
        self._check_pending()
        if self.guest_resting_now:
            raise UserError(
                self.env._(
                    "%(guest)s is resting (%(hours)s): call after the rest hours.",
                    guest=self.partner_id.display_name,
                    hours=self.guest_resting_hours,
                )
            )
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Log Callback"),
            "res_model": "cs.contact.log",
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_partner_id": self.partner_id.id,
                "default_visit_id": self.id,
                "default_contact_type": "callback",
                "default_company_id": self.company_id.id,
            },
        }

    def action_mark_not_needed(self):
        """A manager decides this visit needs no call (the guest asked not to be called)."""
        if not self.env.user.has_group("customer_service.group_cs_manager"):
            raise UserError(self.env._("Only a CS manager may waive a callback."))
        self._check_pending()
        self._close("not_needed")
        return True

    def action_view_consumptions(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Consumption"),
            "res_model": "cs.consumption",
            "view_mode": "list,form",
            "domain": [("visit_id", "=", self.id)],
            "context": {"create": False},
        }

    # ------------------------------------------------------------
    # Business
    # ------------------------------------------------------------

    @api.model
    def _callback_delay(self):
        param = self.env["ir.config_parameter"].sudo().get_param
        return timedelta(days=int(param("customer_service.callback_delay_days", 3) or 3))

    def _check_pending(self, error=UserError):
        closed = self.filtered(lambda v: v.callback_state != "pending")
        if closed:
            raise error(
                self.env._(
                    "The visit %(visit)s has no pending callback: it was already closed.",
                    visit=closed[0].display_name,
                )
            )

    def _archives(self):
        """The guest archive of each visit (or its guest's company), as superuser."""
        by_key = self._archives_by_key({(v.partner_id.id, v.company_id.id) for v in self})
        return {visit.id: by_key[(visit.partner_id.id, visit.company_id.id)] for visit in self}

    @api.model
    def _archives_by_key(self, keys):
        """{(partner id, company id): archive of the guest or of its company, or None}.

        Read as superuser, and only what a call needs: the owner, the rest
        hours and the VIP level. A liaison who reports a consumption learns
        nothing of the archive.
        """
        partners = self.env["res.partner"].sudo().browse({partner_id for partner_id, __ in keys})
        archives = (
            self.env["cs.guest.archive"]
            .sudo()
            .search_fetch(
                [("partner_id", "in", (partners | partners.commercial_partner_id).ids)],
                ["partner_id", "company_id", "owner_id", "dnd_start", "dnd_end", "vip_level"],
            )
        )
        found = {(a.partner_id.id, a.company_id.id): a for a in archives}
        commercial = {p.id: p.commercial_partner_id.id for p in partners}
        return {
            (partner_id, company_id): found.get((partner_id, company_id))
            or found.get((commercial[partner_id], company_id))
            for partner_id, company_id in keys
        }

    @api.model
    def _callers(self, keys):
        """Who calls each new visit back: the archive owner, else CS staff in turn.

        The turns are drawn from a sequence so that they go on over batches.
        """
        archives = self._archives_by_key(keys)
        unowned = [key for key in keys if not (archives[key] and archives[key].owner_id)]
        companies = self.env["res.company"].sudo().browse({company for __, company in unowned})
        # Each hotel's own staff: a sister hotel's never calls this one's guests.
        teams = {company.id: self._callback_team(company) for company in companies}
        turns = iter(
            self.env["cs.consumption"]._draw_numbers(
                self.env.ref("customer_service.seq_cs_callback_turn"), len(unowned)
            )
            if any(teams.values())
            else ()
        )
        callers = {}
        for key in keys:
            archive = archives[key]
            team = teams.get(key[1])
            if archive and archive.owner_id:
                callers[key] = archive.owner_id.id
            elif team:
                callers[key] = team[next(turns) % len(team)].id
        return callers

    @api.model
    def _assign(self, vals_list):
        """Set ``visit_id`` in consumption values: the guest's pending visit, or a new one.

        One search for the batch, one create for the visits it opens. A credit
        note joins the visit of what it takes back. The unique index on the
        pending visit turns a concurrent opening into a retry, never into two
        visits. Returns the visits this batch opened.
        """
        Visit = self.sudo()
        Consumption = self.env["cs.consumption"].sudo()
        reversed_ids = {vals["reversed_id"] for vals in vals_list if vals.get("reversed_id")}
        reversed_visits = {
            c.id: c.visit_id.id for c in Consumption.browse(reversed_ids).exists() if c.visit_id
        }
        keyed = defaultdict(list)
        for vals in vals_list:
            if vals.get("visit_id"):
                continue
            if not vals.get("partner_id"):
                continue  # the required field refuses it, in the ORM's words
            if vals.get("reversed_id") in reversed_visits:
                vals["visit_id"] = reversed_visits[vals["reversed_id"]]
                continue
            company_id = vals.get("company_id") or self.env.company.id
            keyed[(vals["partner_id"], company_id)].append(vals)
        if not keyed:
            return Visit
        partner_ids = {partner_id for partner_id, __ in keyed}
        company_ids = {company_id for __, company_id in keyed}
        pending = {
            (v.partner_id.id, v.company_id.id): v.id
            for v in Visit.search_fetch(
                [
                    ("callback_state", "=", "pending"),
                    ("partner_id", "in", list(partner_ids)),
                    ("company_id", "in", list(company_ids)),
                ],
                ["partner_id", "company_id"],
            )
        }
        now = fields.Datetime.now()
        delay = self._callback_delay()
        new_keys = [key for key in keyed if key not in pending]
        callers = self._callers(new_keys) if new_keys else {}
        new_vals = []
        for partner_id, company_id in new_keys:
            dates = [
                fields.Datetime.to_datetime(vals.get("consumption_date")) or now
                for vals in keyed[(partner_id, company_id)]
            ]
            new_vals.append(
                {
                    "partner_id": partner_id,
                    "company_id": company_id,
                    "callback_deadline": min(dates) + delay,
                    "callback_user_id": callers.get((partner_id, company_id), False),
                }
            )
        new = create_or_retry(
            Visit.with_context(tracking_disable=True, mail_create_nolog=True),
            new_vals,
            "cs_visit_pending_unique",
        ).with_env(Visit.env)
        pending.update({key: visit.id for key, visit in zip(new_keys, new, strict=True)})
        for key, vals_group in keyed.items():
            for vals in vals_group:
                vals["visit_id"] = pending[key]
        return new

    def _sync_callback_activities(self, new_visits):
        """One callback activity per new visit; the others' brought up to date.

        The activity's summary names the departments and the total, which
        change as consumption joins; its note holds the guest's rest hours.
        One read of the departments for the whole batch, one create.
        """
        pending = self.filtered(lambda v: v.callback_state == "pending")
        if not pending:
            return
        summaries = pending._callback_summaries()
        activity_type = self.env.ref("customer_service.mail_activity_type_callback")
        Activity = self.env["mail.activity"].sudo().with_context(mail_activity_quick_update=True)
        joined = pending - new_visits
        if joined:
            for activity in Activity.search(
                [
                    ("res_model", "=", self._name),
                    ("res_id", "in", joined.ids),
                    ("activity_type_id", "=", activity_type.id),
                ]
            ):
                if activity.summary != summaries[activity.res_id]:
                    activity.summary = summaries[activity.res_id]
        new_visits = new_visits.filtered("callback_user_id")
        if not new_visits:
            return
        archives = new_visits._archives()
        model_id = self.env["ir.model"]._get_id(self._name)
        # mail.activity reads its record's name one record at a time: compute
        # the names of the whole batch first, in one go.
        new_visits.mapped("display_name")
        Activity.create(
            [
                {
                    "res_model_id": model_id,
                    "res_id": visit.id,
                    "activity_type_id": activity_type.id,
                    "user_id": visit.callback_user_id.id,
                    "date_deadline": fields.Date.context_today(visit, visit.callback_deadline),
                    "summary": summaries[visit.id],
                    "note": self.with_context(
                        lang=visit.callback_user_id.lang or self.env.lang
                    )._rest_note(archives[visit.id]),
                }
                for visit in new_visits
            ]
        )

    def _callback_summaries(self):
        """{visit id: "Call back: Front Office, Food & Beverage · ¥ 2,036.00"}.

        In the language of whoever calls back: a liaison working in English
        reports for staff who work in Chinese.
        """
        groups = (
            self.env["cs.consumption"]
            .sudo()
            ._read_group([("visit_id", "in", self.ids)], ["visit_id", "department_id"])
        )
        department_ids = defaultdict(list)
        for visit, department in groups:
            department_ids[visit.id].append(department.id)
        summaries = {}
        for lang, visits in self.grouped(lambda v: v.callback_user_id.lang or "").items():
            env = self.with_context(lang=lang).env if lang else self.env
            Department = env["cs.service.department"].sudo()
            for visit in visits:
                names = Department.browse(department_ids[visit.id]).mapped("name")
                summaries[visit.id] = env._(
                    "Call back: %(departments)s · %(amount)s",
                    departments=", ".join(sorted(names)),
                    amount=format_amount(env, visit.amount_total, visit.currency_id),
                )
        return summaries

    @api.model
    def _rest_note(self, archive):
        window = dnd_window(archive)
        if not window:
            return False
        return Markup("<p>%s</p>") % self.env._(
            "Do not call between %(start)s and %(end)s: the guest is resting.",
            start=window[0],
            end=window[1],
        )

    @api.model
    def _callback_team(self, company=None):
        """CS staff of the company who take callbacks in turn when a guest has no owner.

        Staff without manager rights first; everyone with CS rights if the
        company has no such staff.
        """
        company = company or self.env.company
        staff = self.env.ref("customer_service.group_cs_user")._cs_active_users(company)
        managers = self.env.ref("customer_service.group_cs_manager")._cs_active_users(company)
        return (staff - managers).sorted("id") or staff.sorted("id")

    def _close(self, state, log=None):
        """Close pending visits as ``done`` (with the callback record) or ``not_needed``."""
        pending = self.sudo().filtered(lambda v: v.callback_state == "pending")
        if not pending:
            return
        transition = pending.with_context(cs_visit_transition=True)
        if log:
            in_time = transition.filtered(lambda v: log.contact_date <= v.callback_deadline)
            for visits, on_time in ((in_time, True), (transition - in_time, False)):
                visits.write(
                    {
                        "callback_state": state,
                        "callback_log_id": log.id,
                        "callback_date": log.contact_date,
                        "callback_on_time": on_time,
                    }
                )
        else:
            transition.write({"callback_state": state})
        if state == "done":
            pending._cs_request_ratings()
            pending.activity_feedback(
                ["customer_service.mail_activity_type_callback"],
                feedback=self.env._("Called back: see the contact record."),
                only_automated=False,
            )
        else:
            pending.activity_unlink(
                ["customer_service.mail_activity_type_callback"], only_automated=False
            )

    def _drop_empty(self):
        """A visit whose consumption all went (a cancelled invoice) needs no call."""
        self = self.exists()
        counts = dict(
            self.env["cs.consumption"]
            .sudo()
            ._read_group([("visit_id", "in", self.ids)], ["visit_id"], ["__count"])
        )
        empty = self.filtered(lambda v: not counts.get(v))
        empty._close("not_needed")
        (self - empty)._sync_callback_activities(self.browse())

    @api.model
    def _callback_kpis(self, domain, group_by=()):
        """Visits due a callback, and those called back in time, per group.

        The one count of the callback KPIs: the archive, the leaders' digest
        and the reports read it here. It counts the visits of the current
        companies only (it reads as superuser). ``group_by``: field names to
        split on; returns {key: (due, on_time)}, the key a tuple of the
        groups' values, or None without ``group_by``.
        """
        group_by = [group_by] if isinstance(group_by, str) else list(group_by)
        rows = self.sudo()._read_group(
            Domain(domain)
            & Domain("callback_state", "!=", "not_needed")
            & Domain("company_id", "in", self.env.companies.ids),
            [*group_by, "callback_on_time"],
            ["__count"],
        )
        result = defaultdict(lambda: [0, 0])
        for *keys, in_time, count in rows:
            key = (keys[0] if len(keys) == 1 else tuple(keys)) if group_by else None
            result[key][0] += count
            if in_time:
                result[key][1] += count
        return {key: tuple(value) for key, value in result.items()}

    @api.model
    def _cron_escalate_overdue_callbacks(self):
        """Overdue callbacks go to the CS managers of their company, once each."""
        overdue = self.search([("callback_overdue", "=", True), ("callback_escalated", "=", False)])
        overdue._cs_escalate_to_managers(
            "customer_service.mail_activity_type_callback_overdue", "callback_escalated"
        )


def _float_time(value):
    hours, minutes = divmod(round((value or 0.0) * 60), 60)
    return f"{int(hours) % 24:02d}:{int(minutes):02d}"


def dnd_window(archive):
    """The archive's do-not-disturb hours as ("22:00", "08:30"), or None."""
    if archive and archive.dnd_start != archive.dnd_end:
        return _float_time(archive.dnd_start), _float_time(archive.dnd_end)
    return None


def is_resting(archive, partner, now=None):
    """Whether it is now within the archive's rest hours, in the guest's time zone.

    The guest's own time zone, else the hotel's (the company's), else UTC.
    """
    if not archive or archive.dnd_start == archive.dnd_end:
        return False
    tz_name = partner.tz or archive.company_id.partner_id.tz or "UTC"
    try:
        tz = pytz.timezone(tz_name)
    except pytz.UnknownTimeZoneError:
        tz = pytz.utc
    now = pytz.utc.localize(now or fields.Datetime.now()).astimezone(tz)
    hour = now.hour + now.minute / 60.0
    start, end = archive.dnd_start, archive.dnd_end
    if start < end:
        return start <= hour < end
    return hour >= start or hour < end
