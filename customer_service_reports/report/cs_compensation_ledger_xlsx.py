from collections import defaultdict

from odoo import models
from odoo.fields import Domain
from odoo.tools.translate import LazyTranslate

from .cs_compensation_analysis import authority_path
from .cs_report_xlsx_base import BATCH_SIZE, Column

_lt = LazyTranslate(__name__)

LEDGER_COLUMNS = (
    Column(_lt("Reference"), "text", 14),
    Column(_lt("Signed On"), "date", 12),
    Column(_lt("Guest"), "text", 28),
    Column(_lt("Complaint"), "text", 14),
    Column(_lt("Type"), "text", 16),
    Column(_lt("Amount"), "money", 14),
    Column(_lt("Points"), "integer", 10),
    Column(_lt("Signer"), "text", 20),
    Column(_lt("Authority Path"), "text", 26),
    Column(_lt("Leader"), "text", 20),
    Column(_lt("Countersigned By"), "text", 20),
    Column(_lt("Countersigned On"), "datetime", 17),
    Column(_lt("Journal Entry"), "text", 18),
    Column(_lt("Booked"), "money", 14),
)
LEDGER_AMOUNT_COLUMN = 5
LEDGER_POINTS_COLUMN = 6
LEDGER_BOOKED_COLUMN = 13
SUMMARY_COLUMNS = (
    Column(_lt("Type"), "text", 18),
    Column(_lt("Signer"), "text", 22),
    Column(_lt("Compensations"), "integer", 14),
    Column(_lt("Amount"), "money", 14),
    Column(_lt("Points"), "integer", 10),
    Column(_lt("Within Limit"), "integer", 11),
    Column(_lt("Approved First"), "integer", 11),
    Column(_lt("Countersign Pending"), "integer", 12),
    Column(_lt("Countersigned"), "integer", 13),
)
PATH_ORDER = ("within_limit", "approved_first", "countersign_pending", "countersign_done")
TIE_OUT_COLUMNS = (
    Column(_lt("Type"), "text", 18),
    Column(_lt("Compensations"), "integer", 14),
    Column(_lt("Ledger Total"), "money", 16),
    Column(_lt("Posted Journal Entries"), "money", 18),
    Column(_lt("Difference"), "money", 14),
)
FIELDS = [
    "name",
    "sign_date",
    "partner_id",
    "complaint_id",
    "compensation_type",
    "amount",
    "signer_id",
    "approver_id",
    "authority_user_id",
    "countersign_state",
    "countersign_user_id",
    "countersign_date",
]


