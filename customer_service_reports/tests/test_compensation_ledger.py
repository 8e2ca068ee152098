from datetime import date, datetime

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from odoo.addons.customer_service.tests.common import create_compensation, set_authority_limit

from .common import ReportsAccountingCase, data_rows, render_values, workbook_strings

LEDGER = "customer_service_reports.cs_compensation_ledger_report"
HIDDEN = "(archive not readable)"


@tagged("post_install", "-at_install")
class TestCompensationLedger(ReportsAccountingCase):
    """R5, R11: signed compensation by type and signer, tied to its journal entries."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        company = cls.company
        company.write(
            {
                "cs_credit_note_account_id": cls.copy_account(
                    cls.company_data["default_account_revenue"]
                ).id,
                "cs_round_off_account_id": cls.copy_account(
                    cls.company_data["default_account_expense"]
                ).id,
                "cs_gift_account_id": cls.copy_account(
                    cls.company_data["default_account_expense"]
                ).id,
                "cs_gift_counterpart_account_id": cls.company_data[
                    "default_journal_cash"
                ].default_account_id.id,
            }
        )
        staff_group = cls.env.ref("customer_service.group_cs_user")
        for ctype in ("waive_deductible", "gift", "points"):
            set_authority_limit(cls.env, staff_group, ctype, 500)
        set_authority_limit(cls.env, cls.users["leader"], "waive_deductible", 5000)
        cls.fnb.points_per_amount = 1.0
        staff, leader = cls.users["staff"], cls.users["leader"]
        cls.secret = cls._create_archive("CSREP Ledger Secret", "secret")
        cls.top = cls._create_archive("CSREP Ledger Top Secret", "top_secret")
        guest, top_guest = cls.secret.partner_id, cls.top.partner_id
        with freeze_time("2031-03-10"):
            invoice = cls.env["account.move"].create(
                {
                    "move_type": "out_invoice",
                    "partner_id": guest.id,
                    "invoice_date": "2031-03-10",
                    "invoice_line_ids": [
                        Command.create({"name": "Suite", "price_unit": 3000, "tax_ids": []})
                    ],
                }
            )
            invoice.action_post()
            cls._consume(cls.secret, datetime(2031, 3, 10, 12), 200)  # 200 points

            def give(partner, amount, ctype, **vals):
                compensation = create_compensation(cls.env, staff, partner, amount, ctype, **vals)
                compensation.with_user(staff).action_sign()
                return compensation

            cls.within = give(guest, 100, "waive_deductible", invoice_id=invoice.id)
            cls.gift = give(top_guest, 50, "gift")
            cls.points = give(guest, 40, "points")
            cls.pending = give(guest, 800, "waive_deductible", approver_id=leader.id)
            cls.countersigned = give(guest, 700, "waive_deductible", approver_id=leader.id)
            cls.countersigned.with_user(leader).action_countersign()
            cls.approved = create_compensation(
                cls.env, staff, guest, 900, "waive_deductible", approver_id=leader.id
            )
            cls.approved.with_user(staff).action_submit()
            cls.approved.with_user(leader).validate_tier()
        cls.ours = (
            cls.within | cls.gift | cls.points | cls.pending | cls.countersigned | cls.approved
        )

    def _sheets(self, user, **filters):
        workbook = render_values(user, LEDGER, data=self._filters(**filters))
        return workbook, [data_rows(sheet) for sheet in workbook.worksheets]

    def test_ledger_rows_match_the_orm(self):
        leader = self.users["leader"]
        self.assertEqual(set(self.ours.mapped("state")), {"done"})
        self.assertEqual(self.approved.authority_user_id, leader)
        _workbook, (ledger, _summary, _tie) = self._sheets(leader)
        expected = (
            self.env["cs.compensation"]
            .with_user(leader)
            .search(
                [
                    ("state", "=", "done"),
                    ("sign_date", ">=", date(2031, 3, 1)),
                    ("sign_date", "<=", date(2031, 4, 30)),
                ]
            )
        )
        self.assertEqual(sorted(row[0] for row in ledger), sorted(expected.mapped("name")))
        rows = {row[0]: row for row in ledger}
        paths = {
            self.within: "Within Limit",
            self.gift: "Within Limit",
            self.points: "Within Limit",
            self.pending: "Consulted, Countersign Pending",
            self.countersigned: "Consulted, Countersigned",
            self.approved: "Approved First",
        }
        for compensation, path in paths.items():
            row = rows[compensation.name]
            with self.subTest(compensation=compensation.name):
                self.assertEqual(row[1], datetime(2031, 3, 10))
                self.assertEqual(row[2], compensation.partner_id.name)
                self.assertEqual(row[7], compensation.signer_id.name)
                self.assertEqual(row[8], path)
                if compensation.compensation_type == "points":
                    self.assertIsNone(row[5])
                    self.assertEqual(row[6], 40)
                    self.assertIsNone(row[13])
                else:
                    self.assertEqual(row[5], compensation.amount)
                    move = compensation.sudo().move_id
                    self.assertEqual(row[12], move.name)
                    self.assertAlmostEqual(row[13], abs(move.amount_total_signed))
        self.assertEqual(rows[self.countersigned.name][10], leader.name)
        self.assertEqual(rows[self.pending.name][9], leader.name)
        self.assertIsNone(rows[self.pending.name][10])

    def test_summary_by_type_and_signer(self):
        _workbook, (_ledger, summary, _tie) = self._sheets(
            self.users["manager"], user_ids=[self.users["staff"].id]
        )
        by_type = {row[0]: row for row in summary}
        waivers = by_type["Waive Deductible"]
        self.assertEqual(waivers[1], self.users["staff"].name)
        self.assertEqual(waivers[2], 4)
        self.assertEqual(waivers[3], 100 + 800 + 700 + 900)
        self.assertEqual(waivers[5:9], (1, 1, 1, 1))
        self.assertEqual(by_type["Points"][3:5], (0, 40))
        self.assertEqual(by_type["Gift"][2:4], (1, 50))

    def test_tie_out_to_posted_entries(self):
        manager = self.users["manager"]
        workbook, (_ledger, _summary, tie) = self._sheets(manager)
        rows = {row[0]: row for row in tie}
        self.assertEqual(set(rows), {"Waive Deductible", "Gift"})
        moves = self.env["account.move"].search(
            [("cs_compensation_id", "in", self.ours.ids), ("state", "=", "posted")]
        )
        self.assertEqual(len(moves), 5, "points are not booked")
        booked = sum(abs(m.amount_total_signed) for m in moves)
        self.assertEqual(rows["Waive Deductible"][2], 2500)
        self.assertAlmostEqual(rows["Waive Deductible"][3] + rows["Gift"][3], booked)
        for row in tie:
            self.assertEqual(row[4], 0, row[0])
        self.assertEqual(workbook.worksheets[2].cell(8, 1).value, "Total")
        self.assertEqual(workbook.worksheets[2].cell(8, 5).value, 0)
        formulas = self._render(LEDGER, manager, data=self._filters()).worksheets[2]
        self.assertEqual(formulas.cell(8, 5).value, "=C8-D8")
        self.assertEqual(len(formulas._charts), 1, "ledger against books per type")
        # An entry taken back to draft in accounting shows as a difference.
        self.pending.sudo().move_id.button_draft()
        _workbook, (_ledger, _summary, tie) = self._sheets(manager)
        rows = {row[0]: row for row in tie}
        self.assertEqual(rows["Waive Deductible"][4], 800)

    def test_unreadable_archive_is_never_named(self):
        top_name = self.top.partner_id.name
        for role in ("manager", "finance"):
            with self.subTest(role=role):
                workbook, (ledger, _summary, _tie) = self._sheets(self.users[role])
                strings = workbook_strings(workbook)
                self.assertNotIn(top_name, strings)
                self.assertNotIn(self.top.code, strings)
                row = next(row for row in ledger if row[0] == self.gift.name)
                self.assertEqual(row[2], HIDDEN)
                self.assertEqual(row[5], 50, "the figures stay")
        self.assertIn(top_name, workbook_strings(self._sheets(self.users["leader"])[0]))

    def test_finance_view(self):
        finance = self.users["finance"]
        workbook, (ledger, _summary, tie) = self._sheets(finance)
        rows = {row[0]: row for row in ledger}
        self.assertEqual(rows[self.within.name][12], self.within.move_id.name)
        self.assertIsNone(rows[self.within.name][3], "finance reads no complaint")
        self.assertEqual(rows[self.within.name][2], HIDDEN, "finance reads no archive")
        self.assertTrue(all(row[4] == 0 for row in tie))
        self.assertEqual(workbook.worksheets[0]["F6"].number_format.count("0.00"), 1)

    def test_who_may_run_it_and_bad_period(self):
        for role in ("staff", "liaison", "internal"):
            with self.subTest(role=role), self.assertRaises(UserError):
                self._sheets(self.users[role])
        with self.assertRaisesRegex(UserError, "before it starts"):
            self._render(
                LEDGER,
                self.users["manager"],
                data={"filters": {"date_from": "2031-04-30", "date_to": "2031-03-01"}},
            )
        wizard = (
            self.env["cs.report.wizard"]
            .with_user(self.users["finance"])
            .create({"report": "compensation_ledger", "date_from": False, "date_to": False})
        )
        with self.assertRaisesRegex(UserError, "first and the last day"):
            wizard.action_print()
        wizard.write({"date_from": "2031-03-01", "date_to": "2031-04-30"})
        self.assertEqual(
            wizard.action_print()["report_name"], "customer_service_reports.compensation_ledger"
        )

    def test_compensation_analysis(self):
        self.env.flush_all()
        Analysis = self.env["cs.compensation.analysis"].with_user(self.users["manager"])
        rows = Analysis.search([("compensation_id", "in", self.ours.ids)])
        self.assertEqual(len(rows), 6)
        by_id = {row.compensation_id: row for row in rows}
        self.assertEqual(by_id[self.approved].authority_path, "approved_first")
        self.assertEqual(by_id[self.pending].authority_path, "countersign_pending")
        self.assertEqual(by_id[self.countersigned].authority_path, "countersign_done")
        self.assertEqual(by_id[self.within].authority_path, "within_limit")
        self.assertEqual(by_id[self.points].points, 40)
        self.assertEqual(by_id[self.points].amount, 0)
        [(amount, booked)] = Analysis._read_group(
            [("compensation_id", "in", self.ours.ids)], [], ["amount:sum", "booked_amount:sum"]
        )
        self.assertEqual(amount, 2550)
        self.assertAlmostEqual(booked, 2550)
        self.assertTrue(
            self.env["cs.compensation.analysis"].with_user(self.users["finance"]).search_count([])
        )
        for role in ("staff", "liaison"):
            with self.subTest(role=role), self.assertRaises(AccessError):
                self.env["cs.compensation.analysis"].with_user(self.users[role]).search([])
