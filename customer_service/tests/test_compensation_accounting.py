from odoo import Command
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import new_test_user, tagged

from odoo.addons.account.tests.common import AccountTestInvoicingCommon
from odoo.addons.base.tests.common import DISABLED_MAIL_CONTEXT

from .common import create_compensation, set_authority_limit


@tagged("post_install", "-at_install")
class TestCompensationAccounting(AccountTestInvoicingCommon):
    """Every yuan given shows up in accounting (R5, R11)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, **DISABLED_MAIL_CONTEXT))
        cls.company = cls.company_data["company"]
        cls.staff = new_test_user(
            cls.env,
            login="cs_acc_staff",
            groups="customer_service.group_cs_user",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )
        cls.manager = new_test_user(
            cls.env,
            login="cs_acc_manager",
            groups="customer_service.group_cs_manager",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )
        cls.finance = new_test_user(
            cls.env,
            login="cs_acc_finance",
            groups="customer_service.group_cs_finance",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )
        group = cls.env.ref("customer_service.group_cs_user")
        for ctype in ("waive_deductible", "waive_penalty", "refund", "round_off", "gift"):
            set_authority_limit(cls.env, group, ctype, 10000)
        cls.guest = cls.partner_a
        cls.receivable = cls.company_data["default_account_receivable"]
        cls.waiver_account = cls.copy_account(cls.company_data["default_account_revenue"])
        cls.round_off_account = cls.copy_account(cls.company_data["default_account_expense"])
        cls.gift_account = cls.copy_account(cls.company_data["default_account_expense"])
        cls.gift_counterpart = cls.company_data["default_journal_cash"].default_account_id
        cls.company.write(
            {
                "cs_credit_note_account_id": cls.waiver_account.id,
                "cs_round_off_account_id": cls.round_off_account.id,
                "cs_gift_account_id": cls.gift_account.id,
                "cs_gift_counterpart_account_id": cls.gift_counterpart.id,
            }
        )

    def _invoice(self, amount, partner=None, company=None):
        company = company or self.company
        invoice = (
            self.env["account.move"]
            .with_company(company)
            .create(
                {
                    "move_type": "out_invoice",
                    "partner_id": (partner or self.guest).id,
                    "invoice_date": "2026-01-10",
                    "invoice_line_ids": [
                        Command.create(
                            {"name": "Room", "quantity": 1, "price_unit": amount, "tax_ids": []}
                        )
                    ],
                }
            )
        )
        invoice.action_post()
        return invoice

    def _give(self, amount, ctype, invoice=None):
        compensation = create_compensation(
            self.env,
            self.staff,
            self.guest,
            amount,
            ctype,
            invoice_id=invoice.id if invoice else False,
        )
        compensation.with_user(self.staff).action_sign()
        return compensation

    def test_waiver_credit_note_reconciled(self):
        invoice = self._invoice(300)
        compensation = self._give(50, "waive_deductible", invoice)
        move = compensation.move_id
        self.assertEqual(move.move_type, "out_refund")
        self.assertEqual(move.state, "posted")
        self.assertEqual(move.partner_id, self.guest)
        self.assertEqual(move.reversed_entry_id, invoice)
        self.assertEqual(move.cs_compensation_id, compensation)
        self.assertEqual(move.amount_total, 50)
        self.assertRecordValues(
            move.line_ids.sorted("balance"),
            [
                {"account_id": self.receivable.id, "balance": -50, "partner_id": self.guest.id},
                {"account_id": self.waiver_account.id, "balance": 50, "partner_id": self.guest.id},
            ],
        )
        self.assertEqual(move.payment_state, "paid")
        self.assertEqual(invoice.amount_residual, 250)
        self.assertEqual(invoice.payment_state, "partial")

    def test_default_account_from_chart(self):
        self.company.cs_credit_note_account_id = False
        compensation = self._give(20, "waive_penalty", self._invoice(100))
        line = compensation.move_id.invoice_line_ids
        self.assertEqual(line.account_id, self.company.income_account_id)

    def test_refund_whole_invoice(self):
        invoice = self._invoice(120)
        self._give(120, "refund", invoice)
        self.assertEqual(invoice.amount_residual, 0)
        self.assertIn(invoice.payment_state, ("paid", "reversed"))

    def test_credit_note_without_invoice(self):
        compensation = self._give(30, "waive_penalty")
        self.assertEqual(compensation.move_id.partner_id, self.guest)
        self.assertFalse(compensation.move_id.reversed_entry_id)
        self.assertEqual(compensation.move_id.amount_residual, 30)

    def test_round_off_writes_off_residual(self):
        invoice = self._invoice(100.5)
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=invoice.ids
        ).create({"amount": 100})._create_payments()
        self.assertAlmostEqual(invoice.amount_residual, 0.5)
        compensation = self._give(0.5, "round_off", invoice)
        move = compensation.move_id
        self.assertEqual(move.move_type, "entry")
        self.assertRecordValues(
            move.line_ids.sorted("balance"),
            [
                {"account_id": self.receivable.id, "balance": -0.5, "partner_id": self.guest.id},
                {
                    "account_id": self.round_off_account.id,
                    "balance": 0.5,
                    "partner_id": self.guest.id,
                },
            ],
        )
        self.assertTrue(
            move.line_ids.filtered(lambda line: line.account_id == self.receivable).reconciled
        )
        self.assertEqual(invoice.amount_residual, 0)
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))

    def test_round_off_more_than_residual(self):
        invoice = self._invoice(100.5)
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=invoice.ids
        ).create({"amount": 100})._create_payments()
        compensation = create_compensation(
            self.env, self.staff, self.guest, 2, "round_off", invoice_id=invoice.id
        )
        with self.assertRaisesRegex(ValidationError, "more than that"):
            compensation.with_user(self.staff).action_sign()
        self.assertFalse(
            self.env["account.move"].search([("cs_compensation_id", "=", compensation.id)])
        )
        self.assertEqual(compensation.state, "draft")

    def test_gift_expense_entry(self):
        compensation = self._give(150, "gift")
        self.assertRecordValues(
            compensation.move_id.line_ids.sorted("balance"),
            [
                {
                    "account_id": self.gift_counterpart.id,
                    "balance": -150,
                    "partner_id": self.guest.id,
                },
                {"account_id": self.gift_account.id, "balance": 150, "partner_id": self.guest.id},
            ],
        )
        self.assertEqual(compensation.move_id.partner_id, self.guest)

    def test_cancel_reverses(self):
        invoice = self._invoice(300)
        compensation = self._give(50, "waive_deductible", invoice)
        move = compensation.move_id
        compensation.with_user(self.manager).action_cancel()
        self.assertEqual(compensation.state, "cancel")
        reversal = compensation.reversal_move_id
        self.assertEqual(reversal.state, "posted")
        self.assertEqual(reversal.reversed_entry_id, move)
        self.assertEqual(reversal.partner_id, self.guest)
        self.assertEqual(reversal.amount_total, 50)
        self.assertIn(move.payment_state, ("paid", "reversed"))
        self.assertEqual(invoice.amount_residual, 300)

    def test_cancel_gift_reverses(self):
        compensation = self._give(80, "gift")
        compensation.with_user(self.manager).action_cancel()
        lines = (compensation.move_id | compensation.reversal_move_id).line_ids
        for account in (self.gift_account, self.gift_counterpart):
            self.assertAlmostEqual(
                sum(lines.filtered(lambda line, a=account: line.account_id == a).mapped("balance")),
                0,
            )

    def test_other_company_invoice_refused(self):
        other = self.setup_other_company()["company"]
        invoice = self._invoice(100, company=other)
        with self.assertRaisesRegex(ValidationError, "belongs to another company"):
            create_compensation(
                self.env, self.staff, self.guest, 10, "refund", invoice_id=invoice.id
            )
        self.assertFalse(
            self.env["cs.compensation"].sudo().search([("partner_id", "=", self.guest.id)])
        )

    def test_other_partner_invoice_refused(self):
        invoice = self._invoice(100, partner=self.partner_b)
        with self.assertRaisesRegex(ValidationError, "not the guest's invoice"):
            create_compensation(
                self.env, self.staff, self.guest, 10, "refund", invoice_id=invoice.id
            )

    def test_finance_reads(self):
        compensation = self._give(50, "waive_deductible", self._invoice(300))
        as_finance = compensation.with_user(self.finance)
        self.assertEqual(as_finance.move_id.amount_total, 50)
        self.assertTrue(as_finance.move_id.line_ids.read(["balance"]))

    def test_staff_read_only_invoices_of_guests_they_may_read(self):
        """CS staff see an invoice only if they may read its guest's archive."""
        other_staff = new_test_user(
            self.env,
            login="cs_acc_staff2",
            groups="customer_service.group_cs_user",
            company_id=self.company.id,
            company_ids=[Command.set(self.company.ids)],
        )
        Archive = self.env["cs.guest.archive"].sudo()
        Archive.create({"partner_id": self.guest.id, "confidentiality_level": "secret"})
        # Confidential and owned by somebody else: not the staff's to read.
        Archive.create(
            {
                "partner_id": self.partner_b.id,
                "confidentiality_level": "confidential",
                "owner_id": other_staff.id,
            }
        )
        no_archive = self.env["res.partner"].create({"name": "Walk-in"})
        readable = self._invoice(100)
        hidden = self._invoice(200, partner=self.partner_b)
        walk_in = self._invoice(300, partner=no_archive)
        invoices = readable | hidden | walk_in
        domain = [("id", "in", invoices.ids)]

        Move = self.env["account.move"].with_user(self.staff)
        rows = Move.search_read(domain, ["name", "amount_total"])
        self.assertEqual([row["id"] for row in rows], readable.ids)
        self.assertEqual(Move.search_count(domain), 1)
        groups = Move.read_group(domain, ["amount_total:sum"], [])
        self.assertEqual(groups[0]["amount_total"], 100)
        self.assertFalse(Move.name_search(hidden.name))
        self.assertEqual([rid for rid, __ in Move.name_search(readable.name)], readable.ids)
        with self.assertRaises(AccessError):
            hidden.with_user(self.staff).read(["amount_total"])
        # Exporting is no way around it either.
        self.staff.group_ids += self.env.ref("base.group_allow_export")
        with self.assertRaises(AccessError):
            walk_in.with_user(self.staff).export_data(["name"])
        # Their owner reads the confidential guest's invoice; finance reads all.
        self.assertEqual(
            self.env["account.move"].with_user(other_staff).search(domain), readable | hidden
        )
        self.assertEqual(self.env["account.move"].with_user(self.finance).search(domain), invoices)
        # Accounting's own invoicing group keeps its own, wider rule.
        self.staff.group_ids += self.env.ref("account.group_account_invoice")
        self.assertEqual(self.env["account.move"].with_user(self.staff).search(domain), invoices)
