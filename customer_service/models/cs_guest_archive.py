from collections import Counter
from contextvars import ContextVar

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.fields import Domain
from odoo.tools import SQL

from odoo.addons.base.models.res_partner import _lang_get

from ..cron import batches

VIP_LEVELS = [
    ("none", "None"),
    ("silver", "Silver"),
    ("gold", "Gold"),
    ("platinum", "Platinum"),
    ("diamond", "Diamond"),
]
CONFIDENTIALITY_LEVELS = [
    ("secret", "Secret"),
    ("confidential", "Confidential"),
    ("top_secret", "Top Secret"),
]
# Levels whose opening, export or print is written to the access log (R12).
LOGGED_LEVELS = ("confidential", "top_secret")
# Where an expired classification goes (R12, 自行解密); secret is the floor.
DECLASSIFIED_LEVEL = {"top_secret": "confidential", "confidential": "secret"}
# Set while a list or kanban reads archives. A ContextVar, not a context key:
# an RPC client sets the context, and must never be able to skip the log or
# the access check.


class _Listing:
    """What one list request learnt about the archives its user may read.

    Lives in a ContextVar for the duration of web_search_read only: a client
    cannot set it, and it never outlives the request that filled it.
    """

    __slots__ = ("borrowed", "key", "readable")

    def __init__(self, env):
        self.key = (env.uid, tuple(env.companies.ids))
        self.borrowed = None
        self.readable = set()

    def applies(self, env):
        return not env.su and self.key == (env.uid, tuple(env.companies.ids))


_LISTING = ContextVar("cs_guest_archive_listing", default=None)
DEFAULT_PERIOD_YEARS = {"secret": 1, "confidential": 3, "top_secret": 5}
REVIEW_INTERVAL = relativedelta(months=3)
# The contact KPI looks back this many weeks (R7: a call every week).
KPI_WEEKS = 12
# Personal content erased by a destruction (R13); code and level stay.
ERASABLE_FIELDS = [
    "birthday",
    "is_lunar_birthday",
    "lunar_birthday",
    "employer_id",
    "job_title",
    "dnd_start",
    "dnd_end",
    "preferred_channel",
    "note",
    "industry",
    "company_scale",
    "cooperation_since",
    "business_status",
    "credit_note",
    "tag_ids",
]


