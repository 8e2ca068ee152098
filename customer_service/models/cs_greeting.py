import calendar
import functools
from datetime import timedelta

import holidays
from lunardate import LunarDate

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL, format_date

from ..cron import batches
from .cs_retention_plan_template import DEFAULT_GIFT_VALUE_CAP

OCCASIONS = [
    ("spring_festival", "Spring Festival"),
    ("lantern", "Lantern Festival"),
    ("qingming", "Qingming Festival"),
    ("dragon_boat", "Dragon Boat Festival"),
    ("mid_autumn", "Mid-Autumn Festival"),
    ("birthday", "Birthday"),
]
# Festivals on a fixed day of the Chinese lunar calendar: (month, day).
LUNAR_FESTIVALS = {
    "spring_festival": (1, 1),
    "lantern": (1, 15),
    "dragon_boat": (5, 5),
    "mid_autumn": (8, 15),
}
# Qingming follows the solar terms; python-holidays computes it (China, 清明节).
QINGMING_NAME = "清明节"
EDITABLE_FIELDS = {"gift_amount", "gift_note"}
DEFAULT_DAYS_BEFORE = 3
MAX_DAYS_BEFORE = 3


@functools.lru_cache(maxsize=32)
def festival_dates(year):
    """The solar dates of the five traditional festivals (R16) in a solar year.

    A lunar festival of lunar year N always falls in solar year N (the lunar
    new year is late January to mid February). Dates come from ``lunardate``
    and, for Qingming, from the China calendar of ``holidays``.
    """
    dates = {
        code: LunarDate(year, month, day).to_solar_date()
        for code, (month, day) in LUNAR_FESTIVALS.items()
    }
    qingming = holidays.China(years=year, language="zh_CN").get_named(QINGMING_NAME, lookup="exact")
    if qingming:
        dates["qingming"] = qingming[0]
    return dates


@functools.lru_cache(maxsize=512)
def lunar_keys(day):
    """The lunar birthdays (month, day) celebrated on a solar date.

    A birthday in a leap month is kept in the ordinary month of that number;
    the 30th of a month is kept on its 29th in a year when that month is short.
    """
    lunar = LunarDate.from_solar_date(day.year, day.month, day.day)
    if lunar.is_leap_month:
        return ()
    keys = [(lunar.month, lunar.day)]
    if lunar.day == 29:
        following = LunarDate.from_solar_date(*(day + timedelta(days=1)).timetuple()[:3])
        if following.day == 1:
            keys.append((lunar.month, 30))
    return tuple(keys)


def parse_lunar(value):
    """'08-15' (or '8-15') as (8, 15); None when it is not a month and day."""
    try:
        month, day = (int(part) for part in (value or "").split("-"))
    except ValueError:
        return None
    return (month, day) if 1 <= month <= 12 and 1 <= day <= 30 else None


def lunar_of(day):
    """The lunar (month, day) of a solar date, e.g. a lunar birthday kept as a solar birth date."""
    try:
        lunar = LunarDate.from_solar_date(day.year, day.month, day.day)
    except ValueError:  # outside the library's range (1900-2099)
        return None
    return (lunar.month, lunar.day)


