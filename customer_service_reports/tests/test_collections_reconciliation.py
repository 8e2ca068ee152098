from datetime import datetime

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import ReportsAccountingCase, data_rows, render_values, workbook_strings

COLLECTIONS = "customer_service_reports.cs_collections_reconciliation_report"
PERIOD = {"date_from": "2031-03-01", "date_to": "2031-03-31"}


@tagged("post_install", "-at_install")
class TestCollectionsReconciliation(ReportsAccountingCase):
    """R10: collections per customer, tied to the receivable residuals in accounting."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.archive = cls._create_archive(
            "CSREP Collections Guest", "top_secret", note="CSREP archive note"
        )
        cls.guest = cls.archive.partner_id
        cls.other = cls.env["res.partner"].create({"name": "CSREP Collections Company"})
        with freeze_time("2031-03-15"):
            cls.overdue = cls._invoice(cls.guest, 1000, "2031-03-01")
            cls._invoice(cls.guest, 500, "2031-12-31")  # not yet due
            cls._invoice(cls.other, 300, "2031-03-01")
            cls.env["cs.collection.task"].sudo()._generate_tasks()
            cls.task = cls._task(cls.guest)
            cls.task.write({"promise_date": "2031-03-20", "promise_amount": 400})
            cls.env["account.payment.register"].with_context(
                active_model="account.move", active_ids=cls.overdue.ids
            ).create({"amount": 400, "payment_date": "2031-03-20"})._create_payments()

    @classmethod
    def _invoice(cls, partner, amount, due):
        invoice = cls.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": partner.id,
                "invoice_date": "2031-02-01",
                "invoice_payment_term_id": False,
                "invoice_date_due": due,
                "invoice_line_ids": [
                    Command.create({"name": "Banquet", "price_unit": amount, "tax_ids": []})
                ],
            }
        )
        invoice.action_post()
        return invoice

    @classmethod
    def _task(cls, partner):
        return cls.env["cs.collection.task"].sudo().search([("partner_id", "=", partner.id)])

    def _sheets(self, user, **filters):
        workbook = render_values(user, COLLECTIONS, data={"filters": {**PERIOD, **filters}})
        return workbook, [data_rows(sheet) for sheet in workbook.worksheets]

    def test_per_customer_against_the_orm(self):
        finance = self.users["finance"]
        _workbook, (customers, _tie) = self._sheets(finance)
        rows = {row[0]: row for row in customers}
        task = self.task.with_user(finance)
        self.assertEqual(task.amount_due, 600)
        row = rows["CSREP Collections Guest"]
        self.assertEqual(row[1], 1)
        self.assertEqual(row[2], self.users["staff"].name)
        self.assertEqual(
            row[3:11],
            (
                task.amount_opened,
                task.promise_amount,
                datetime(2031, 3, 20),
                task.amount_collected,
                task.amount_due,
                600,
                0,
                500,
            ),
        )
        self.assertEqual(row[3:8], (1000, 400, datetime(2031, 3, 20), 400, 600))
        other = rows["CSREP Collections Company"]
        self.assertEqual(other[3:11], (300, 0, None, 0, 300, 300, 0, 0))

    def test_open_ties_to_receivable_residuals(self):
        finance = self.users["finance"]
        _workbook, (customers, tie) = self._sheets(finance)
        tasks = (
            self.env["cs.collection.task"]
            .with_user(finance)
            .search(
                [
                    ("create_date", "<", datetime(2031, 4, 1)),
                    "|",
                    ("state", "!=", "closed"),
                    ("closed_date", ">=", "2031-03-01"),
                ]
            )
        )
        residual = sum(
            self.env["account.move.line"]
            .with_user(finance)
            .search(
                [
                    ("id", "in", tasks.sudo().line_ids.ids),
                    ("account_id.account_type", "=", "asset_receivable"),
                    ("parent_state", "=", "posted"),
                    ("reconciled", "=", False),
                ]
            )
            .mapped("amount_residual")
        )
        figures = dict(tie)
        self.assertAlmostEqual(
            figures["Open on the collection tasks"], sum(tasks.mapped("amount_due"))
        )
        self.assertAlmostEqual(
            figures["Residual of the tasks' open receivable lines in accounting"], residual
        )
        self.assertEqual(figures["Difference"], 0)
        self.assertEqual(sum(row[7] for row in customers), figures["Open on the collection tasks"])
        # A task whose stored amount no longer follows accounting shows as a difference.
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE cs_collection_task SET amount_due = 650 WHERE id = %s", (self.task.id,)
        )
        self.env.invalidate_all()
        _workbook, (customers, tie) = self._sheets(finance)
        self.assertEqual(dict(tie)["Difference"], 50)
        self.assertEqual({row[0]: row for row in customers}["CSREP Collections Guest"][9], 50)

    def test_finance_never_sees_archive_content(self):
        workbook, _sheets = self._sheets(self.users["finance"])
        strings = workbook_strings(workbook)
        for secret in (self.archive.code, "CSREP archive note", "Top Secret"):
            self.assertFalse([s for s in strings if secret in s], secret)
        self.assertIn("CSREP Collections Guest", strings, "the customer, as accounting names it")

    def test_managers_get_the_same_figures(self):
        _workbook, (by_finance, tie_finance) = self._sheets(self.users["finance"])
        _workbook, (by_manager, tie_manager) = self._sheets(self.users["manager"])
        self.assertEqual(by_manager, by_finance)
        self.assertEqual(tie_manager, tie_finance)

    def test_collector_filter_and_closed_tasks(self):
        staff = self.users["staff"]
        _workbook, (customers, _tie) = self._sheets(self.users["finance"], user_ids=[staff.id])
        self.assertEqual([row[0] for row in customers], ["CSREP Collections Guest"])
        # The company's task closes once paid: it stays in the period it was open in.
        with freeze_time("2031-04-05"):
            invoice = self._task(self.other).sudo().line_ids.move_id
            self.env["account.payment.register"].with_context(
                active_model="account.move", active_ids=invoice.ids
            ).create({"payment_date": "2031-04-05"})._create_payments()
            self.env.flush_all()
        self.assertEqual(self._task(self.other).state, "closed")
        _workbook, (customers, _tie) = self._sheets(
            self.users["finance"], date_from="2031-04-06", date_to="2031-04-30"
        )
        self.assertNotIn("CSREP Collections Company", [row[0] for row in customers])
        _workbook, (customers, _tie) = self._sheets(self.users["finance"])
        row = {row[0]: row for row in customers}["CSREP Collections Company"]
        self.assertEqual(row[6:10], (300, 0, 0, 0))

    def test_who_may_run_it_and_bad_period(self):
        for role in ("staff", "liaison", "internal"):
            with self.subTest(role=role), self.assertRaises(UserError):
                self._sheets(self.users[role])
        with self.assertRaisesRegex(UserError, "before it starts"):
            self._sheets(self.users["finance"], date_from="2031-04-30", date_to="2031-03-01")
        wizard = (
            self.env["cs.report.wizard"]
            .with_user(self.users["finance"])
            .create(
                {
                    "report": "collections_reconciliation",
                    "date_from": "2031-03-01",
                    "date_to": "2031-03-31",
                }
            )
        )
        action = wizard.action_print()
        self.assertEqual(
            action["report_name"], "customer_service_reports.collections_reconciliation"
        )
        workbook = render_values(self.users["finance"], COLLECTIONS, data=action["data"])
        self.assertEqual(workbook.worksheets[0]["A1"].value, "Collections Reconciliation")
        self.assertIn("2031-03-01", workbook.worksheets[0]["A2"].value)
