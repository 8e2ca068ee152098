from odoo import models
from odoo.fields import Domain
from odoo.tools.translate import LazyTranslate

from .cs_report_xlsx_base import Column

_lt = LazyTranslate(__name__)

# The figures of every row, read from cs.complaint.analysis in one query each.
AGGREGATES = [
    "__count",
    "invalid_count:sum",
    "closed_count:sum",
    "first_response_date:count",
    "sla_met_count:sum",
    "sla_missed_count:sum",
    "sla_pending_count:sum",
    "response_hours:avg",
    "resolution_hours:avg",
]
FIGURE_COLUMNS = (
    Column(_lt("Complaints"), "integer", 11),
    Column(_lt("Invalid"), "integer", 9),
    Column(_lt("Closed"), "integer", 9),
    Column(_lt("Answered"), "integer", 9),
    Column(_lt("SLA Met"), "integer", 9),
    Column(_lt("SLA Missed"), "integer", 9),
    Column(_lt("Awaiting Response"), "integer", 11),
    Column(_lt("SLA Met (%)"), "percent", 9),
    Column(_lt("Average Hours to First Response"), "number", 14),
    Column(_lt("Average Hours to Close"), "number", 12),
)
# Figures that add up (counts), then the SLA share: their places in FIGURE_COLUMNS.
SUMMED_FIGURES = 7
RATE_FIGURE = 7
DETAIL_COLUMNS = (
    Column(_lt("Month"), "period", 10),
    Column(_lt("Category"), "text", 20),
    Column(_lt("Responsible Department"), "text", 18),
    Column(_lt("Severity"), "text", 10),
    *FIGURE_COLUMNS,
)


