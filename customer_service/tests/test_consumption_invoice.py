from odoo import Command
from odoo.tests import tagged

from odoo.addons.account.tests.common import AccountTestInvoicingCommon


@tagged("post_install", "-at_install")
class TestConsumptionFromInvoices(AccountTestInvoicingCommon):
    """R6: posted customer invoices feed consumption, once, and credit notes take it back."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Accountants post invoices; only CS admins map departments.
        cls.fnb = cls.env.ref("customer_service.cs_service_department_fnb").sudo()
        cls.front = cls.env.ref("customer_service.cs_service_department_front_office").sudo()
        cls.food = cls.env["product.category"].create({"name": "CSTEST Food"})
        cls.wine = cls.env["product.category"].create(
            {"name": "CSTEST Wine", "parent_id": cls.food.id}
        )
        cls.fnb.product_categ_ids = [Command.set(cls.food.ids)]
        cls.front.journal_ids = [Command.set(cls.company_data["default_journal_sale"].ids)]
        cls.product_a.categ_id = cls.wine  # mapped through its parent category
        cls.room = cls.product_b  # no mapped category: the journal decides

    def _invoice(self, products, amounts, post=True):
        invoice = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": self.partner_a.id,
                "invoice_date": "2026-11-20",
                "invoice_line_ids": [
                    Command.create({"product_id": product.id, "price_unit": amount, "tax_ids": []})
                    for product, amount in zip(products, amounts, strict=True)
                ],
            }
        )
        if post:
            invoice.action_post()
        return invoice

    def test_invoice_feeds_one_consumption_per_department(self):
        invoice = self._invoice(self.product_a + self.room, [500, 1200])
        consumptions = invoice.sudo().cs_consumption_ids
        self.assertEqual(len(consumptions), 2)
        by_department = {c.department_id: c for c in consumptions}
        self.assertEqual(by_department[self.fnb].amount_total, 500)
        self.assertEqual(by_department[self.front].amount_total, 1200)
        self.assertEqual(set(consumptions.mapped("source")), {"invoice"})
        self.assertEqual(consumptions.partner_id, self.partner_a)
        self.assertEqual(set(consumptions.mapped("callback_state")), {"pending"})

    def test_reposting_never_duplicates(self):
        invoice = self._invoice(self.product_a, [500])
        first = invoice.sudo().cs_consumption_ids
        invoice.button_draft()
        invoice.write(
            {"invoice_line_ids": [Command.update(invoice.invoice_line_ids.id, {"price_unit": 650})]}
        )
        invoice.action_post()
        self.assertEqual(invoice.sudo().cs_consumption_ids, first)
        self.assertEqual(first.amount_total, 650)
        self.assertEqual(len(first.line_ids), 1)
        self.assertEqual(
            self.env["cs.consumption"].sudo().search_count([("move_id", "=", invoice.id)]), 1
        )

    def test_credit_note_reverses(self):
        invoice = self._invoice(self.product_a, [500])
        original = invoice.sudo().cs_consumption_ids
        reversal = (
            self.env["account.move.reversal"]
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create({"journal_id": invoice.journal_id.id, "reason": "CSTEST"})
        )
        reversal.refund_moves()
        refund = invoice.reversal_move_ids
        refund.action_post()
        self.assertEqual(refund.state, "posted")
        taken_back = refund.sudo().cs_consumption_ids
        self.assertEqual(taken_back.reversed_id, original)
        self.assertEqual(taken_back.amount_total, -500)
        # The credit note is part of the stay it takes back: one call covers both.
        self.assertEqual(taken_back.visit_id, original.visit_id)
        self.assertEqual(taken_back.callback_state, "pending")
        self.assertEqual(original.visit_id.amount_total, 0)

    def test_unmapped_and_draft_invoices_feed_nothing(self):
        self.front.journal_ids = False
        invoice = self._invoice(self.room, [1200])
        self.assertFalse(invoice.sudo().cs_consumption_ids)
        draft = self._invoice(self.product_a, [500], post=False)
        self.assertFalse(draft.sudo().cs_consumption_ids)

    def test_cancelled_invoice_drops_pending_consumption(self):
        invoice = self._invoice(self.product_a, [500])
        self.assertTrue(invoice.sudo().cs_consumption_ids)
        invoice.button_draft()
        invoice.button_cancel()
        self.assertFalse(invoice.sudo().cs_consumption_ids)