class CsGreeting(models.Model):
    """A greeting sent to a guest before a festival or their birthday (R16).

    One per guest, occasion and date in a company: the daily cron that sends
    them checks this record first, so a guest is never greeted twice for the
    same festival. A greeting may propose a gift, within the configured cap;
    the gift itself becomes a compensation of type ``gift``.
    """

    _name = "cs.greeting"
    _description = "Guest Greeting"
    _order = "occasion_date desc, id desc"
    _inherit = ["cs.archive.content.mixin"]
    _check_company_auto = True

    _occasion_unique = models.UniqueIndex(
        "(company_id, partner_id, occasion, occasion_date)",
        "This guest was already greeted for this occasion.",
    )
    _gift_amount_not_negative = models.Constraint(
        "CHECK (gift_amount >= 0)", "A gift's value cannot be negative."
    )

    archive_id = fields.Many2one(
        "cs.guest.archive", required=True, ondelete="cascade", index=True, check_company=True
    )
    partner_id = fields.Many2one(
        "res.partner", string="Guest", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    plan_id = fields.Many2one(
        "cs.retention.plan",
        ondelete="set null",
        index="btree_not_null",
        check_company=True,
    )
    occasion = fields.Selection(OCCASIONS, required=True)
    occasion_name = fields.Char(compute="_compute_occasion_name")
    occasion_date = fields.Date(required=True, help="The day of the festival or birthday.")
    date = fields.Date(
        string="Sent On", required=True, default=fields.Date.context_today, readonly=True
    )
    state = fields.Selection(
        [("sent", "Sent"), ("skipped", "Not Sent")], required=True, default="sent", readonly=True
    )
    skip_reason = fields.Selection(
        [("blacklisted", "Blacklisted Email"), ("no_email", "No Email Address")], readonly=True
    )
    lang = fields.Char(readonly=True, help="The language the greeting is written in.")
    mail_id = fields.Many2one("mail.mail", string="Email", ondelete="set null", readonly=True)
    contact_log_id = fields.Many2one(
        "cs.contact.log", string="Contact Record", ondelete="set null", readonly=True
    )
    gift_amount = fields.Float(
        string="Gift Proposal", help="Value of the gift proposed with this greeting."
    )
    gift_note = fields.Char(string="Gift Description")
    compensation_id = fields.Many2one(
        "cs.compensation",
        string="Gift Given",
        readonly=True,
        copy=False,
        ondelete="set null",
        index="btree_not_null",
        check_company=True,
        help="The gift compensation given with this greeting.",
    )
    compensation_state = fields.Selection(related="compensation_id.state", string="Gift Status")

    # ------------------------------------------------------------
    # Compute and constraints
    # ------------------------------------------------------------

    @api.depends("occasion")
    @api.depends_context("lang")
    def _compute_occasion_name(self):
        names = dict(self._fields["occasion"]._description_selection(self.env))
        for greeting in self:
            greeting.occasion_name = names.get(greeting.occasion, "")

    @api.constrains("gift_amount")
    def _check_gift_amount(self):
        cap = self._gift_value_cap()
        for greeting in self:
            if greeting.gift_amount < 0:
                raise ValidationError(self.env._("A gift's value cannot be negative."))
            if greeting.gift_amount > cap:
                raise ValidationError(
                    self.env._(
                        "A gift of %(value)s exceeds the gift value cap of %(cap)s.",
                        value=greeting.gift_amount,
                        cap=cap,
                    )
                )

    # ------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------

    def write(self, vals):
        # What was sent, to whom and when is a record: only the gift proposal
        # stays open to change.
        if not self.env.su and set(vals) - EDITABLE_FIELDS:
            raise UserError(self.env._("Only a greeting's gift proposal can be changed."))
        return super().write(vals)

    # ------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------

    def action_give_gift(self):
        """Give the proposed gift (R4, R16): open its ``gift`` compensation.

        The compensation is made once, as a draft of the current user, who then
        signs it within their authority limits (R11) like any other. A gift is
        given once per greeting: a second click opens the same compensation,
        unless it was cancelled or rejected.
        """
        self.ensure_one()
        self.check_access("write")
        Compensation = self.env["cs.compensation"]
        Compensation._check_staff()
        compensation = self.compensation_id
        if not compensation or compensation.state in ("cancel", "rejected"):
            if self.company_id.currency_id.compare_amounts(self.gift_amount, 0) <= 0:
                raise UserError(
                    self.env._(
                        "No gift is proposed with the greeting of %(guest)s: "
                        "set the value of the gift first.",
                        guest=self.partner_id.name,
                    )
                )
            self._check_gift_amount()  # the cap may have been lowered since
            compensation = Compensation.create(self._prepare_gift_compensation_vals())
            self.sudo().compensation_id = compensation
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "customer_service.cs_compensation_action"
        )
        action.update({"res_id": compensation.id, "views": [(False, "form")], "view_mode": "form"})
        return action

    # ------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------

    @api.model
    def _gift_value_cap(self):
        param = self.env["ir.config_parameter"].sudo().get_param("customer_service.gift_value_cap")
        try:
            return float(param) if param else DEFAULT_GIFT_VALUE_CAP
        except ValueError:
            return DEFAULT_GIFT_VALUE_CAP

    @api.model
    def _days_before(self):
        param = (
            self.env["ir.config_parameter"]
            .sudo()
            .get_param("customer_service.greeting_days_before")
        )
        try:
            days = int(param) if param else DEFAULT_DAYS_BEFORE
        except ValueError:
            days = DEFAULT_DAYS_BEFORE
        return min(max(days, 1), MAX_DAYS_BEFORE)

    def _prepare_gift_compensation_vals(self):
        """The values of the draft ``gift`` compensation that gives this greeting's gift."""
        self.ensure_one()
        reason = self.env._(
            "Gift with the %(occasion)s greeting of %(date)s",
            occasion=self.occasion_name,
            date=format_date(self.env, self.occasion_date),
        )
        return {
            "partner_id": self.partner_id.id,
            "company_id": self.company_id.id,
            "compensation_type": "gift",
            "amount": self.gift_amount,
            "description": f"{reason}: {self.gift_note}" if self.gift_note else reason,
        }

    @api.model
    def _upcoming_occasions(self, today, days_before):
        """The festivals, and the birthday keys, to greet for on ``today``.

        A greeting goes out ``days_before`` days before the occasion; if the
        cron missed a day it still goes out on a later day before the
        occasion, the record preventing a second one.
        Returns ``(festivals, solar_days, lunar_days)``: festival code →
        date, (month, day) → date for solar birthdays, and (month, day) →
        date for lunar birthdays.
        """
        window = [today + timedelta(days=offset) for offset in range(1, days_before + 1)]
        festivals = {}
        for year in {day.year for day in window}:
            for code, day in festival_dates(year).items():
                if day in window:
                    festivals[code] = day
        solar, lunar = {}, {}
        for day in window:
            solar[(day.month, day.day)] = day
            if day.month == 2 and day.day == 28 and not calendar.isleap(day.year):
                solar[(2, 29)] = day  # born on 29 February: greeted on the 28th
            for key in lunar_keys(day):
                lunar[key] = day
        return festivals, solar, lunar

    @api.model
    def _greeting_candidates(self, today, festivals, solar):
        """Rows (archive, plan, partner, company, birthday, is lunar, lunar birthday, lang)
        of the archives under a running, approved plan with greetings on.

        Without a festival ahead, only archives whose birthday may be near.
        """
        for model, names in (
            ("cs.retention.plan", ["state", "date_from", "date_to", "template_id", "archive_ids"]),
            ("cs.retention.plan.template", ["greetings"]),
            (
                "cs.guest.archive",
                ["active", "birthday", "is_lunar_birthday", "lunar_birthday", "lang"],
            ),
        ):
            self.env[model].flush_model(names)
        if festivals:
            birthday_filter = SQL("TRUE")
        else:
            solar_filter = SQL(" OR ").join(
                SQL(
                    "(EXTRACT(MONTH FROM a.birthday) = %s AND EXTRACT(DAY FROM a.birthday) = %s)",
                    month,
                    day,
                )
                for month, day in solar
            )
            birthday_filter = SQL(
                "(a.is_lunar_birthday OR (a.birthday IS NOT NULL AND (%s)))", solar_filter
            )
        self.env.cr.execute(
            SQL(
                """SELECT DISTINCT ON (a.id)
                          a.id, p.id, a.partner_id, a.company_id, a.birthday,
                          a.is_lunar_birthday, a.lunar_birthday, a.lang
                     FROM cs_retention_plan p
                     JOIN cs_retention_plan_template t ON t.id = p.template_id
                     JOIN cs_retention_plan_archive_rel rel ON rel.plan_id = p.id
                     JOIN cs_guest_archive a ON a.id = rel.archive_id
                    WHERE p.state = 'running'
                      AND t.greetings
                      AND p.date_from <= %(today)s
                      AND p.date_to >= %(today)s
                      AND a.active
                      AND a.company_id = p.company_id
                      AND %(birthday_filter)s
                 ORDER BY a.id, p.id""",
                today=today,
                birthday_filter=birthday_filter,
            )
        )
        return self.env.cr.fetchall()

    @api.model
    def _cron_send_greetings(self):
        """Daily: greet the guests of running plans before festivals and birthdays (R16).

        Idempotent: one greeting per guest, occasion and date. Guests whose
        email is blacklisted, or who have none, get no mail; the greeting is
        kept as not sent. Returns the number of greetings recorded.
        """
        today = fields.Date.context_today(self)
        festivals, solar, lunar = self._upcoming_occasions(today, self._days_before())
        rows = self._greeting_candidates(today, festivals, solar)
        plans = self.env["cs.retention.plan"].sudo().browse({row[1] for row in rows})
        approved = set(plans.filtered(lambda plan: plan._is_approved()).ids)
        wanted = []
        for archive_id, plan_id, partner_id, company_id, birthday, is_lunar, lunar_bd, lang in rows:
            if plan_id not in approved:
                continue
            occasions = list(festivals.items())
            if birthday or lunar_bd:
                if is_lunar:
                    key = parse_lunar(lunar_bd) or (lunar_of(birthday) if birthday else None)
                    day = lunar.get(key)
                else:
                    day = solar.get((birthday.month, birthday.day)) if birthday else None
                if day:
                    occasions.append(("birthday", day))
            wanted.extend(
                (archive_id, plan_id, partner_id, company_id, lang, occasion, day)
                for occasion, day in occasions
            )
        created = 0
        for batch in batches(self.env, wanted):
            created += self._send_batch(batch, today)
        return created

    @api.model
    def _send_batch(self, wanted, today):
        """Record, mail and log one batch of greetings; skip those already made."""
        Greeting = self.sudo()
        existing = {
            (g["company_id"][0], g["partner_id"][0], g["occasion"], g["occasion_date"])
            for g in Greeting.search_read(
                [
                    ("partner_id", "in", list({row[2] for row in wanted})),
                    ("occasion_date", "in", list({row[6] for row in wanted})),
                ],
                ["company_id", "partner_id", "occasion", "occasion_date"],
            )
        }
        todo, seen = [], set()
        for row in wanted:
            key = (row[3], row[2], row[5], row[6])
            if key not in existing and key not in seen:
                seen.add(key)
                todo.append(row)
        if not todo:
            return 0
        plans = self.env["cs.retention.plan"].sudo().browse({row[1] for row in todo})
        # A cap lowered after the template was made still holds.
        cap = self._gift_value_cap()
        gifts = {plan.id: min(plan.template_id.gift_value, cap) for plan in plans}
        partners = self.env["res.partner"].sudo().browse({row[2] for row in todo})
        # One query each for the partners' emails and the blacklist.
        blacklisted = set(partners.filtered("is_blacklisted").ids)
        no_email = set(partners.filtered(lambda p: not p.email_normalized).ids)
        langs = {partner.id: partner.lang for partner in partners}
        vals_list = []
        for archive_id, plan_id, partner_id, company_id, lang, occasion, day in todo:
            reason = (
                "blacklisted"
                if partner_id in blacklisted
                else "no_email"
                if partner_id in no_email
                else False
            )
            vals_list.append(
                {
                    "archive_id": archive_id,
                    "plan_id": plan_id,
                    "partner_id": partner_id,
                    "company_id": company_id,
                    "occasion": occasion,
                    "occasion_date": day,
                    "date": today,
                    "state": "skipped" if reason else "sent",
                    "skip_reason": reason,
                    "lang": lang or langs.get(partner_id) or "en_US",
                    "gift_amount": gifts.get(plan_id, 0.0),
                }
            )
        greetings = Greeting.create(vals_list)
        to_send = greetings.filtered(lambda g: g.state == "sent")
        if to_send:
            to_send._send_mails()
        return len(greetings)

    def _send_mails(self):
        """Queue the greeting mails and write one greeting contact record each (R7)."""
        template = self.env.ref("customer_service.mail_template_cs_greeting")
        mails = template.sudo().send_mail_batch(self.ids)
        mail_by_greeting = {mail.res_id: mail.id for mail in mails}
        owners = {
            greeting.id: (greeting.archive_id.owner_id or greeting.plan_id.user_id).id
            or self.env.uid
            for greeting in self
        }
        logs = (
            self.env["cs.contact.log"]
            .sudo()
            .with_context(tracking_disable=True, mail_create_nolog=True, mail_notrack=True)
            .create(
                [
                    {
                        "partner_id": greeting.partner_id.id,
                        "company_id": greeting.company_id.id,
                        "contact_type": "greeting",
                        "channel": "email",
                        "user_id": owners[greeting.id],
                    }
                    for greeting in self
                ]
            )
        )
        for greeting, log in zip(self, logs, strict=True):
            greeting.write({"mail_id": mail_by_greeting.get(greeting.id), "contact_log_id": log.id})
