from datetime import date

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged

from odoo.addons.account.tests.common import AccountTestInvoicingCommon

from .common import managers_not_of_this_hotel


@tagged("post_install", "-at_install")
class TestCollectionTask(AccountTestInvoicingCommon):
    """R10: CS helps finance collect overdue receivables, following accounting."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        company = cls.env.company
        cls.staff = new_test_user(
            cls.env, "cs_coll_staff", groups="customer_service.group_cs_user", company_id=company.id
        )
        cls.manager = new_test_user(
            cls.env,
            "cs_coll_manager",
            groups="customer_service.group_cs_manager",
            company_id=company.id,
        )
        cls.finance = new_test_user(
            cls.env,
            "cs_coll_finance",
            groups="customer_service.group_cs_finance,account.group_account_invoice",
            company_id=company.id,
        )
        cls.archive = (
            cls.env["cs.guest.archive"]
            .sudo()
            .create(
                {
                    "partner_id": cls.partner_a.id,
                    "company_id": company.id,
                    "confidentiality_level": "confidential",
                    "owner_id": cls.staff.id,
                    "note": "CSTEST secret note",
                }
            )
        )
        cls.Task = cls.env["cs.collection.task"].sudo()  # as the cron

    def _invoice(self, amount, due="2026-10-01", partner=None):
        invoice = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": (partner or self.partner_a).id,
                "invoice_date": "2026-09-01",
                "invoice_payment_term_id": False,
                "invoice_date_due": due,
                "invoice_line_ids": [
                    Command.create({"name": "Banquet", "price_unit": amount, "tax_ids": []})
                ],
            }
        )
        invoice.action_post()
        return invoice

    def _pay(self, invoice, amount):
        return (
            self.env["account.payment.register"]
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create({"amount": amount, "payment_date": "2026-11-20"})
            ._create_payments()
        )

    def _task(self):
        return self.Task.sudo().search([("partner_id", "=", self.partner_a.id)])

    @freeze_time("2026-11-23")
    def test_overdue_receivables_open_one_task_for_the_owner(self):
        first = self._invoice(1000)
        self._invoice(500, due="2026-12-31")  # not yet due
        self.Task._generate_tasks()
        task = self._task()
        self.assertEqual(len(task), 1)
        self.assertEqual(task.user_id, self.staff)
        self.assertEqual(task.amount_due, 1000)
        self.assertEqual(task.state, "open")
        self.assertEqual(task.line_ids.move_id, first)
        activity = task.activity_ids
        self.assertEqual(activity.user_id, self.staff)
        # Run again, with a second overdue invoice: same task, more lines.
        self._invoice(300)
        self.Task._generate_tasks()
        self.assertEqual(self._task(), task)
        self.assertEqual(task.amount_due, 1300)
        self.assertEqual(task.amount_opened, 1300)

    @freeze_time("2026-11-23")
    def test_closes_on_reconcile_and_reopens_on_unreconcile(self):
        invoice = self._invoice(1000)
        self.Task._generate_tasks()
        task = self._task()
        self._pay(invoice, 400)
        self.assertEqual(task.amount_due, 600)
        self.assertEqual(task.amount_collected, 400)
        self.assertEqual(task.state, "open")
        payment = self._pay(invoice, 600)
        self.assertEqual(task.state, "closed")
        self.assertEqual(task.closed_date, date(2026, 11, 23))
        self.assertEqual(task.amount_collected, 1000)
        # Finance undoes the last payment's reconciliation: the task reopens.
        payment.move_id.line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
        ).remove_move_reconcile()
        self.assertEqual(task.state, "open")
        self.assertEqual(task.amount_due, 600)
        self.assertFalse(task.closed_date)

    @freeze_time("2026-11-23")
    def test_broken_promise_escalates_once(self):
        # A hotel group: the sister hotel's manager and a manager who left
        # are not asked.
        sister, elsewhere, gone = managers_not_of_this_hotel(self.env, "cs_coll")
        self._invoice(1000)
        self.Task._generate_tasks()
        task = self._task().with_user(self.staff)
        task.write({"promise_date": "2026-11-25", "promise_amount": 800})
        self.assertEqual(task.state, "promised")
        self.assertFalse(task.promise_broken)
        with freeze_time("2026-11-27"):
            self.assertTrue(
                task.sudo().search([("promise_broken", "=", True), ("id", "=", task.id)])
            )
            self.Task._escalate_broken_promises()
            self.Task._escalate_broken_promises()
            todo = self.env.ref("mail.mail_activity_data_todo")
            escalations = task.sudo().activity_ids.filtered(lambda a: a.activity_type_id == todo)
            self.assertIn(self.manager, escalations.user_id)
            self.assertFalse(escalations.user_id & (elsewhere | gone))
            self.assertEqual(escalations.user_id, task.company_id._cs_managers())
            self.assertEqual(len(escalations), len(escalations.user_id))
            self.assertTrue(task.promise_escalated)

    @freeze_time("2026-11-23")
    def test_collection_calls_are_contact_records(self):
        self._invoice(1000)
        self.Task._generate_tasks()
        task = self._task()
        action = task.with_user(self.staff).action_log_contact()
        self.assertEqual(action["context"]["default_contact_type"], "collection")
        log = (
            self.env["cs.contact.log"]
            .with_user(self.staff)
            .with_context(**action["context"])
            .create({"feedback": "Will pay on Friday"})
        )
        self.assertEqual(log.collection_task_id, task)
        self.assertEqual(task.contact_log_count, 1)
        # Finance sees collection calls only.
        self.assertEqual(
            self.env["cs.contact.log"].with_user(self.finance).search([("id", "=", log.id)]), log
        )

    @freeze_time("2026-11-23")
    def test_finance_reads_tasks_never_archive_content(self):
        self._invoice(1000)
        self.Task._generate_tasks()
        task = self._task()
        Task = self.Task.with_user(self.finance)
        rows = Task.search_read([("id", "=", task.id)], ["amount_due", "amount_collected", "state"])
        self.assertEqual(rows[0]["amount_due"], 1000)
        groups = Task.formatted_read_group([("id", "=", task.id)], ["state"], ["amount_due:sum"])
        self.assertEqual(groups[0]["amount_due:sum"], 1000)
        self.assertTrue(Task.name_search(self.partner_a.name))
        with self.assertRaises(AccessError):
            task.with_user(self.finance).write({"promise_amount": 1})
        with self.assertRaises(AccessError):
            self.archive.with_user(self.finance).read(["note"])
        with self.assertRaises(AccessError):
            self.env["cs.guest.archive"].with_user(self.finance).search([])

    @freeze_time("2026-11-23")
    def test_bad_promise_is_refused(self):
        self._invoice(1000)
        self.Task._generate_tasks()
        task = self._task().with_user(self.staff)
        with self.assertRaises(ValidationError), self.cr.savepoint():
            task.write({"promise_date": "2026-11-25", "promise_amount": -5})
        with self.assertRaises(ValidationError), self.cr.savepoint():
            task.write({"promise_amount": 100, "promise_date": False})
        self.assertFalse(task.promise_amount)

    def test_only_cs_and_finance_gather(self):
        outsider = new_test_user(self.env, "cs_coll_outsider", groups="base.group_user")
        with self.assertRaises(UserError):
            self.Task.with_user(outsider).action_generate()
        self.assertEqual(
            self.Task.with_user(self.finance).action_generate()["tag"], "display_notification"
        )
