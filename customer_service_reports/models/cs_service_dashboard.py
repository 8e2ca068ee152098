from collections import defaultdict
from datetime import datetime, time, timedelta

import pytz
from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError

from odoo.addons.customer_service.models.cs_complaint import DONE_STATES

MANAGER = "customer_service.group_cs_manager"
# The complaint chart covers this month and the eleven before it.
CATEGORY_MONTHS = 12
# Archives whose review falls within this many days are "due soon".
REVIEW_SOON_DAYS = 30


class CsServiceDashboard(models.AbstractModel):
    """The managers' overview of their hotel: KPI cards and charts.

    An OWL client action (tag ``cs_service_dashboard``) draws it from
    :meth:`get_dashboard_data`, rather than a spreadsheet dashboard: the
    figures are business rules that only Python knows (the callback KPIs of
    ``cs.visit``, the complaints' SLA status, the effective authority limits),
    each is counted by the ORM as the user who looks at it so that record
    rules apply, and each comes with the domain of exactly the records it
    counts, so that clicking a card or a chart segment opens that list.
    """

    _name = "cs.service.dashboard"
    _description = "Customer Service Dashboard"

    @api.model
    @api.readonly
    def get_dashboard_data(self):
        """Every figure of the dashboard, for the current company, as the current user.

        No guest is named: the figures are counts and sums, labelled by
        month, category, department or compensation type. Each clickable
        figure carries ``res_model`` and ``domain``: searching that domain as
        the same user counts the same records.
        """
        if not self.env.user.has_group(MANAGER):
            raise AccessError(
                self.env._("Only CS managers and company leaders see the service overview.")
            )
        # Months and days are the user's: group datetimes in their time zone.
        self = self.with_context(tz=self.env.tz.zone)
        company = self.env.company
        today = fields.Date.context_today(self)
        month = today.replace(day=1)
        return {
            "company_id": company.id,
            "currency_id": company.currency_id.id,
            "today": fields.Date.to_string(today),
            "month": fields.Date.to_string(month),
            "callbacks": self._callback_figures(company, month),
            "complaints": self._complaint_figures(company),
            "compensation": self._compensation_figures(company, month),
            "complaint_categories": self._complaint_category_figures(company, month),
            "consumption": self._consumption_figures(company, month),
            "reviews": self._review_figures(company, today),
        }

    # ------------------------------------------------------------
    # Figures
    # ------------------------------------------------------------

    @api.model
    def _callback_figures(self, company, month):
        """Visits of this month due a callback, those called back in time, and the overdue."""
        Visit = self.env["cs.visit"]
        due_domain = [
            ("company_id", "=", company.id),
            *self._datetime_range("date_start", month, month + relativedelta(months=1)),
        ]
        due, on_time = Visit._callback_kpis(due_domain).get(None, (0, 0))
        # _callback_kpis leaves out the visits that need no call: so does the list.
        due_domain.append(("callback_state", "!=", "not_needed"))
        on_time_domain = [*due_domain, ("callback_on_time", "=", True)]
        overdue_domain = [("company_id", "=", company.id), ("callback_overdue", "=", True)]
        return {
            "due": self._figure("cs.visit", due_domain, due),
            "on_time": self._figure("cs.visit", on_time_domain, on_time),
            "rate": on_time / due if due else None,
            "overdue": self._figure("cs.visit", overdue_domain, Visit.search_count(overdue_domain)),
        }

    @api.model
    def _complaint_figures(self, company):
        """Open complaints by the SLA status of their first response."""
        Complaint = self.env["cs.complaint"]
        open_domain = [("company_id", "=", company.id), ("state", "not in", list(DONE_STATES))]
        statuses = []
        for status, label in Complaint._fields["sla_status"]._description_selection(self.env):
            domain = [*open_domain, ("sla_status", "in", [status])]
            statuses.append(
                {
                    "key": status,
                    "label": label,
                    **self._figure("cs.complaint", domain, Complaint.search_count(domain)),
                }
            )
        return {
            "open": self._figure(
                "cs.complaint", open_domain, sum(status["value"] for status in statuses)
            ),
            "statuses": statuses,
        }

    @api.model
    def _compensation_figures(self, company, month):
        """This month's compensation: the user's own, against their limits, and the company's.

        What counts against a limit is what was given on the user's
        authority (``authority_user_id``) on their local days, as when they
        sign. Points are counted in points, never added to money.
        """
        Compensation = self.env["cs.compensation"]
        period = [
            ("company_id", "=", company.id),
            ("state", "=", "done"),
            ("sign_date", ">=", fields.Date.to_string(month)),
            ("sign_date", "<", fields.Date.to_string(month + relativedelta(months=1))),
        ]
        mine_domain = [*period, ("authority_user_id", "=", self.env.uid)]
        mine = dict(Compensation._read_group(mine_domain, ["compensation_type"], ["amount:sum"]))
        totals = dict(Compensation._read_group(period, ["compensation_type"], ["amount:sum"]))
        Limit = self.env["cs.authority.limit"]
        lines = []
        types = Compensation._fields["compensation_type"]._description_selection(self.env)
        for ctype, label in types:
            limit = Limit._get_effective_limit(self.env.user, ctype, company)
            spent, total = mine.get(ctype, 0.0), totals.get(ctype, 0.0)
            if not (limit or spent or total):
                continue
            per_month = limit and limit["per_month"]
            type_domain = [("compensation_type", "=", ctype)]
            lines.append(
                {
                    "type": ctype,
                    "label": label,
                    "is_points": ctype == "points",
                    "has_authority": bool(limit),
                    # None: no monthly cap (or no authority at all).
                    "limit_month": per_month,
                    "limit_transaction": limit and limit["per_transaction"],
                    "share": spent / per_month if per_month else None,
                    "spent": self._figure("cs.compensation", mine_domain + type_domain, spent),
                    "company": self._figure("cs.compensation", period + type_domain, total),
                }
            )
        money_domain = [*period, ("compensation_type", "!=", "points")]
        return {
            "lines": lines,
            "company_total": self._figure(
                "cs.compensation",
                money_domain,
                sum(amount for ctype, amount in totals.items() if ctype != "points"),
            ),
        }

    @api.model
    def _complaint_category_figures(self, company, month):
        """Complaints per month of the last twelve, split by category."""
        Complaint = self.env["cs.complaint"]
        months = [month - relativedelta(months=n) for n in range(CATEGORY_MONTHS - 1, -1, -1)]
        end = month + relativedelta(months=1)
        base = [("company_id", "=", company.id)]
        rows = Complaint._read_group(
            [*base, *self._datetime_range("complaint_date", months[0], end)],
            ["category_id", "complaint_date:month"],
            ["__count"],
        )
        counts = defaultdict(dict)
        for category, month_start, count in rows:
            counts[category][self._as_date(month_start)] = count
        # The biggest categories first: they sit at the bottom of each stack.
        categories = sorted(
            counts, key=lambda c: (-sum(counts[c].values()), not c, c.display_name or "")
        )
        datasets = []
        for category in categories:
            domain = [*base, ("category_id", "=", category.id or False)]
            datasets.append(
                {
                    "category_id": category.id or False,
                    "label": category.display_name or self.env._("Uncategorised"),
                    "data": [counts[category].get(start, 0) for start in months],
                    "domains": [
                        domain
                        + self._datetime_range(
                            "complaint_date", start, start + relativedelta(months=1)
                        )
                        for start in months
                    ],
                }
            )
        return {
            "res_model": "cs.complaint",
            "months": [fields.Date.to_string(start) for start in months],
            "datasets": datasets,
        }

    @api.model
    def _consumption_figures(self, company, month):
        """What each department reported, last month and this month."""
        Consumption = self.env["cs.consumption"]
        months = [month - relativedelta(months=1), month]
        end = month + relativedelta(months=1)
        base = [("company_id", "=", company.id)]
        rows = Consumption._read_group(
            [*base, *self._datetime_range("consumption_date", months[0], end)],
            ["department_id", "consumption_date:month"],
            ["amount_total:sum"],
            order="department_id",
        )
        amounts = defaultdict(dict)
        for department, month_start, amount in rows:
            amounts[department][self._as_date(month_start)] = amount
        departments = list(amounts)
        datasets = []
        for start in months:
            stop = start + relativedelta(months=1)
            period = self._datetime_range("consumption_date", start, stop)
            datasets.append(
                {
                    "month": fields.Date.to_string(start),
                    "data": [amounts[department].get(start, 0.0) for department in departments],
                    "domains": [
                        [*base, ("department_id", "=", department.id), *period]
                        for department in departments
                    ],
                    **self._figure(
                        "cs.consumption",
                        [*base, *period],
                        sum(amounts[department].get(start, 0.0) for department in departments),
                    ),
                }
            )
        return {
            "res_model": "cs.consumption",
            "departments": [
                {"id": department.id, "label": department.display_name}
                for department in departments
            ],
            "datasets": datasets,
        }

    @api.model
    def _review_figures(self, company, today):
        """Archives the user may read whose quarterly re-verification is due, or soon."""
        Archive = self.env["cs.guest.archive"]
        base = [("company_id", "=", company.id)]
        due_domain = [*base, ("next_review_date", "<=", fields.Date.to_string(today))]
        soon_domain = [
            *base,
            ("next_review_date", ">", fields.Date.to_string(today)),
            (
                "next_review_date",
                "<=",
                fields.Date.to_string(today + timedelta(days=REVIEW_SOON_DAYS)),
            ),
        ]
        return {
            "due": self._figure("cs.guest.archive", due_domain, Archive.search_count(due_domain)),
            "soon": self._figure(
                "cs.guest.archive", soon_domain, Archive.search_count(soon_domain)
            ),
            "soon_days": REVIEW_SOON_DAYS,
        }

    # ------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------

    @api.model
    def _figure(self, res_model, domain, value):
        """A clickable figure: its value, and the records it counts."""
        return {"value": value, "res_model": res_model, "domain": list(domain)}

    @api.model
    def _datetime_range(self, field_name, day_from, day_to):
        """[day_from, day_to) in the user's time zone, as a domain on a datetime field."""
        return [
            (field_name, ">=", fields.Datetime.to_string(self._utc(day_from))),
            (field_name, "<", fields.Datetime.to_string(self._utc(day_to))),
        ]

    @api.model
    def _utc(self, day):
        """Midnight of ``day`` in the user's time zone, as the ORM stores it (naive UTC)."""
        local = self.env.tz.localize(datetime.combine(day, time.min))
        return local.astimezone(pytz.utc).replace(tzinfo=None)

    @staticmethod
    def _as_date(value):
        return value.date() if isinstance(value, datetime) else value