class ReportCsCompensationLedger(models.AbstractModel):
    """Signed compensation in a period, by type and signer, tied to accounting (R5, R11).

    Three sheets: the ledger (one row per compensation signed in the period,
    with how it was authorised), a summary by type and signer, and the
    tie-out: per type, the ledger's total next to the posted journal entries
    that book those compensations, with a difference that must be zero.
    Points are redeemed on the guest's card, not booked: they have their own
    column and stay out of the money totals.

    Everything is read as the user: managers, leaders and finance read every
    compensation of their companies. A guest whose archive the user may not
    read is not named (finance reads no archive: it ties rows to accounting by
    their journal entry). Complaints are shown to those who may read them.
    """

    _name = "report.customer_service_reports.compensation_ledger"
    _description = "Compensation Ledger (XLSX)"
    _inherit = "report.customer_service_reports.xlsx_base"

    def _cs_model(self):
        return "cs.compensation"

    def _cs_title(self):
        return self.env._("Compensation Ledger")

    def _cs_domain(self, filters, records):
        domain = Domain("state", "=", "done")
        if records:
            domain &= Domain("id", "in", records.ids)
        if filters["date_from"]:
            domain &= Domain("sign_date", ">=", filters["date_from"])
        if filters["date_to"]:
            domain &= Domain("sign_date", "<=", filters["date_to"])
        if filters["users"]:
            domain &= Domain("signer_id", "in", filters["users"].ids)
        if filters["departments"]:
            domain &= Domain("complaint_id.department_id", "in", filters["departments"].ids)
        return domain

    def _cs_generate(self, workbook, filters, records):
        Compensation = self.env["cs.compensation"]
        domain = self._cs_domain(filters, records)
        formats = self._cs_formats(workbook)
        filter_text = " · ".join(
            (
                self._cs_filter_lines(filters, applied=("period", "departments", "users")),
                self.env._("Staff are signers; departments are the complaints'."),
            )
        )
        ids = Compensation.search(domain, order="sign_date, id").ids
        ledger = self._cs_write_ledger(workbook, formats, filter_text, ids)
        self._cs_write_summary(workbook, formats, filter_text, domain)
        self._cs_write_tie_out(workbook, formats, filter_text, ledger)

    # ------------------------------------------------------------
    # Sheets
    # ------------------------------------------------------------

    def _cs_write_ledger(self, workbook, formats, filter_text, compensation_ids):
        """Write the ledger; return {type: [count, ledger amount, booked amount]}."""
        table = self._cs_add_table(
            workbook, formats, self.env._("Ledger"), LEDGER_COLUMNS, filter_text
        )
        types = self._cs_selection_labels("cs.compensation", "compensation_type")
        paths = self._cs_selection_labels("cs.compensation.analysis", "authority_path")
        hidden = self.env._("(archive not readable)")
        Compensation = self.env["cs.compensation"]
        Complaint = self.env["cs.complaint"]
        may_read_complaints = Complaint.has_access("read")
        local = self._cs_local_converter()
        by_type = defaultdict(lambda: [0, 0.0, 0.0])
        totals = [0.0, 0.0, 0.0]  # amount, points, booked
        for offset in range(0, len(compensation_ids), BATCH_SIZE):
            batch = Compensation.browse(compensation_ids[offset : offset + BATCH_SIZE])
            batch.fetch(FIELDS)
            named = self._cs_readable_guests(batch.partner_id)
            partners = {p.id: p.name for p in batch.partner_id}
            users = {
                u.id: u.name
                for u in (batch.signer_id | batch.approver_id | batch.countersign_user_id)
            }
            complaints = {}
            if may_read_complaints:
                complaints = {c.id: c.name for c in batch.complaint_id._filtered_access("read")}
            booked, entries = self._cs_booked(batch)
            for compensation in batch:
                ctype = compensation.compensation_type
                is_points = ctype == "points"
                amount = compensation.amount
                partner = compensation.partner_id.id
                row_booked = booked.get(compensation.id, 0.0)
                by_type[ctype][0] += 1
                by_type[ctype][1] += 0.0 if is_points else amount
                by_type[ctype][2] += row_booked
                totals[0] += 0.0 if is_points else amount
                totals[1] += amount if is_points else 0.0
                totals[2] += row_booked
                table.write_row(
                    (
                        compensation.name,
                        self._cs_date(compensation.sign_date),
                        partners[partner] if partner in named else hidden,
                        complaints.get(compensation.complaint_id.id),
                        types.get(ctype),
                        None if is_points else amount,
                        amount if is_points else None,
                        users.get(compensation.signer_id.id),
                        paths[
                            authority_path(
                                compensation.countersign_state,
                                compensation.signer_id,
                                compensation.authority_user_id,
                            )
                        ],
                        users.get(compensation.approver_id.id),
                        users.get(compensation.countersign_user_id.id),
                        local(compensation.countersign_date),
                        ", ".join(entries.get(compensation.id, ())),
                        row_booked if not is_points else None,
                    )
                )
            self.env.invalidate_all()
        table.finish()
        table.write_totals(
            self.env._("Total"),
            formats["total_label"],
            [
                (LEDGER_AMOUNT_COLUMN, totals[0], formats["total_money"]),
                (LEDGER_POINTS_COLUMN, totals[1], formats["total_integer"]),
                (LEDGER_BOOKED_COLUMN, totals[2], formats["total_money"]),
            ],
            subtotal=True,
        )
        return by_type

    def _cs_write_summary(self, workbook, formats, filter_text, domain):
        groups = self.env["cs.compensation"]._read_group(
            domain,
            ["compensation_type", "signer_id", "countersign_state", "authority_user_id"],
            ["__count", "amount:sum"],
        )
        rows = defaultdict(lambda: {"count": 0, "amount": 0.0, **dict.fromkeys(PATH_ORDER, 0)})
        for ctype, signer, countersign, authority, count, amount in groups:
            row = rows[ctype, signer]
            row["count"] += count
            row["amount"] += amount
            row[authority_path(countersign, signer, authority)] += count
        types = self._cs_selection_labels("cs.compensation", "compensation_type")
        order = list(types)
        table = self._cs_add_table(
            workbook, formats, self.env._("By Type and Signer"), SUMMARY_COLUMNS, filter_text
        )
        totals = [0] * (len(SUMMARY_COLUMNS) - 2)
        for ctype, signer in sorted(
            rows, key=lambda key: (order.index(key[0]), key[1].name or "", key[1].id)
        ):
            row = rows[ctype, signer]
            is_points = ctype == "points"
            values = [
                row["count"],
                0.0 if is_points else row["amount"],
                row["amount"] if is_points else 0,
                *(row[path] for path in PATH_ORDER),
            ]
            totals = [total + value for total, value in zip(totals, values, strict=True)]
            table.write_row((types.get(ctype), signer.name, *values))
        table.finish()
        table.write_totals(
            self.env._("Total"),
            formats["total_label"],
            [
                (col, value, formats["total_money" if col == 3 else "total_integer"])
                for col, value in enumerate(totals, start=2)
            ],
        )

    def _cs_write_tie_out(self, workbook, formats, filter_text, by_type):
        types = self._cs_selection_labels("cs.compensation", "compensation_type")
        table = self._cs_add_table(
            workbook, formats, self.env._("Tie-out"), TIE_OUT_COLUMNS, filter_text
        )
        totals = [0, 0.0, 0.0]
        for ctype, label in types.items():
            if ctype == "points" or ctype not in by_type:
                continue
            count, amount, booked = by_type[ctype]
            totals = [totals[0] + count, totals[1] + amount, totals[2] + booked]
            row = table.row + 1
            table.worksheet.write_string(row - 1, 0, label, formats["text"])
            table.worksheet.write_number(row - 1, 1, count, formats["integer"])
            table.worksheet.write_number(row - 1, 2, amount, formats["money"])
            table.worksheet.write_number(row - 1, 3, booked, formats["money"])
            table.worksheet.write_formula(
                row - 1, 4, f"=C{row}-D{row}", formats["money"], round(amount - booked, 2)
            )
            table.row += 1
        table.finish()
        sheet = table.worksheet
        total_row = table.write_totals(
            self.env._("Total"),
            formats["total_label"],
            [
                (1, totals[0], formats["total_integer"]),
                (2, totals[1], formats["total_money"]),
                (3, totals[2], formats["total_money"]),
            ],
        )
        sheet.write_formula(
            total_row,
            4,
            f"=C{total_row + 1}-D{total_row + 1}",
            formats["total_money"],
            round(totals[1] - totals[2], 2),
        )
        sheet.write_string(
            total_row + 2,
            0,
            self.env._(
                "Posted journal entries linked to these compensations, in company currency. "
                "Points are redeemed on the guest's card and are not booked."
            ),
            formats["subtitle"],
        )
        if table.last_row >= table.first_row:
            # Ledger against books per type: a gap shows at a glance.
            name = sheet.get_name()
            chart = workbook.add_chart({"type": "column"})
            for col in (2, 3):
                chart.add_series(
                    {
                        "name": [name, table.first_row - 1, col],
                        "categories": [name, table.first_row, 0, table.last_row, 0],
                        "values": [name, table.first_row, col, table.last_row, col],
                    }
                )
            chart.set_title({"name": self.env._("Compensation by Type: Ledger and Books")})
            chart.set_size({"width": 720, "height": 360})
            sheet.insert_chart(total_row + 4, 0, chart)

    # ------------------------------------------------------------
    # Accounting
    # ------------------------------------------------------------

    def _cs_booked(self, compensations):
        """What posted journal entries book for each compensation, and their numbers.

        Read from accounting's side: the entries that point at the
        compensation, posted, less a reversal of a cancelled one. The
        compensations are the ones the user may read; their entries are read
        as superuser because CS staff read only the invoices of guests whose
        archive they may read, and a sum and an entry number name no guest.
        """
        moves = (
            self.env["account.move"]
            .sudo()
            .search_fetch(
                [
                    ("cs_compensation_id", "in", compensations.ids),
                    ("state", "=", "posted"),
                    ("id", "not in", compensations.reversal_move_id.ids),
                ],
                ["cs_compensation_id", "amount_total_signed", "name"],
                order="id",
            )
        )
        booked, entries = defaultdict(float), defaultdict(list)
        for move in moves:
            booked[move.cs_compensation_id.id] += abs(move.amount_total_signed)
            entries[move.cs_compensation_id.id].append(move.name)
        return booked, entries
