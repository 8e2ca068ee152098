from collections import defaultdict

from odoo import models
from odoo.fields import Domain
from odoo.tools.translate import LazyTranslate

from .cs_report_xlsx_base import Column

_lt = LazyTranslate(__name__)

COLUMNS = (
    Column(_lt("Customer"), "text", 30),
    Column(_lt("Tasks"), "integer", 8),
    Column(_lt("Collectors"), "text", 22),
    Column(_lt("Due at Opening"), "money", 14),
    Column(_lt("Promised"), "money", 14),
    Column(_lt("Latest Promise Date"), "date", 13),
    Column(_lt("Collected"), "money", 14),
    Column(_lt("Open"), "money", 14),
    Column(_lt("Open in Accounting"), "money", 15),
    Column(_lt("Difference"), "money", 13),
    Column(_lt("Other Open Receivables"), "money", 15),
)
# The money columns, summed in the total row.
MONEY_COLUMNS = (3, 4, 6, 7, 8, 9, 10)
OPEN_COLUMN = 7
TIE_OUT_COLUMNS = (
    Column(_lt("Figure"), "text", 52),
    Column(_lt("Amount"), "money", 16),
)


def _receivable_domain():
    return (
        Domain("account_id.account_type", "=", "asset_receivable")
        & Domain("parent_state", "=", "posted")
        & Domain("reconciled", "=", False)
    )


class ReportCsCollectionsReconciliation(models.AbstractModel):
    """Collections per customer for finance (R10), tied to the receivables in accounting.

    One row per customer (and company) with a collection task open during
    the period: what was due when the tasks opened, promised, collected and
    still open. "Open in Accounting" is the residual of the open, posted
    receivable lines the tasks hold, read from ``account.move.line``: the
    difference with "Open" must be zero. "Other open receivables" are the
    customer's open receivable lines that no task holds (not yet due when
    the tasks were gathered, or later invoices), so that the customer's
    whole receivable is in view.

    For finance and CS managers. The file names the customer as accounting
    does and holds no archive content (R10, R12): no level, class, owner or
    note of the guest's archive. Tasks are read as the user; so are the
    receivable lines, except for CS managers without accounting rights, who
    get their sums only, as the task form shows them the open invoices.
    """

    _name = "report.customer_service_reports.collections_reconciliation"
    _description = "Collections Reconciliation (XLSX)"
    _inherit = "report.customer_service_reports.xlsx_base"

    # One row per customer, and a tie-out that needs the totals.
    _cs_constant_memory = False

    def _cs_model(self):
        return "cs.collection.task"

    def _cs_title(self):
        return self.env._("Collections Reconciliation")

    def _cs_domain(self, filters, records):
        """Tasks open at some time in the period: opened before its end, closed after its start."""
        domain = Domain.TRUE
        if records:
            domain &= Domain("id", "in", records.ids)
        start, end = self._cs_datetime_bounds(filters)
        if end:
            domain &= Domain("create_date", "<", end)
        if filters["date_from"]:
            domain &= Domain("state", "!=", "closed") | Domain(
                "closed_date", ">=", filters["date_from"]
            )
        if filters["users"]:
            domain &= Domain("user_id", "in", filters["users"].ids)
        return domain

    def _cs_generate(self, workbook, filters, records):
        Task = self.env["cs.collection.task"]
        domain = self._cs_domain(filters, records)
        groups = Task._read_group(
            domain,
            ["partner_id", "company_id"],
            [
                "__count",
                "user_id:array_agg",
                "amount_opened:sum",
                "promise_amount:sum",
                "promise_date:max",
                "amount_collected:sum",
                "amount_due:sum",
            ],
        )
        tasks = Task.search(domain)
        in_accounting, elsewhere = self._cs_receivables(tasks)
        user_ids = {uid for group in groups for uid in (group[3] or []) if uid}
        users = {u.id: u.name for u in self.env["res.users"].browse(user_ids)}

        formats = self._cs_formats(workbook)
        filter_text = " · ".join(
            (
                self._cs_filter_lines(filters, applied=("period", "users")),
                self.env._("Staff are collectors; departments and level do not apply."),
            )
        )
        table = self._cs_add_table(workbook, formats, self.env._("Customers"), COLUMNS, filter_text)
        totals = dict.fromkeys(MONEY_COLUMNS, 0.0)
        for (
            partner,
            company,
            count,
            collectors,
            opened,
            promised,
            promise_date,
            collected,
            due,
        ) in sorted(groups, key=lambda g: (g[0].name or "", g[0].id, g[1].id)):
            key = (partner.id, company.id)
            booked = in_accounting.get(key, 0.0)
            due = due or 0.0
            values = {
                3: opened or 0.0,
                4: promised or 0.0,
                6: collected or 0.0,
                7: due,
                8: booked,
                9: round(due - booked, 2),
                10: elsewhere.get(key, 0.0),
            }
            for col, value in values.items():
                totals[col] += value
            names = sorted({users[uid] for uid in collectors or [] if uid in users})
            table.write_row(
                (
                    partner.name,
                    count,
                    ", ".join(names),
                    values[3],
                    values[4],
                    self._cs_date(promise_date),
                    values[6],
                    values[7],
                    values[8],
                    values[9],
                    values[10],
                )
            )
        table.finish()
        table.write_totals(
            self.env._("Total"),
            formats["total_label"],
            [(col, totals[col], formats["total_money"]) for col in MONEY_COLUMNS],
            subtotal=True,
        )
        self._cs_write_tie_out(workbook, formats, filter_text, totals)

    def _cs_write_tie_out(self, workbook, formats, filter_text, totals):
        table = self._cs_add_table(
            workbook, formats, self.env._("Tie-out"), TIE_OUT_COLUMNS, filter_text
        )
        first = table.first_row + 1
        table.write_row((self.env._("Open on the collection tasks"), totals[OPEN_COLUMN]))
        table.write_row(
            (
                self.env._("Residual of the tasks' open receivable lines in accounting"),
                totals[8],
            )
        )
        sheet = table.worksheet
        sheet.write_string(table.row, 0, self.env._("Difference"), formats["total_label"])
        sheet.write_formula(
            table.row,
            1,
            f"=B{first}-B{first + 1}",
            formats["total_money"],
            round(totals[OPEN_COLUMN] - totals[8], 2),
        )
        table.row += 1
        table.write_row((self.env._("Other open receivables of these customers"), totals[10]))
        table.finish()

    def _cs_receivables(self, tasks):
        """Per (customer, company): the residual of the open receivable lines the
        tasks hold, and of the customer's other open receivable lines."""
        if not tasks:
            return {}, {}
        # The relation only: which lines each task holds (its field is for accountants).
        held = tasks.sudo().line_ids
        Line = self.env["account.move.line"]
        if not Line.has_access("read"):
            # CS managers without accounting rights: sums of the lines of the
            # tasks they read, never the lines themselves.
            Line = Line.sudo()
        companies = Domain("company_id", "in", self.env.companies.ids)
        partner_ids = tasks.partner_id.ids
        in_accounting, elsewhere = defaultdict(float), defaultdict(float)
        for target, domain in (
            (in_accounting, Domain("id", "in", held.ids)),
            (
                elsewhere,
                Domain("partner_id", "child_of", partner_ids) & Domain("id", "not in", held.ids),
            ),
        ):
            for partner, company, residual in Line._read_group(
                domain & _receivable_domain() & companies,
                ["partner_id", "company_id"],
                ["amount_residual:sum"],
            ):
                target[partner.commercial_partner_id.id, company.id] += residual
        return in_accounting, elsewhere
