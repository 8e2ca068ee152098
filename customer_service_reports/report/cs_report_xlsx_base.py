"""The shared base of every Customer Service XLSX report.

A concrete report is a small subclass: it names its columns, yields its rows
and, where a chart says more than a table, adds one. The base gives every
report the same finish: a title with the filters used, a bold frozen header
with an autofilter, typed cells (dates as dates, money as numbers in the
company currency's format, percentages), headers in the user's language, and
``constant_memory`` so that 100,000 rows never sit in memory at once.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import pytz
from xlsxwriter.utility import xl_col_to_name

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.fields import Domain
from odoo.tools.translate import LazyGettext

# Rows fetched and written per batch: the ORM cache is emptied between
# batches, so memory stays flat whatever the number of rows.
BATCH_SIZE = 2000
# Layout: title, filters, "printed by", a blank row, then the header.
HEADER_ROW = 4
CONFIDENTIALITY_LEVELS = ("secret", "confidential", "top_secret")
GRANULARITIES = ("day", "week", "month", "quarter", "year")
# The number format that shows one period of each granularity.
PERIOD_FORMATS = {
    "day": "yyyy-mm-dd",
    "week": "yyyy-mm-dd",
    "month": "yyyy-mm",
    "quarter": "yyyy-mm",
    "year": "yyyy",
}


@dataclass(frozen=True)
class Column:
    """One column of a report table.

    ``kind`` picks the cell type and number format: text, date, datetime,
    period, money, number, integer, percent or bool. ``header`` is a lazy
    term, translated in the report's language when the header is written.
    """

    header: object
    kind: str = "text"
    width: float = 14


class XlsxTable:
    """One worksheet holding one table, written strictly row by row.

    ``constant_memory`` flushes each row as soon as the next one starts, so
    rows must come in order; this class is the only writer of its sheet.
    """

    def __init__(self, worksheet, columns, writers, first_row):
        self.worksheet = worksheet
        self.columns = columns
        self._writers = writers
        self.first_row = first_row
        self.row = first_row

    @property
    def last_row(self):
        """The last data row written (the header row if none was)."""
        return self.row - 1 if self.row > self.first_row else self.first_row - 1

    def write_row(self, values, highlight=None):
        """Write one data row. None leaves a cell empty; so does False, except in bool columns.

        ``highlight`` maps column indexes to a format that replaces the
        column's own (e.g. to flag a confidential level).
        """
        row = self.row
        for col, (value, (write, fmt, kind)) in enumerate(zip(values, self._writers, strict=True)):
            if value is None or (value is False and kind != "bool"):
                continue
            if highlight and col in highlight:
                fmt = highlight[col]
            write(row, col, value, fmt)
        self.row += 1

    def write_totals(self, label, label_format, cells, subtotal=False):
        """Write a total row under the data rows; return its index.

        ``cells``: (column, value, format) triples; each cell is a formula
        over its column, with ``value`` as the result a reader shows before
        recalculating. ``subtotal`` uses SUBTOTAL(9, …), which leaves out
        the rows an autofilter hides. The row is not counted as data.
        """
        row = self.row
        self.worksheet.write_string(row, 0, label, label_format)
        for col, value, fmt in cells:
            letter = xl_col_to_name(col)
            span = f"{letter}{self.first_row + 1}:{letter}{self.last_row + 1}"
            formula = f"=SUBTOTAL(9,{span})" if subtotal else f"=SUM({span})"
            self.worksheet.write_formula(row, col, formula, fmt, value)
        return row

    def finish(self):
        """Put the autofilter over the header and every data row."""
        self.worksheet.autofilter(
            self.first_row - 1, 0, max(self.last_row, self.first_row - 1), len(self.columns) - 1
        )


class CsReportXlsxBase(models.AbstractModel):
    """Shared layout, formats, filters and language of the CS XLSX reports."""

    _name = "report.customer_service_reports.xlsx_base"
    _description = "Customer Service XLSX Report Base"
    _inherit = "report.report_xlsx.abstract"

    # Subclasses with few rows may turn it off (e.g. to write cells out of order).
    _cs_constant_memory = True

    # ------------------------------------------------------------
    # report_xlsx entry points
    # ------------------------------------------------------------

    def create_xlsx_report(self, docids, data):
        # Every string of the file in the user's language: the web client
        # sends it, an RPC call or a test may not.
        # Periods are grouped in the user's timezone too.
        context = self.env.context
        report = self.with_context(
            lang=context.get("lang") or self.env.user.lang or "en_US",
            tz=context.get("tz") or self.env.user.tz or "UTC",
        )
        report._cs_check_access()
        return super(CsReportXlsxBase, report).create_xlsx_report(docids, data)

    def get_workbook_options(self):
        options = dict(super().get_workbook_options())
        if self._cs_constant_memory:
            options["constant_memory"] = True
        # Dates come as naive datetimes in the user's timezone.
        options["remove_timezone"] = True
        return options

    def _get_objs_for_report(self, docids, data):
        """The records picked in a list, or none: the filters then decide.

        report_xlsx would fall back on the context's active_ids, which are a
        wizard's or a menu's, not the report model's.
        """
        model = self.env[self.env.context.get("active_model") or self._cs_model()]
        return model.browse(docids or [])

    def generate_xlsx_report(self, workbook, data, objs):
        filters = self._cs_parse_filters(data)
        self._cs_generate(workbook, filters, objs)

    # ------------------------------------------------------------
    # To implement in each report
    # ------------------------------------------------------------

    def _cs_model(self):
        """The model the report lists."""
        raise NotImplementedError()

    def _cs_title(self):
        raise NotImplementedError()

    def _cs_generate(self, workbook, filters, records):
        """Write the sheets. ``records``: the selection, or empty for "as filtered"."""
        raise NotImplementedError()

    def _cs_check_access(self):
        """Refuse users outside the groups of the report's action.

        The action's groups (report/cs_report_actions.xml) say who may run
        each report, for the wizard, the Print menu and a direct call of the
        report's route alike. Rights on the data stay with the ORM.
        """
        action = self.env["ir.actions.report"]._get_report_from_name(
            self._name.removeprefix("report.")
        )
        groups = action.group_ids or self.env.ref("customer_service.group_cs_user")
        if not groups & self.env.user.all_group_ids:
            raise UserError(
                self.env._(
                    "You may not run this report: %(report)s.",
                    report=action.name or self._cs_title(),
                )
            )

    # ------------------------------------------------------------
    # Filters
    # ------------------------------------------------------------

    @api.model
    def _cs_parse_filters(self, data):
        """Read and check the filters a wizard (or an RPC client) sent.

        Anything a client sends is checked here again: the wizard's checks
        do not hold for a direct call of the report.
        """
        raw = dict((data or {}).get("filters") or {})
        try:
            date_from = fields.Date.to_date(raw.get("date_from") or None)
            date_to = fields.Date.to_date(raw.get("date_to") or None)
        except (TypeError, ValueError) as error:
            raise UserError(self.env._("The period's dates are not valid dates.")) from error
        self._cs_check_period(date_from, date_to)
        level = raw.get("confidentiality_level") or False
        if level and level not in CONFIDENTIALITY_LEVELS:
            raise UserError(self.env._("Unknown confidentiality level: %(level)s", level=level))
        granularity = raw.get("granularity") or "month"
        if granularity not in GRANULARITIES:
            raise UserError(
                self.env._("Unknown period grouping: %(grouping)s", grouping=granularity)
            )
        try:
            department_ids = [int(i) for i in raw.get("department_ids") or []]
            user_ids = [int(i) for i in raw.get("user_ids") or []]
        except (TypeError, ValueError) as error:
            raise UserError(self.env._("Departments and staff must be given by id.")) from error
        return {
            "date_from": date_from,
            "date_to": date_to,
            "departments": self.env["cs.service.department"].browse(department_ids).exists(),
            "users": self.env["res.users"].browse(user_ids).exists(),
            "confidentiality_level": level,
            "granularity": granularity,
        }

    @api.model
    def _cs_check_period(self, date_from, date_to, required=False):
        if required and not (date_from and date_to):
            raise UserError(self.env._("Choose the first and the last day of the period."))
        if date_from and date_to and date_to < date_from:
            raise UserError(
                self.env._(
                    "The period ends on %(date_to)s, before it starts on %(date_from)s.",
                    date_to=date_to,
                    date_from=date_from,
                )
            )

    def _cs_tz(self):
        return pytz.timezone(self.env.context.get("tz") or self.env.user.tz or "UTC")

    def _cs_datetime_bounds(self, filters):
        """The period as UTC datetimes [start, end) for Datetime fields, or None ends."""
        tz = self._cs_tz()

        def to_utc(day):
            local = tz.localize(datetime.combine(day, time.min))
            return local.astimezone(pytz.utc).replace(tzinfo=None)

        start = filters["date_from"] and to_utc(filters["date_from"])
        end = filters["date_to"] and to_utc(filters["date_to"] + timedelta(days=1))
        return start, end

    def _cs_filter_domain(self, filters, date_field, user_field, id_field="id", records=None):
        """The filters every report shares: the selection, the period and the staff."""
        domain = Domain.TRUE
        if records:
            domain &= Domain(id_field, "in", records.ids)
        start, end = self._cs_datetime_bounds(filters)
        if start:
            domain &= Domain(date_field, ">=", start)
        if end:
            domain &= Domain(date_field, "<", end)
        if filters["users"]:
            domain &= Domain(user_field, "in", filters["users"].ids)
        return domain

    def _cs_local(self, value):
        """A UTC datetime from the database, as a naive datetime in the user's timezone."""
        return self._cs_local_converter()(value)

    def _cs_local_converter(self):
        """A function for _cs_local on many rows: the timezone is looked up once."""
        tz = self._cs_tz()

        def local(value):
            if not value:
                return None
            return tz.fromutc(value.replace(tzinfo=tz)).replace(tzinfo=None)

        return local

    def _cs_filter_lines(self, filters, applied=("period", "departments", "users", "level")):
        """The filters a report used, in words, for its title."""
        parts = []
        if "period" in applied:
            date_from, date_to = filters["date_from"], filters["date_to"]
            if date_from or date_to:
                parts.append(
                    self.env._(
                        "Period: %(date_from)s to %(date_to)s",
                        date_from=date_from or "…",
                        date_to=date_to or "…",
                    )
                )
        if "departments" in applied and filters["departments"]:
            parts.append(
                self.env._(
                    "Departments: %(names)s",
                    names=", ".join(filters["departments"].mapped("name")),
                )
            )
        if "users" in applied and filters["users"]:
            parts.append(
                self.env._("Staff: %(names)s", names=", ".join(filters["users"].mapped("name")))
            )
        if "level" in applied and filters["confidentiality_level"]:
            parts.append(
                self.env._(
                    "Confidentiality: %(level)s",
                    level=self._cs_selection_labels("cs.guest.archive", "confidentiality_level")[
                        filters["confidentiality_level"]
                    ],
                )
            )
        return " · ".join(parts) or self.env._("No filter")

    # ------------------------------------------------------------
    # Helpers for the subclasses
    # ------------------------------------------------------------

    def _cs_selection_labels(self, model, field):
        """A selection field's labels, in the report's language."""
        return dict(self.env[model]._fields[field]._description_selection(self.env))

    def _cs_formats(self, workbook):
        """The workbook's formats, created once per workbook."""
        currency = self.env.company.currency_id
        money = self._report_xlsx_currency_format(currency)
        add = workbook.add_format
        formats = {
            "title": add({"bold": True, "font_size": 14}),
            "subtitle": add({"italic": True, "font_color": "#555555"}),
            "header": add(
                {
                    "bold": True,
                    "bg_color": "#D9E1F2",
                    "border": 1,
                    "text_wrap": True,
                    "valign": "top",
                }
            ),
            "text": add({}),
            "bool": add({"align": "center"}),
            "date": add({"num_format": "yyyy-mm-dd"}),
            "datetime": add({"num_format": "yyyy-mm-dd hh:mm"}),
            "money": add({"num_format": money}),
            "number": add({"num_format": "#,##0.00"}),
            "integer": add({"num_format": "#,##0"}),
            "percent": add({"num_format": "0.0%"}),
            "flag": add({"bold": True, "font_color": "#C00000"}),
            "total_label": add({"bold": True, "top": 1}),
            "total_money": add({"bold": True, "top": 1, "num_format": money}),
            "total_integer": add({"bold": True, "top": 1, "num_format": "#,##0"}),
            "total_percent": add({"bold": True, "top": 1, "num_format": "0.0%"}),
        }
        for granularity, num_format in PERIOD_FORMATS.items():
            formats[f"period_{granularity}"] = add({"num_format": num_format, "align": "left"})
        return formats

    def _cs_add_table(self, workbook, formats, sheet_name, columns, filter_text, period=None):
        """A worksheet with the title block and the frozen header: rows come next."""
        worksheet = workbook.add_worksheet(sheet_name[:31])
        writers = []
        for col, column in enumerate(columns):
            worksheet.set_column(col, col, column.width)
            if column.kind in ("date", "datetime"):
                write = worksheet.write_datetime
                fmt = formats[column.kind]
            elif column.kind == "period":
                write = worksheet.write_datetime
                fmt = formats[f"period_{period or 'month'}"]
            elif column.kind in ("money", "number", "integer", "percent"):
                write = worksheet.write_number
                fmt = formats[column.kind]
            elif column.kind == "bool":
                write = worksheet.write_boolean
                fmt = formats["bool"]
            else:
                write = worksheet.write_string
                fmt = formats["text"]
            writers.append((write, fmt, column.kind))
        worksheet.write_string(0, 0, self._cs_title(), formats["title"])
        worksheet.write_string(1, 0, filter_text, formats["subtitle"])
        worksheet.write_string(
            2,
            0,
            self.env._(
                "Printed by %(user)s on %(date)s",
                user=self.env.user.name,
                date=fields.Datetime.to_string(self._cs_local(fields.Datetime.now())),
            ),
            formats["subtitle"],
        )
        for col, column in enumerate(columns):
            # Lazy terms are the report's own; plain strings are data (e.g. a department).
            header = column.header
            if isinstance(header, LazyGettext):
                header = self.env._(header)
            worksheet.write_string(HEADER_ROW, col, header, formats["header"])
        worksheet.freeze_panes(HEADER_ROW + 1, 0)
        return XlsxTable(worksheet, columns, writers, HEADER_ROW + 1)

    @staticmethod
    def _cs_date(value):
        """A date or datetime as what xlsxwriter writes as a date cell, or None."""
        if not value:
            return None
        if isinstance(value, datetime):
            return value
        if isinstance(value, date):
            return datetime.combine(value, time.min)
        return None

    # ------------------------------------------------------------
    # Guests the user may name (reports 4 and 5)
    # ------------------------------------------------------------

    def _cs_readable_guests(self, partners):
        """Which of ``partners`` the user may name in a report: a set of ids.

        A guest whose archive the user may not read is never named (R12): the
        report shows its figures without its name. A partner is named when
        the user may read one of its archives (or one of its contacts'), or
        when it has no archive at all in the user's companies: it is then a
        plain customer, with nothing confidential about it. Only whether an
        archive exists is read as superuser; what the user reads is decided
        by the record rules.
        """
        if not partners:
            return set()
        Archive = self.env["cs.guest.archive"].with_context(active_test=False)
        domain = Domain("partner_id", "child_of", partners.ids) & Domain(
            "company_id", "in", self.env.companies.ids
        )

        def owners(groups):
            found = set()
            for (partner,) in groups:
                found.update({partner.id, partner.commercial_partner_id.id} & set(partners.ids))
            return found

        archived = owners(Archive.sudo()._read_group(domain, ["partner_id"]))
        readable = set()
        if Archive.has_access("read"):
            readable = owners(Archive._read_group(domain, ["partner_id"]))
        return (set(partners.ids) - archived) | readable
