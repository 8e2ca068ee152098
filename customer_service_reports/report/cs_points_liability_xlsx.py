from collections import defaultdict

from odoo import models
from odoo.fields import Domain
from odoo.tools.translate import LazyTranslate

from odoo.addons.customer_service.models.loyalty_card import EXPIRY_ORDER_MODEL

from .cs_report_xlsx_base import Column

_lt = LazyTranslate(__name__)

BALANCE_COLUMNS = (
    Column(_lt("Guest"), "text", 30),
    Column(_lt("Opening Balance"), "number", 14),
    Column(_lt("Issued"), "number", 12),
    Column(_lt("Used"), "number", 12),
    Column(_lt("Expired"), "number", 12),
    Column(_lt("Closing Balance"), "number", 14),
)
PERIOD_COLUMNS = (
    Column(_lt("Period"), "period", 12),
    Column(_lt("Issued"), "number", 12),
    Column(_lt("Used"), "number", 12),
    Column(_lt("Expired"), "number", 12),
    Column(_lt("Net Change"), "number", 12),
)
TIE_OUT_COLUMNS = (
    Column(_lt("Figure"), "text", 44),
    Column(_lt("Points"), "number", 14),
)


class ReportCsPointsLiability(models.AbstractModel):
    """Returning-guest points owed (R4): balance per guest, and the movements per period.

    Every change of a card's points is a ``loyalty.history`` line (see
    ``customer_service``'s ``loyalty.card``): ``issued`` adds points, ``used``
    takes them; the expiry cron's lines are the ``used`` lines whose
    ``order_model`` is ``loyalty.card`` (the card itself), every other
    ``used`` line is a redemption. Per guest, the opening balance (history
    before the period) plus what was issued, less what was used and expired
    in the period, is the closing balance.

    Guests are named only when the user may read their archive (or they have
    none): the others are summed in one "other guests" row, without a name,
    so that the totals still tie. Everything is read as the user.
    """

    _name = "report.customer_service_reports.points_liability"
    _description = "Points Liability (XLSX)"
    _inherit = "report.customer_service_reports.xlsx_base"

    # A few sheets with one row per guest: the tie-out needs the totals first.
    _cs_constant_memory = False

    def _cs_model(self):
        return "loyalty.card"

    def _cs_title(self):
        return self.env._("Points Liability")

    def _cs_card_domain(self, records):
        program = self.env["loyalty.card"]._cs_program()
        domain = Domain("program_id", "=", program.id)
        if records:
            domain &= Domain("id", "in", records.ids)
        return domain

    def _cs_generate(self, workbook, filters, records):
        History = self.env["loyalty.history"]
        card_domain = self._cs_card_domain(records)
        base = Domain("card_id", "any", card_domain)
        start, end = self._cs_datetime_bounds(filters)
        period = base
        if start:
            period &= Domain("create_date", ">=", start)
        if end:
            period &= Domain("create_date", "<", end)

        # card -> [opening, issued, used, expired]
        cards = defaultdict(lambda: [0.0, 0.0, 0.0, 0.0])
        if start:
            for card, issued, used in History._read_group(
                base & Domain("create_date", "<", start),
                ["card_id"],
                ["issued:sum", "used:sum"],
            ):
                cards[card][0] += issued - used
        for card, order_model, issued, used in History._read_group(
            period, ["card_id", "order_model"], ["issued:sum", "used:sum"]
        ):
            cards[card][1] += issued
            cards[card][3 if order_model == EXPIRY_ORDER_MODEL else 2] += used

        formats = self._cs_formats(workbook)
        formats["total_number"] = workbook.add_format(
            {"bold": True, "top": 1, "num_format": "#,##0.00"}
        )
        filter_text = " · ".join(
            (
                self._cs_filter_lines(filters, applied=("period",)),
                self.env._("Departments, staff and level do not apply."),
            )
        )
        totals = self._cs_write_balances(workbook, formats, filter_text, cards)
        self._cs_write_periods(workbook, formats, filters, filter_text, period)
        self._cs_write_tie_out(workbook, formats, filter_text, totals, base, card_domain)

    def _cs_write_balances(self, workbook, formats, filter_text, cards):
        """One row per named guest, then the other guests together; return the totals."""
        Card = self.env["loyalty.card"].browse([card.id for card in cards])
        named = self._cs_readable_guests(Card.partner_id)
        rows, others, others_count = [], [0.0] * 4, 0
        for card, figures in cards.items():
            if not any(round(value, 2) for value in figures):
                continue
            if card.partner_id.id in named:
                rows.append((card.partner_id.name or "", card.id, figures))
            else:
                others = [a + b for a, b in zip(others, figures, strict=True)]
                others_count += 1
        table = self._cs_add_table(
            workbook, formats, self.env._("Balances"), BALANCE_COLUMNS, filter_text
        )
        totals = [0.0] * 4
        for name, _card_id, figures in sorted(rows):
            totals = [a + b for a, b in zip(totals, figures, strict=True)]
            table.write_row((name, *figures, self._cs_closing(figures)))
        if others_count:
            totals = [a + b for a, b in zip(totals, others, strict=True)]
            table.write_row(
                (
                    self.env._(
                        "Other guests (%(count)s, archive not readable)", count=others_count
                    ),
                    *others,
                    self._cs_closing(others),
                )
            )
        table.finish()
        table.write_totals(
            self.env._("Total"),
            formats["total_label"],
            [
                (col, value, formats["total_number"])
                for col, value in enumerate((*totals, self._cs_closing(totals)), start=1)
            ],
            subtotal=True,
        )
        return totals

    def _cs_write_periods(self, workbook, formats, filters, filter_text, domain):
        granularity = filters["granularity"]
        by_period = defaultdict(lambda: [0.0, 0.0, 0.0])
        for period, order_model, issued, used in self.env["loyalty.history"]._read_group(
            domain, [f"create_date:{granularity}", "order_model"], ["issued:sum", "used:sum"]
        ):
            by_period[period][0] += issued
            by_period[period][2 if order_model == EXPIRY_ORDER_MODEL else 1] += used
        table = self._cs_add_table(
            workbook,
            formats,
            self.env._("Per Period"),
            PERIOD_COLUMNS,
            filter_text,
            period=granularity,
        )
        for period in sorted(by_period):
            issued, used, expired = by_period[period]
            table.write_row((self._cs_date(period), issued, used, expired, issued - used - expired))
        table.finish()
        sheet = table.worksheet
        first, last = table.first_row, table.last_row
        sums = [sum(values[i] for values in by_period.values()) for i in range(3)]
        table.write_totals(
            self.env._("Total"),
            formats["total_label"],
            [
                (col, value, formats["total_number"])
                for col, value in enumerate((*sums, sums[0] - sums[1] - sums[2]), start=1)
            ],
        )
        if by_period:
            name = sheet.get_name()
            chart = workbook.add_chart({"type": "column"})
            for col in (1, 2, 3):
                chart.add_series(
                    {
                        "name": [name, first - 1, col],
                        "categories": [name, first, 0, last, 0],
                        "values": [name, first, col, last, col],
                    }
                )
            chart.set_title({"name": self.env._("Points Issued, Used and Expired")})
            chart.set_size({"width": 720, "height": 360})
            sheet.insert_chart(table.row + 2, 1, chart)

    def _cs_write_tie_out(self, workbook, formats, filter_text, totals, base, card_domain):
        """The movements tie the balances; the cards' balances tie their history."""
        opening, issued, used, expired = totals
        History = self.env["loyalty.history"]
        Card = self.env["loyalty.card"]
        table = self._cs_add_table(
            workbook, formats, self.env._("Tie-out"), TIE_OUT_COLUMNS, filter_text
        )
        closing = self._cs_closing(totals)
        first = table.first_row + 1
        table.write_row((self.env._("Opening balance"), opening))
        table.write_row((self.env._("+ Issued in the period"), issued))
        table.write_row((self.env._("− Used in the period"), used))
        table.write_row((self.env._("− Expired in the period"), expired))
        sheet = table.worksheet
        row = table.row
        sheet.write_string(row, 0, self.env._("= Closing balance"), formats["total_label"])
        sheet.write_formula(
            row,
            1,
            f"=B{first}+B{first + 1}-B{first + 2}-B{first + 3}",
            formats["total_number"],
            closing,
        )
        table.row += 1
        table.write_row((self.env._("Sum of the guests' closing balances"), closing))
        sheet.write_string(table.row, 0, self.env._("Difference"), formats["total_label"])
        sheet.write_formula(
            table.row, 1, f"=B{table.row}-B{table.row - 1}", formats["total_number"], 0.0
        )
        table.row += 2
        # Today's balances on the cards against all of their history: they
        # are changed together, so the difference is zero.
        [(all_issued, all_used)] = History._read_group(base, [], ["issued:sum", "used:sum"])
        [(card_points,)] = Card._read_group(card_domain, [], ["points:sum"])
        history_row = table.row + 1
        sheet.write_string(
            table.row, 0, self.env._("Cards' balances today: history to date"), formats["text"]
        )
        sheet.write_number(table.row, 1, all_issued - all_used, formats["number"])
        table.row += 1
        sheet.write_string(table.row, 0, self.env._("Cards' balances today"), formats["text"])
        sheet.write_number(table.row, 1, card_points, formats["number"])
        table.row += 1
        sheet.write_string(table.row, 0, self.env._("Difference"), formats["total_label"])
        sheet.write_formula(
            table.row,
            1,
            f"=B{history_row + 1}-B{history_row}",
            formats["total_number"],
            round(card_points - (all_issued - all_used), 2),
        )
        table.row += 1
        table.finish()

    @staticmethod
    def _cs_closing(figures):
        opening, issued, used, expired = figures
        return opening + issued - used - expired
