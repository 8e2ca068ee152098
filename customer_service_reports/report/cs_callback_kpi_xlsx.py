from collections import defaultdict
from datetime import date, datetime, timedelta

from dateutil.relativedelta import relativedelta

from odoo import models
from odoo.fields import Domain
from odoo.tools.translate import LazyTranslate

from .cs_report_xlsx_base import Column

_lt = LazyTranslate(__name__)

COLUMNS = (
    Column(_lt("Staff"), "text", 22),
    Column(_lt("Month"), "period", 10),
    Column(_lt("Callbacks Due"), "integer", 11),
    Column(_lt("Called Back in Time"), "integer", 11),
    Column(_lt("In Time"), "percent", 9),
    Column(_lt("Members Visited"), "integer", 11),
    Column(_lt("Members Called Back"), "integer", 11),
    Column(_lt("Members Called Back (%)"), "percent", 11),
    Column(_lt("Member-Weeks with a Contact"), "integer", 13),
    Column(_lt("Weeks with a Contact"), "percent", 11),
    Column(_lt("Contacts"), "integer", 10),
    Column(_lt("Satisfied"), "integer", 10),
    Column(_lt("Average"), "integer", 10),
    Column(_lt("Dissatisfied"), "integer", 11),
    Column(_lt("Satisfied (%)"), "percent", 10),
)
IN_TIME_COLUMN = 4
MEMBERS_RATE_COLUMN = 7


def _day(value):
    return value.date() if isinstance(value, datetime) else value