class ReportCsComplaintStatistics(models.AbstractModel):
    """Complaint statistics per month, by category, department and severity (R14.7).

    The first sheet has one row per month, category, responsible department
    and severity, under an autofilter, so that a manager filters it to any
    breakdown. The second sums the months, one column per category, with a
    chart of complaints per month and category and one of the SLA met share.

    Definitions (those of ``cs.complaint.analysis``, which the figures come
    from, so that the file and the pivot view agree):

    - month: of the complaint's date (``complaint_date``), in the user's timezone;
    - first response: the complaint's ``first_response_date``, recorded when it
      leaves "registered" (judged valid, or invalid with a reply). Its hours
      are counted from ``complaint_date``; unanswered complaints are left out
      of the average;
    - SLA met: answered by ``response_deadline`` (48 hours by default); missed:
      answered later, or unanswered with the deadline past; awaiting
      response: unanswered, the deadline still ahead. The met share is
      met / (met + missed): complaints still within their time are not judged;
    - hours to close: to ``closed_date``, for the closed ones (valid or not).

    Filters: the period (complaint date, required unless complaints were
    picked in a list), the responsible departments and the staff handling
    the complaint (``user_id``). Everything is read as the user.
    """

    _name = "report.customer_service_reports.complaint_statistics"
    _description = "Complaint Statistics (XLSX)"
    _inherit = "report.customer_service_reports.xlsx_base"

    # One row per month and breakdown: few rows, nothing to stream; the
    # monthly sheet writes its total row under the autofilter's range.
    _cs_constant_memory = False

    def _cs_model(self):
        return "cs.complaint"

    def _cs_title(self):
        return self.env._("Complaint Statistics per Month")

    def _cs_domain(self, filters, records):
        domain = self._cs_filter_domain(
            filters, "complaint_date", "user_id", id_field="complaint_id", records=records
        )
        if filters["departments"]:
            domain &= Domain("department_id", "in", filters["departments"].ids)
        return domain

    def _cs_generate(self, workbook, filters, records):
        if not records:
            # Monthly statistics over all time would be a different report.
            self._cs_check_period(filters["date_from"], filters["date_to"], required=True)
        domain = self._cs_domain(filters, records)
        formats = self._cs_formats(workbook)
        formats["total_number"] = workbook.add_format(
            {"bold": True, "top": 1, "num_format": "#,##0.00"}
        )
        filter_text = self._cs_filter_lines(filters, applied=("period", "departments", "users"))
        self._cs_write_breakdown(workbook, formats, filter_text, domain)
        self._cs_write_months(workbook, formats, filter_text, domain)

    # ------------------------------------------------------------
    # Rows
    # ------------------------------------------------------------

    @staticmethod
    def _cs_figures(count, invalid, closed, answered, met, missed, pending, response, resolution):
        """The FIGURE_COLUMNS values of one group, from its AGGREGATES.

        An average over no complaint is left empty, not 0 (the total row's
        aggregates come as 0 when nothing was averaged).
        """
        judged = met + missed
        return (
            count,
            invalid,
            closed,
            answered,
            met,
            missed,
            pending,
            met / judged if judged else None,
            response if answered else None,
            resolution if closed else None,
        )

    def _cs_breakdown_rows(self, domain):
        """One tuple per month, category, department and severity, in DETAIL_COLUMNS order."""
        groups = self.env["cs.complaint.analysis"]._read_group(
            domain,
            ["complaint_date:month", "category_id", "department_id", "severity"],
            AGGREGATES,
            # Categories and departments in their own order; major before normal.
            order="complaint_date:month, category_id, department_id, severity",
        )
        severities = self._cs_selection_labels("cs.complaint.analysis", "severity")
        no_category = self.env._("Uncategorised")
        no_department = self.env._("Not yet known")
        return [
            (
                self._cs_date(month),
                category.name or no_category,
                department.name or no_department,
                severities.get(severity, severity or ""),
                *self._cs_figures(*figures),
            )
            for month, category, department, severity, *figures in groups
        ]

    def _cs_write_breakdown(self, workbook, formats, filter_text, domain):
        table = self._cs_add_table(
            workbook, formats, self.env._("Statistics"), DETAIL_COLUMNS, filter_text
        )
        for row in self._cs_breakdown_rows(domain):
            table.write_row(row)
        table.finish()

    def _cs_write_months(self, workbook, formats, filter_text, domain):
        Analysis = self.env["cs.complaint.analysis"]
        by_category = Analysis._read_group(
            domain, ["complaint_date:month", "category_id"], ["__count"]
        )
        by_month = {
            month: figures
            for month, *figures in Analysis._read_group(
                domain, ["complaint_date:month"], AGGREGATES, order="complaint_date:month"
            )
        }
        [totals] = Analysis._read_group(domain, [], AGGREGATES)
        categories = self.env["cs.complaint.category"]
        for _month, category, _count in by_category:
            categories |= category
        # The category model's own order (sequence, name); none comes last.
        categories = categories.sorted()
        has_none = any(not category for _month, category, _count in by_category)
        counts = {(month, category.id): count for month, category, count in by_category}
        category_columns = [Column(category.name, "integer", 12) for category in categories]
        if has_none:
            category_columns.append(Column(_lt("Uncategorised"), "integer", 12))
        columns = (Column(_lt("Month"), "period", 10), *category_columns, *FIGURE_COLUMNS)
        table = self._cs_add_table(
            workbook, formats, self.env._("Per Month"), columns, filter_text, period="month"
        )
        category_ids = categories.ids + ([False] if has_none else [])
        for month, figures in by_month.items():
            table.write_row(
                (
                    self._cs_date(month),
                    *(counts.get((month, category_id), 0) for category_id in category_ids),
                    *self._cs_figures(*figures),
                )
            )
        table.finish()
        if not by_month:
            return
        sheet = table.worksheet
        total_values = [
            *(sum(counts.get((m, c), 0) for m in by_month) for c in category_ids),
            *self._cs_figures(*totals),
        ]
        # Counts are sums of the column (they stay true if a month is edited
        # out); rates and averages are the period's own, not averages of months.
        sum_columns = len(category_ids) + SUMMED_FIGURES
        total_row = table.write_totals(
            self.env._("Total"),
            formats["total_label"],
            [
                (col, value, formats["total_integer"])
                for col, value in enumerate(total_values[:sum_columns], start=1)
            ],
        )
        for col, value in enumerate(total_values[sum_columns:], start=sum_columns + 1):
            if value is not None:
                kind = "total_percent" if columns[col].kind == "percent" else "total_number"
                sheet.write_number(total_row, col, value, formats[kind])
        self._cs_add_charts(workbook, sheet, table, len(category_ids), total_row)

    def _cs_add_charts(self, workbook, sheet, table, category_count, total_row):
        name = sheet.get_name()
        first, last = table.first_row, table.last_row
        months = [name, first, 0, last, 0]
        chart = workbook.add_chart({"type": "column", "subtype": "stacked"})
        for col in range(1, category_count + 1):
            chart.add_series(
                {
                    "name": [name, first - 1, col],
                    "categories": months,
                    "values": [name, first, col, last, col],
                }
            )
        chart.set_title({"name": self.env._("Complaints per Month and Category")})
        chart.set_y_axis({"num_format": "0", "min": 0})
        chart.set_size({"width": 720, "height": 360})
        sheet.insert_chart(total_row + 2, 1, chart)

        rate_col = 1 + category_count + RATE_FIGURE
        rate = workbook.add_chart({"type": "line"})
        rate.add_series(
            {
                "name": [name, first - 1, rate_col],
                "categories": months,
                "values": [name, first, rate_col, last, rate_col],
                "marker": {"type": "circle"},
            }
        )
        rate.set_title({"name": self.env._("First Responses within the SLA")})
        rate.set_y_axis({"num_format": "0%", "min": 0, "max": 1})
        rate.set_legend({"none": True})
        rate.set_size({"width": 720, "height": 300})
        sheet.insert_chart(total_row + 21, 1, rate)