class CsGuestArchive(models.Model):
    """A guest's customer-service archive (客户档案, R1, R12, R13, R17).

    One archive per partner and company. Archives are commercial secrets:
    who may read one depends on its confidentiality level, enforced by record
    rules, and every opening of a confidential or top-secret archive is
    logged. Archives are never deleted; they leave only through an approved
    destruction (R13), and permanent customers never leave (R17).
    """

    _name = "cs.guest.archive"
    _description = "Guest Archive"
    _order = "code desc, id desc"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _check_company_auto = True
    _rec_names_search = ["code", "partner_id.name"]

    _partner_company_unique = models.UniqueIndex(
        "(partner_id, company_id)",
        "This guest already has an archive in this company.",
    )
    # The record rules filter on level and owner on every list and count.
    _confidentiality_level_owner_index = models.Index("(confidentiality_level, owner_id)")
    _dnd_hours_check = models.Constraint(
        "CHECK ((dnd_start IS NULL OR (dnd_start >= 0 AND dnd_start < 24))"
        " AND (dnd_end IS NULL OR (dnd_end >= 0 AND dnd_end < 24)))",
        "Do-not-disturb hours must lie between 00:00 and 23:59.",
    )

    # Identity
    code = fields.Char(
        required=True,
        copy=False,
        readonly=True,
        index="btree",
        default=lambda self: self.env._("New"),
    )
    name = fields.Char(related="partner_id.name", store=True, readonly=True)
    partner_id = fields.Many2one(
        "res.partner",
        string="Guest",
        required=True,
        ondelete="restrict",
        index=True,
        tracking=True,
    )
    company_id = fields.Many2one(
        "res.company",
        required=True,
        ondelete="restrict",
        index=True,
        default=lambda self: self.env.company,
    )
    active = fields.Boolean(default=True, tracking=True)
    guest_type = fields.Selection(
        [("individual", "Individual"), ("corporate", "Corporate")],
        required=True,
        default="individual",
    )
    owner_id = fields.Many2one(
        "res.users",
        ondelete="set null",
        index=True,
        tracking=True,
        default=lambda self: self.env.user,
        help="The customer-service employee responsible for this guest.",
    )
    tag_ids = fields.Many2many("cs.archive.tag", string="Tags")
    vip_level = fields.Selection(
        VIP_LEVELS,
        string="VIP Level",
        default="none",
        required=True,
        tracking=True,
    )

    # Classification (R12, R17)
    confidentiality_level = fields.Selection(
        CONFIDENTIALITY_LEVELS,
        required=True,
        default="secret",
        tracking=True,
    )
    classified_until = fields.Date(
        tracking=True,
        help="When the classification ends, the archive is declassified by one level.",
    )
    customer_class = fields.Selection(
        [("strategic", "Strategic"), ("key", "Key"), ("normal", "Normal")],
        required=True,
        default="normal",
        tracking=True,
    )
    credit_class = fields.Selection(
        [("a", "A"), ("b", "B"), ("c", "C"), ("d", "D")],
        default="b",
        tracking=True,
    )
    is_permanent = fields.Boolean(
        string="Permanent Customer",
        tracking=True,
        help="A permanent customer's archive can never be destroyed.",
    )
    next_review_date = fields.Date(
        tracking=True,
        default=lambda self: fields.Date.context_today(self) + REVIEW_INTERVAL,
        help="Archives are re-verified every quarter.",
    )
    last_review_date = fields.Date(readonly=True, copy=False)
    destroyed = fields.Boolean(readonly=True, copy=False)

    # The guest as a person (R1, R15, R16)
    birthday = fields.Date()
    is_lunar_birthday = fields.Boolean(
        string="Celebrates Lunar Birthday",
        help="The guest celebrates by the Chinese lunar calendar.",
    )
    lunar_birthday = fields.Char(
        help="Lunar month and day, e.g. 08-15 for the fifteenth day of the eighth month."
    )
    special_date_ids = fields.One2many(
        "cs.archive.special.date", "archive_id", string="Special Dates"
    )
    employer_id = fields.Many2one(
        "res.partner",
        ondelete="set null",
        domain=[("is_company", "=", True)],
        tracking=True,
    )
    job_title = fields.Char(string="Position", tracking=True)
    dnd_start = fields.Float(
        string="Do Not Disturb From", help="Rest hours: no call from this time."
    )
    dnd_end = fields.Float(string="Do Not Disturb Until")
    preferred_channel = fields.Selection(
        [
            ("phone", "Phone"),
            ("wechat", "WeChat"),
            ("sms", "SMS"),
            ("email", "Email"),
            ("visit", "Visit"),
        ],
        default="phone",
    )
    # The archive's own field: CS staff may not edit the partner itself.
    lang = fields.Selection(_lang_get, string="Language")
    # Large fields stay out of prefetch: lists and access checks never need them.
    note = fields.Html(prefetch=False)

    # Preferences and habits, per department (R1)
    preference_ids = fields.One2many("cs.guest.preference", "archive_id", string="Preferences")
    # One page per shipped department on the form; other departments' lines
    # stay in preference_ids.
    preference_front_office_ids = fields.One2many(
        "cs.guest.preference",
        "archive_id",
        domain=[("department_id.code", "=", "front_office")],
        string="Front Office Preferences",
    )
    preference_fnb_ids = fields.One2many(
        "cs.guest.preference",
        "archive_id",
        domain=[("department_id.code", "=", "fnb")],
        string="F&B Preferences",
    )
    preference_housekeeping_ids = fields.One2many(
        "cs.guest.preference",
        "archive_id",
        domain=[("department_id.code", "=", "housekeeping")],
        string="Housekeeping Preferences",
    )
    preference_recreation_ids = fields.One2many(
        "cs.guest.preference",
        "archive_id",
        domain=[("department_id.code", "=", "recreation")],
        string="Recreation Preferences",
    )

    # Corporate clients (R1, R8)
    key_person_ids = fields.One2many("cs.archive.key.person", "archive_id", string="Key People")
    industry = fields.Char()
    company_scale = fields.Selection(
        [
            ("small", "Fewer than 50 staff"),
            ("medium", "50 to 500 staff"),
            ("large", "More than 500 staff"),
        ],
        string="Scale",
    )
    cooperation_since = fields.Date()
    business_status = fields.Selection(
        [("active", "Active"), ("dormant", "Dormant"), ("lost", "Lost")],
        default="active",
    )
    credit_note = fields.Text(string="Credit Notes", prefetch=False)

    # Borrowing and the access log (R12, R13)
    borrowed_by_me = fields.Boolean(
        compute="_compute_borrowed_by_me",
        search="_search_borrowed_by_me",
        help="An approved, unexpired borrow lets you read this archive.",
    )
    access_log_count = fields.Integer(compute="_compute_access_log_count")
    # Points (R4): the balance lives on the partner's loyalty card.
    loyalty_points = fields.Float(
        string="Returning Guest Points", related="partner_id.cs_loyalty_points"
    )
    # Links and KPIs (R6, R7, R15)
    consumption_count = fields.Integer(compute="_compute_service_kpis")
    visit_count = fields.Integer(compute="_compute_service_kpis")
    contact_log_count = fields.Integer(compute="_compute_service_kpis")
    callback_on_time_rate = fields.Float(
        string="Callbacks in Time",
        compute="_compute_service_kpis",
        help="Share of this guest's visits called back within the deadline.",
    )
    contact_weeks_rate = fields.Float(
        string="Weeks with a Contact",
        compute="_compute_service_kpis",
        help="Of the last %s weeks, the share with at least one contact record." % KPI_WEEKS,
    )

    # ------------------------------------------------------------
    # Compute and search
    # ------------------------------------------------------------

    @api.depends_context("uid")
    def _compute_borrowed_by_me(self):
        borrowed = self.sudo().search([("id", "in", self.ids), ("borrowed_by_me", "=", True)])
        for archive in self:
            archive.borrowed_by_me = archive in borrowed

    def _search_borrowed_by_me(self, operator, value):
        """Archives the current user holds an approved, unexpired borrow on.

        Record rules call this on every query, so expiry needs no cron. A top
        secret archive needs a borrow that a leader approved, even if it was
        raised to top secret after the borrow was approved.
        """
        if operator in ("=", "!="):
            wanted = {value}
        elif operator in ("in", "not in"):
            wanted = set(value)
        else:
            raise UserError(self.env._("Unsupported search on borrowed archives."))
        if not wanted <= {True, False}:
            raise UserError(self.env._("Unsupported search on borrowed archives."))
        positive = (True in wanted) == (operator in ("=", "in"))
        listing = _LISTING.get()
        if listing and listing.key[0] == self.env.uid and listing.borrowed is not None:
            return Domain("id", "in" if positive else "not in", listing.borrowed)
        today = fields.Date.context_today(self)
        # The query reads these tables directly: write pending changes first.
        self.env["cs.archive.access.request"].flush_model(
            ["archive_id", "user_id", "state", "date_from", "date_to", "leader_approved"]
        )
        self.flush_model(["confidentiality_level"])
        # A literal list rather than a subquery: most users hold no borrow, so
        # the rule's branch vanishes, and Odoo can check fetched rows in Python.
        self.env.cr.execute(
            SQL(
                """SELECT r.archive_id
                     FROM cs_archive_access_request r
                     JOIN cs_guest_archive a ON a.id = r.archive_id
                    WHERE r.user_id = %(uid)s
                      AND r.state = 'approved'
                      AND r.date_from <= %(today)s
                      AND r.date_to >= %(today)s
                      AND (a.confidentiality_level != 'top_secret' OR r.leader_approved)""",
                uid=self.env.uid,
                today=today,
            )
        )
        archive_ids = [row[0] for row in self.env.cr.fetchall()]
        if listing and listing.key[0] == self.env.uid:
            listing.borrowed = archive_ids
        return Domain("id", "in" if positive else "not in", archive_ids)

    def _compute_service_kpis(self):
        partners = self.partner_id
        consumption_counts = dict(
            self.env["cs.consumption"]
            .sudo()
            ._read_group([("partner_id", "in", partners.ids)], ["partner_id"], ["__count"])
        )
        Visit = self.env["cs.visit"].sudo()
        visit_counts = {
            (partner, company): count
            for partner, company, count in Visit._read_group(
                [("partner_id", "in", partners.ids)], ["partner_id", "company_id"], ["__count"]
            )
        }
        callbacks = Visit.with_context(allowed_company_ids=self.company_id.ids)._callback_kpis(
            [("partner_id", "in", partners.ids)], ["partner_id", "company_id"]
        )
        since = fields.Datetime.now() - relativedelta(weeks=KPI_WEEKS)
        Log = self.env["cs.contact.log"].sudo()
        log_counts = dict(
            Log._read_group([("partner_id", "in", partners.ids)], ["partner_id"], ["__count"])
        )
        weeks = Log._read_group(
            [("partner_id", "in", partners.ids), ("contact_date", ">=", since)],
            ["partner_id", "contact_date:week"],
        )
        contact_weeks = Counter(partner for partner, _week in weeks)
        for archive in self:
            partner = archive.partner_id
            # An archive is one guest in one company: so are its visits.
            due, on_time = callbacks.get((partner, archive.company_id), (0, 0))
            archive.consumption_count = consumption_counts.get(partner, 0)
            archive.visit_count = visit_counts.get((partner, archive.company_id), 0)
            archive.contact_log_count = log_counts.get(partner, 0)
            archive.callback_on_time_rate = on_time / due if due else 0.0
            archive.contact_weeks_rate = contact_weeks[partner] / KPI_WEEKS

    def _compute_access_log_count(self):
        counts = dict(
            self.env["cs.archive.access.log"]
            .sudo()
            ._read_group([("archive_id", "in", self.ids)], ["archive_id"], ["__count"])
        )
        for archive in self:
            archive.access_log_count = counts.get(archive, 0)

    # ------------------------------------------------------------
    # Constraints and onchange
    # ------------------------------------------------------------

    @api.constrains("lunar_birthday")
    def _check_lunar_birthday(self):
        for archive in self.filtered("lunar_birthday"):
            try:
                month, day = (int(part) for part in archive.lunar_birthday.split("-"))
            except ValueError:
                month = day = 0
            if not (1 <= month <= 12 and 1 <= day <= 30):
                raise UserError(
                    self.env._(
                        "The lunar birthday %(value)s is not a lunar month and day such as 08-15.",
                        value=archive.lunar_birthday,
                    )
                )

    @api.onchange("confidentiality_level")
    def _onchange_confidentiality_level(self):
        self.classified_until = self._default_classified_until(self.confidentiality_level)

    # ------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        self._check_one_archive_per_partner(vals_list)
        default_code = self.env._("New")
        for vals in vals_list:
            if not vals.get("code") or vals["code"] == default_code:
                vals["code"] = self.env["ir.sequence"].next_by_code("cs.guest.archive")
            if "classified_until" not in vals:
                vals["classified_until"] = self._default_classified_until(
                    vals.get("confidentiality_level", "secret")
                )
        archives = super().create(vals_list)
        # Preferences a department reported before the archive existed.
        orphans = (
            self.env["cs.guest.preference"]
            .sudo()
            .search(
                [
                    ("archive_id", "=", False),
                    ("partner_id", "in", archives.partner_id.ids),
                ]
            )
        )
        orphans._link_archives()
        return archives

    def write(self, vals):
        # R8: an employer or position change reaches sales and finance.
        Change = self.env["cs.customer.change"]
        old_values = (
            Change._archive_snapshot(self) if {"employer_id", "job_title"} & vals.keys() else None
        )
        new_level = vals.get("confidentiality_level")
        if new_level:
            self._check_level_change(new_level)
            changed = self.filtered(lambda a: a.confidentiality_level != new_level)
            if "classified_until" not in vals and changed:
                # A new level starts a new period; rewriting the same level does not.
                super(CsGuestArchive, changed).write(
                    {"classified_until": self._default_classified_until(new_level)}
                )
        result = super().write(vals)
        if old_values:
            Change._record_archive_changes(self, old_values)
        return result

    def unlink(self):  # pylint: disable=method-required-super
        # Deleting would lose a commercial secret's trail: archives leave only
        # through an approved destruction, which erases content but keeps the row.
        raise UserError(
            self.env._(
                "Guest archives cannot be deleted. Archive them, or destroy them "
                "through an approved archive destruction."
            )
        )

    def read(self, fields=None, load="_classic_read"):
        result = super().read(fields, load)
        self._log_access("open")
        return result

    # One row per opening: the form reads through read(), in a transaction
    # that must be writable for the log (Odoo marks read as read-only).
    read._readonly = False

    def web_read(self, specification):
        return super().web_read(specification)

    web_read._readonly = False

    # Lists and kanbans read through web_read too, in a read-only transaction:
    # showing a row is not opening the archive, so nothing is logged there.
    @api.model
    @api.readonly
    def web_search_read(
        self, domain, specification, offset=0, limit=None, order=None, count_limit=None
    ):
        token = _LISTING.set(_Listing(self.env))
        try:
            return super().web_search_read(
                domain,
                specification,
                offset=offset,
                limit=limit,
                order=order,
                count_limit=count_limit,
            )
        finally:
            _LISTING.reset(token)

    def search_fetch(self, domain, field_names=None, offset=0, limit=None, order=None):
        records = super().search_fetch(domain, field_names, offset, limit, order)
        listing = _LISTING.get()
        if listing and listing.applies(records.env):
            listing.readable.update(records._ids)
        return records

    def _check_access(self, operation):
        # The list's own search applied the record rules in SQL a moment ago,
        # for this user and these companies: re-evaluating them in Python on
        # the same rows (read() does) would only cost a fetch of every field.
        listing = _LISTING.get()
        if (
            operation == "read"
            and listing
            and listing.applies(self.env)
            and listing.readable.issuperset(self._ids)
        ):
            return None
        return super()._check_access(operation)

    def export_data(self, fields_to_export):
        result = super().export_data(fields_to_export)
        self._log_access("export")
        return result

    # ------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------

    def action_mark_reviewed(self):
        """The owner re-verified the archive (R13): the next review is due in a quarter."""
        today = fields.Date.context_today(self)
        self.write({"last_review_date": today, "next_review_date": today + REVIEW_INTERVAL})
        self.activity_feedback(["customer_service.mail_activity_type_archive_review"])
        self._message_log_batch(bodies=dict.fromkeys(self.ids, self.env._("Archive re-verified.")))
        return True

    def action_view_consumption(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "customer_service.cs_consumption_action"
        )
        action["domain"] = [("partner_id", "=", self.partner_id.id)]
        action["context"] = {"default_partner_id": self.partner_id.id}
        return action

    def action_view_visits(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("customer_service.cs_visit_action")
        action["domain"] = [("partner_id", "=", self.partner_id.id)]
        action["context"] = {"create": False}
        return action

    def action_view_contact_logs(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "customer_service.cs_contact_log_action"
        )
        action["domain"] = [("partner_id", "=", self.partner_id.id)]
        action["context"] = {"default_partner_id": self.partner_id.id}
        return action

    def action_view_access_log(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "customer_service.cs_archive_access_log_action"
        )
        action["domain"] = [("archive_id", "=", self.id)]
        return action

    # ------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------

    @api.model
    def _check_one_archive_per_partner(self, vals_list):
        """The unique index's rule, checked first for a clear, translated message.

        Odoo translates a violated SQL constraint only for the web client; RPC
        clients would get it in English. The index stays as the last guard.
        """
        keys = [
            (vals.get("partner_id"), vals.get("company_id") or self.env.company.id)
            for vals in vals_list
        ]
        duplicate = len(set(keys)) < len(keys) or self.sudo().with_context(
            active_test=False
        ).search_count(
            Domain.OR(
                Domain("partner_id", "=", partner) & Domain("company_id", "=", company)
                for partner, company in keys
            ),
            limit=1,
        )
        if duplicate:
            raise ValidationError(self.env._("This guest already has an archive in this company."))

    @api.model
    def _default_classified_until(self, level):
        params = self.env["ir.config_parameter"].sudo()
        years = int(
            params.get_param(
                f"customer_service.period_{level}_years", DEFAULT_PERIOD_YEARS.get(level, 1)
            )
        )
        return fields.Date.context_today(self) + relativedelta(years=years) if years else False

    def _check_level_change(self, new_level):
        """Only managers classify, and only leaders touch top secret (R12).

        Record rules are checked on the records as they are before a write, so
        without this an owner could move an archive out of everyone's reach.
        """
        if self.env.su:
            return
        changed = self.filtered(lambda a: a.confidentiality_level != new_level)
        if not changed:
            return
        user = self.env.user
        touches_top = new_level == "top_secret" or "top_secret" in changed.mapped(
            "confidentiality_level"
        )
        if touches_top and not user.has_group("customer_service.group_cs_leader"):
            raise AccessError(
                self.env._("Only company leaders may classify or declassify top-secret archives.")
            )
        if not user.has_group("customer_service.group_cs_manager"):
            raise AccessError(
                self.env._(
                    "Only customer-service managers may change an archive's confidentiality."
                )
            )

    def _log_access(self, access_type):
        """Write one access-log row per confidential or top-secret archive."""
        if _LISTING.get():
            return
        logged = self.filtered(lambda a: a.confidentiality_level in LOGGED_LEVELS)
        if not logged:
            return
        self.env["cs.archive.access.log"]._log_rows(logged, access_type)

    @api.model
    def _cron_declassify(self):
        """Lower every archive whose classification expired by one level (R12 自行解密).

        Idempotent: a declassified archive gets a new period, so a second run on
        the same day finds nothing to do.
        """
        today = fields.Date.context_today(self)
        expired = self.sudo().search([("classified_until", "<", today)])
        for batch in batches(self.env, expired):
            self._declassify_batch(batch)
        return len(expired)

    @api.model
    def _declassify_batch(self, expired):
        # One write and one batch of chatter notes per level, not per archive.
        for old_level, archives in expired.grouped("confidentiality_level").items():
            new_level = DECLASSIFIED_LEVEL.get(old_level, old_level)
            archives.write(
                {
                    "confidentiality_level": new_level,
                    "classified_until": self._default_classified_until(new_level)
                    if new_level != old_level
                    else False,
                }
            )
            body = self.env._(
                "Classification period ended: declassified from %(old)s to %(new)s.",
                old=dict(CONFIDENTIALITY_LEVELS)[old_level],
                new=dict(CONFIDENTIALITY_LEVELS)[new_level],
            )
            archives._message_log_batch(bodies=dict.fromkeys(archives.ids, body))

    @api.model
    def _cron_review_due(self):
        """Give each owner a review activity for archives due for re-verification (R13)."""
        today = fields.Date.context_today(self)
        activity_type = self.env.ref("customer_service.mail_activity_type_archive_review")
        due = self.sudo().search([("next_review_date", "<=", today), ("owner_id", "!=", False)])
        scheduled = 0
        # The open review activity is the key: a batch redone after a crash
        # finds the activities its first run committed.
        for batch in batches(self.env, due):
            already = set(
                self.env["mail.activity"]
                .sudo()
                .search(
                    [
                        ("res_model", "=", self._name),
                        ("res_id", "in", batch.ids),
                        ("activity_type_id", "=", activity_type.id),
                    ]
                )
                .mapped("res_id")
            )
            for archive in batch.filtered(lambda a, done=already: a.id not in done):
                archive.activity_schedule(
                    activity_type_id=activity_type.id,
                    date_deadline=archive.next_review_date,
                    user_id=archive.owner_id.id,
                )
                scheduled += 1
        return scheduled

    def _erase_personal_content(self):
        """Destroy what the archive says about the person (R13), keeping the row."""
        self.sudo().write(
            dict.fromkeys(ERASABLE_FIELDS, False)
            | {"destroyed": True, "active": False, "next_review_date": False}
        )
        sudo = self.sudo()
        sudo.preference_ids.unlink()
        sudo.special_date_ids.unlink()
        sudo.key_person_ids.unlink()
        sudo.message_ids.unlink()
        # A greeting's date would still give the birthday away.
        self.env["cs.greeting"].sudo().search([("archive_id", "in", self.ids)]).unlink()
        self.env["ir.attachment"].sudo().search(
            [("res_model", "=", self._name), ("res_id", "in", self.ids)]
        ).unlink()