class ReportCsCallbackKpi(models.AbstractModel):
    """Callback and contact KPIs per staff member and month (R7, R15).

    The definitions are the leaders' digest's (``cs.leader.digest._team_kpis``)
    and ``cs.visit._callback_kpis``'s, split by staff and month. A guest's stay
    owes one callback, whatever the departments it went through, so callbacks
    count visits, not consumptions:

    - callbacks due: visits the staff member calls back (``callback_user_id``)
      that began in the month, except those that need no callback; in time:
      called back before their deadline;
    - members visited / called back: members (archives with a VIP level) among
      the guests of those visits, and those of them with a visit called back
      (goal 100%);
    - weeks with a contact: of the weeks of the month times the members the
      staff member owns, those in which they logged a contact with the member
      (R7: once a week);
    - satisfaction: the contact records the staff member logged in the month.

    Guests are never named: the report holds counts only.
    """

    _name = "report.customer_service_reports.callback_kpi"
    _description = "Callback and Contact KPIs (XLSX)"
    _inherit = "report.customer_service_reports.xlsx_base"

    # One row per staff member and month: few rows, nothing to stream.
    _cs_constant_memory = False

    def _cs_model(self):
        return "cs.visit"

    def _cs_title(self):
        return self.env._("Callback and Contact KPIs per Staff and Month")

    def _cs_generate(self, workbook, filters, records):
        rows = self._cs_kpi_rows(filters, records)
        formats = self._cs_formats(workbook)
        table = self._cs_add_table(
            workbook,
            formats,
            self.env._("KPIs"),
            COLUMNS,
            self._cs_filter_lines(filters, applied=("period", "departments", "users")),
            period="month",
        )
        for row in rows:
            table.write_row(row)
        table.finish()
        if rows:
            sheet = table.worksheet
            name = sheet.get_name()
            chart = workbook.add_chart({"type": "column"})
            for col in (IN_TIME_COLUMN, MEMBERS_RATE_COLUMN):
                chart.add_series(
                    {
                        "name": [name, table.first_row - 1, col],
                        "categories": [name, table.first_row, 0, table.last_row, 1],
                        "values": [name, table.first_row, col, table.last_row, col],
                    }
                )
            chart.set_title({"name": self.env._("Callbacks in Time and Members Called Back")})
            chart.set_y_axis({"num_format": "0%", "max": 1, "min": 0})
            chart.set_size({"width": 820, "height": 380})
            sheet.insert_chart(table.row + 1, 2, chart)

    def _cs_kpi_rows(self, filters, records=None):
        """One tuple per staff member and month, in the order of COLUMNS.

        ``records``: visits picked in the callback queue, or none.
        """
        Visit = self.env["cs.visit"]
        Log = self.env["cs.contact.log"]
        due = (
            Domain("callback_state", "!=", "not_needed")
            & Domain("callback_user_id", "!=", False)
            & self._cs_filter_domain(filters, "date_start", "callback_user_id", records=records)
        )
        contact = Domain("user_id", "!=", False) & self._cs_filter_domain(
            filters, "contact_date", "user_id", id_field="visit_id", records=records
        )
        if filters["departments"]:
            # Visits that went through one of the departments, first or later in the stay.
            due &= Domain("department_ids", "in", filters["departments"].ids)

        # The one count of the callback KPIs, within the user's companies.
        callbacks = {
            (user, _day(month)): counts
            for (user, month), counts in Visit._callback_kpis(
                due, ["callback_user_id", "date_start:month"]
            ).items()
        }

        # Who is a member is the archive's (a VIP level), read as the digest
        # reads it: only counts leave the archive.
        members = self.env["cs.guest.archive"].sudo().search([("vip_level", "!=", "none")])
        member_partners = members.partner_id
        visited = defaultdict(set)
        called = defaultdict(set)
        for user, month, partner, state in Visit._read_group(
            due & Domain("partner_id", "in", member_partners.ids),
            ["callback_user_id", "date_start:month", "partner_id", "callback_state"],
        ):
            visited[user, _day(month)].add(partner)
            if state == "done":
                called[user, _day(month)].add(partner)

        owned = defaultdict(set)  # user id -> partner ids of the members they own
        for archive in members:
            if archive.owner_id:
                owned[archive.owner_id.id].add(archive.partner_id.id)

        satisfaction = defaultdict(lambda: defaultdict(int))
        for user, month, level, count in Log._read_group(
            contact, ["user_id", "contact_date:month", "satisfaction"], ["__count"]
        ):
            satisfaction[user, _day(month)][level] += count
            satisfaction[user, _day(month)]["total"] += count
        member_weeks = defaultdict(set)
        for user, month, partner, week in Log._read_group(
            contact & Domain("partner_id", "in", member_partners.ids),
            ["user_id", "contact_date:month", "partner_id", "contact_date:week"],
        ):
            if partner.id in owned[user.id]:
                member_weeks[user, _day(month)].add((partner.id, _day(week)))

        keys = set(callbacks) | set(satisfaction)
        rows = []
        for user, month in sorted(keys, key=lambda k: (k[0].name or "", k[0].id, k[1])):
            key = (user, month)
            due_count, in_time = callbacks.get(key, (0, 0))
            visited_count = len(visited.get(key, ()))
            called_count = len(called.get(key, ()))
            weeks_done = len(member_weeks.get(key, ()))
            weeks_owed = len(owned[user.id]) * self._cs_weeks(month, filters)
            votes = satisfaction.get(key, {})
            rated = sum(votes.get(level, 0) for level in ("satisfied", "average", "dissatisfied"))
            rows.append(
                (
                    user.name,
                    self._cs_date(month),
                    due_count,
                    in_time,
                    in_time / due_count if due_count else None,
                    visited_count,
                    called_count,
                    called_count / visited_count if visited_count else None,
                    weeks_done,
                    min(1.0, weeks_done / weeks_owed) if weeks_owed else None,
                    votes.get("total", 0),
                    votes.get("satisfied", 0),
                    votes.get("average", 0),
                    votes.get("dissatisfied", 0),
                    votes.get("satisfied", 0) / rated if rated else None,
                )
            )
        return rows

    def _cs_weeks(self, month, filters):
        """Weeks of the month that fall in the period (at least one), as the digest counts them."""
        first = month if isinstance(month, date) else month.date()
        last = first + relativedelta(months=1) - timedelta(days=1)
        if filters["date_from"]:
            first = max(first, filters["date_from"])
        if filters["date_to"]:
            last = min(last, filters["date_to"])
        return max(1, round(((last - first).days + 1) / 7))
