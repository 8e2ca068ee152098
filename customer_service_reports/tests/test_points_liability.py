from datetime import datetime

from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import tagged

from odoo.addons.customer_service.tests.common import create_compensation, set_authority_limit

from .common import ReportsCase, data_rows, render_values, workbook_strings

POINTS = "customer_service_reports.cs_points_liability_report"


@tagged("post_install", "-at_install")
class TestPointsLiability(ReportsCase):
    """R4: the points owed per guest, and what was issued, used and expired."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.fnb.points_per_amount = 1.0
        set_authority_limit(cls.env, cls.env.ref("customer_service.group_cs_user"), "points", 1000)
        cls.env["ir.config_parameter"].sudo().set_param("customer_service.points_validity_days", 45)
        cls.secret = cls._create_archive("CSREP Points Secret", "secret")
        cls.top = cls._create_archive("CSREP Points Top Secret", "top_secret")
        Card = cls.env["loyalty.card"]
        cls._age(cls._consume(cls.secret, datetime(2031, 2, 15, 12), 100), "2031-02-15")
        cls._age(cls._consume(cls.secret, datetime(2031, 3, 5, 12), 50), "2031-03-05")
        cls._age(cls._consume(cls.top, datetime(2031, 3, 1, 12), 80), "2031-03-01")
        staff = cls.users["staff"]
        redemption = create_compensation(cls.env, staff, cls.secret.partner_id, 30, "points")
        redemption.with_user(staff).action_sign()
        cls._age_history(redemption.sudo().loyalty_history_id, "2031-04-02")
        cls.cards = Card.search(
            [
                ("program_id", "=", Card._cs_program().id),
                ("partner_id", "in", (cls.secret | cls.top).partner_id.ids),
            ]
        )
        # Cut-off 2031-02-24: the 100 points of 15 February expire, less the 30 used.
        with freeze_time("2031-04-10"):
            Card._cs_cron_expire_points()
        expired = cls.env["loyalty.history"].search(
            [("card_id", "in", cls.cards.ids), ("order_model", "=", "loyalty.card")]
        )
        cls._age_history(expired, "2031-04-10")
        cls.card = cls.cards.filtered(lambda c: c.partner_id == cls.secret.partner_id)

    @classmethod
    def _age(cls, consumption, day):
        history = cls.env["loyalty.history"].search(
            [("order_model", "=", "cs.consumption"), ("order_id", "=", consumption.id)]
        )
        cls._age_history(history, day)

    @classmethod
    def _age_history(cls, history, day):
        history.flush_recordset()
        cls.env.cr.execute(
            "UPDATE loyalty_history SET create_date = %s WHERE id IN %s",
            (f"{day} 12:00:00", tuple(history.ids)),
        )
        history.invalidate_recordset(["create_date"])

    def _sheets(self, user, **filters):
        workbook = render_values(user, POINTS, docids=self.cards.ids, data=self._filters(**filters))
        return workbook, [data_rows(sheet) for sheet in workbook.worksheets]

    def test_balances_per_guest(self):
        leader = self.users["leader"]
        _workbook, (balances, _periods, _tie) = self._sheets(leader)
        rows = {row[0]: row[1:] for row in balances}
        self.assertEqual(rows["CSREP Points Secret"], (100, 50, 30, 70, 50))
        self.assertEqual(rows["CSREP Points Top Secret"], (0, 80, 0, 0, 80))
        # What the ORM says: the cards' points today are the closing balances.
        self.assertEqual(self.card.points, 50)
        self.assertEqual(sum(self.cards.mapped("points")), sum(row[5] for row in balances))

    def test_periods_and_tie_out(self):
        workbook, (_balances, periods, tie) = self._sheets(
            self.users["leader"], granularity="month"
        )
        self.assertEqual(
            periods,
            [(datetime(2031, 3, 1), 130, 0, 0, 130), (datetime(2031, 4, 1), 0, 30, 70, -100)],
        )
        self.assertEqual(workbook.worksheets[1]["A6"].number_format, "yyyy-mm")
        self.assertEqual(len(workbook.worksheets[1]._charts), 1)
        figures = dict(row for row in tie)
        opening, issued = figures["Opening balance"], figures["+ Issued in the period"]
        used, expired = figures["− Used in the period"], figures["− Expired in the period"]
        closing = figures["Sum of the guests' closing balances"]
        self.assertEqual((opening, issued, used, expired), (100, 130, 30, 70))
        self.assertEqual(closing, opening + issued - used - expired)
        self.assertEqual(figures["= Closing balance"], closing)
        sheet = workbook.worksheets[2]
        values = [row for row in sheet.iter_rows(min_row=6, values_only=True) if row[0]]
        differences = [row[1] for row in values if row[0] == "Difference"]
        self.assertEqual(differences, [0, 0])
        today = dict(values)
        self.assertEqual(today["Cards' balances today"], 130)
        self.assertEqual(today["Cards' balances today: history to date"], 130)

    def test_unreadable_archive_is_summed_without_its_name(self):
        staff = self.users["staff"]
        workbook, (balances, _periods, tie) = self._sheets(staff)
        strings = workbook_strings(workbook)
        self.assertNotIn("CSREP Points Top Secret", strings)
        rows = {row[0]: row[1:] for row in balances}
        self.assertEqual(rows["CSREP Points Secret"], (100, 50, 30, 70, 50))
        other = rows["Other guests (1, archive not readable)"]
        self.assertEqual(other, (0, 80, 0, 0, 80))
        self.assertEqual(dict(tie)["Sum of the guests' closing balances"], 130)

    def test_finance_reads_the_liability_without_names(self):
        workbook, (balances, _periods, tie) = self._sheets(self.users["finance"])
        strings = workbook_strings(workbook)
        self.assertNotIn("CSREP Points Secret", strings)
        self.assertNotIn("CSREP Points Top Secret", strings)
        rows = {row[0]: row[1:] for row in balances}
        self.assertEqual(rows["Other guests (2, archive not readable)"], (100, 130, 30, 70, 130))
        self.assertEqual(dict(tie)["Sum of the guests' closing balances"], 130)

    def test_who_may_run_it_and_bad_period(self):
        for role in ("liaison", "internal"):
            with self.subTest(role=role), self.assertRaises(UserError):
                self._sheets(self.users[role])
        with self.assertRaisesRegex(UserError, "before it starts"):
            self._sheets(self.users["manager"], date_from="2031-04-30", date_to="2031-03-01")
        wizard = (
            self.env["cs.report.wizard"]
            .with_user(self.users["manager"])
            .create({"report": "points_liability", "date_from": "2031-03-01", "date_to": False})
        )
        with self.assertRaisesRegex(UserError, "first and the last day"):
            wizard.action_print()
