from odoo import models
from odoo.fields import Domain
from odoo.tools.translate import LazyTranslate

from .cs_report_xlsx_base import BATCH_SIZE, Column

_lt = LazyTranslate(__name__)

DETAIL_COLUMNS = (
    Column(_lt("Reference"), "text", 16),
    Column(_lt("Date"), "datetime", 17),
    Column(_lt("Department"), "text", 16),
    Column(_lt("Guest"), "text", 28),
    Column(_lt("Items"), "integer", 8),
    Column(_lt("Amount"), "money", 14),
    Column(_lt("Source"), "text", 12),
    Column(_lt("Callback"), "text", 14),
    Column(_lt("Calls Back"), "text", 20),
    Column(_lt("Called Back in Time"), "bool", 11),
)
AMOUNT_COLUMN = 5
FIELDS = [
    "name",
    "consumption_date",
    "department_id",
    "partner_id",
    "amount_total",
    "source",
    "callback_state",
    "callback_user_id",
    "callback_on_time",
]


class ReportCsConsumptionSummary(models.AbstractModel):
    """Consumption by department and period (R6), with every consumption listed.

    The first sheet sums the amounts per period and department, with a chart;
    the second lists the consumptions it sums, so that finance can tie one to
    the other. Everything is read as the user.
    """

    _name = "report.customer_service_reports.consumption_summary"
    _description = "Consumption Summary (XLSX)"
    _inherit = "report.customer_service_reports.xlsx_base"

    def _cs_model(self):
        return "cs.consumption"

    def _cs_title(self):
        return self.env._("Consumption Summary by Department and Period")

    def _cs_domain(self, filters, records):
        domain = self._cs_filter_domain(
            filters, "consumption_date", "callback_user_id", records=records
        )
        if filters["departments"]:
            domain &= Domain("department_id", "in", filters["departments"].ids)
        return domain

    def _cs_generate(self, workbook, filters, records):
        Consumption = self.env["cs.consumption"]
        domain = self._cs_domain(filters, records)
        formats = self._cs_formats(workbook)
        filter_text = self._cs_filter_lines(filters, applied=("period", "departments", "users"))
        self._cs_write_summary(workbook, formats, filters, filter_text, domain)
        self._cs_write_details(workbook, formats, filter_text, Consumption.search(domain).ids)

    def _cs_write_summary(self, workbook, formats, filters, filter_text, domain):
        granularity = filters["granularity"]
        groups = self.env["cs.consumption"]._read_group(
            domain,
            [f"consumption_date:{granularity}", "department_id"],
            ["amount_total:sum", "__count"],
        )
        departments = self.env["cs.service.department"].browse(
            sorted({dept.id for _period, dept, _amount, _count in groups})
        )
        departments = departments.sorted(lambda d: (d.sequence, d.id))
        periods = sorted({period for period, _dept, _amount, _count in groups})
        amounts = {(period, dept): amount for period, dept, amount, _count in groups}
        counts = {}
        for period, _dept, _amount, count in groups:
            counts[period] = counts.get(period, 0) + count
        columns = (
            Column(_lt("Period"), "period", 12),
            *(Column(dept.name, "money", 16) for dept in departments),
            Column(_lt("Total"), "money", 16),
            Column(_lt("Consumptions"), "integer", 14),
        )
        table = self._cs_add_table(
            workbook,
            formats,
            self.env._("Summary"),
            columns,
            filter_text,
            period=granularity,
        )
        for period in periods:
            by_dept = [amounts.get((period, dept), 0.0) for dept in departments]
            table.write_row((self._cs_date(period), *by_dept, sum(by_dept), counts.get(period, 0)))
        table.finish()
        sheet = table.worksheet
        first, last = table.first_row, table.last_row
        total_row = table.row
        dept_totals = [
            sum(amounts.get((period, dept), 0.0) for period in periods) for dept in departments
        ]
        totals = [*dept_totals, sum(dept_totals), sum(counts.values())]
        table.write_totals(
            self.env._("Total"),
            formats["total_label"],
            [
                (col, value, formats["total_integer" if col == len(totals) else "total_money"])
                for col, value in enumerate(totals, start=1)
            ],
        )
        if periods and departments:
            chart = workbook.add_chart({"type": "column", "subtype": "stacked"})
            sheet_name = sheet.get_name()
            for index, dept in enumerate(departments, start=1):
                chart.add_series(
                    {
                        "name": dept.name,
                        "categories": [sheet_name, first, 0, last, 0],
                        "values": [sheet_name, first, index, last, index],
                    }
                )
            chart.set_title({"name": self.env._("Consumption by Department")})
            chart.set_y_axis({"num_format": formats["money"].num_format})
            chart.set_size({"width": 720, "height": 360})
            sheet.insert_chart(total_row + 2, 1, chart)

    def _cs_write_details(self, workbook, formats, filter_text, consumption_ids):
        table = self._cs_add_table(
            workbook, formats, self.env._("Consumptions"), DETAIL_COLUMNS, filter_text
        )
        sources = self._cs_selection_labels("cs.consumption", "source")
        states = self._cs_selection_labels("cs.consumption", "callback_state")
        Consumption = self.env["cs.consumption"]
        local = self._cs_local_converter()
        departments = {
            d.id: d.name
            for d in self.env["cs.service.department"].with_context(active_test=False).search([])
        }
        total = 0.0
        for offset in range(0, len(consumption_ids), BATCH_SIZE):
            batch = Consumption.browse(consumption_ids[offset : offset + BATCH_SIZE])
            batch.fetch(FIELDS)
            items = {
                consumption.id: count
                for consumption, count in self.env["cs.consumption.line"]._read_group(
                    [("consumption_id", "in", batch.ids)], ["consumption_id"], ["__count"]
                )
            }
            partners = {p.id: p.name for p in batch.partner_id}
            users = {u.id: u.name for u in batch.callback_user_id}
            for consumption in batch:
                amount = consumption.amount_total
                total += amount
                table.write_row(
                    (
                        consumption.name,
                        local(consumption.consumption_date),
                        departments.get(consumption.department_id.id),
                        partners.get(consumption.partner_id.id),
                        items.get(consumption.id, 0),
                        amount,
                        sources.get(consumption.source),
                        states.get(consumption.callback_state),
                        users.get(consumption.callback_user_id.id),
                        consumption.callback_on_time,
                    )
                )
            self.env.invalidate_all()
        table.finish()
        table.write_totals(
            self.env._("Total"),
            formats["total_label"],
            [(AMOUNT_COLUMN, total, formats["total_money"])],
            subtotal=True,
        )
