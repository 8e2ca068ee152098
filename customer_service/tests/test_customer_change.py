from unittest.mock import patch

from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from odoo.addons.mail.models.mail_activity import MailActivity

from .common import CustomerServiceCase


@tagged("post_install", "-at_install")
class TestCustomerChange(CustomerServiceCase):
    """R8: changes in a guest's situation reach the salesperson and finance."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.salesperson = cls.users["internal"]
        cls.finance = cls.users["finance"]
        cls.other_user = new_test_user(
            cls.env, login="cs_test_other_sales", groups="base.group_user"
        )
        cls.corporate = cls._create_archive(
            "CSTEST Globex", guest_type="corporate", owner=cls.users["staff"]
        )
        cls.corporate.partner_id.write({"is_company": True, "user_id": cls.salesperson.id})
        cls.alice, cls.bob = cls.env["cs.archive.key.person"].create(
            [
                {
                    "archive_id": cls.corporate.id,
                    "name": "Alice",
                    "position": "Purchasing Manager",
                    "decision_role": "decision_maker",
                },
                {"archive_id": cls.corporate.id, "name": "Bob", "position": "Assistant"},
            ]
        )
        cls.Change = cls.env["cs.customer.change"]
        cls.activity_type = cls.env.ref("customer_service.mail_activity_type_customer_change")

    def _changes(self, partner=None):
        return self.Change.search([("partner_id", "=", (partner or self.corporate.partner_id).id)])

    def _assert_notified(self, change):
        activities = change.activity_ids.filtered(
            lambda a: a.activity_type_id == self.activity_type
        )
        finance_users = self.env.ref("customer_service.group_cs_finance").all_user_ids
        self.assertIn(self.salesperson, activities.user_id)
        self.assertIn(self.finance, activities.user_id)
        self.assertEqual(activities.user_id, self.salesperson | finance_users.filtered("active"))
        self.assertEqual(len(activities), len(activities.user_id), "one activity each")
        self.assertTrue(change.message_ids, "a note on the change record")
        self.assertIn(self.salesperson.name, change.message_ids[0].body)

    # ------------------------------------------------------------
    # Detection on key people
    # ------------------------------------------------------------

    def test_key_person_left_when_archived(self):
        self.alice.with_user(self.users["staff"]).active = False
        change = self._changes()
        self.assertEqual(len(change), 1)
        self.assertEqual(change.change_type, "key_person_left")
        self.assertEqual(change.source, "detected")
        self.assertEqual(change.archive_id, self.corporate)
        self.assertIn("Alice", change.old_value)
        self._assert_notified(change)
        # Writing the same value again records nothing new.
        self.alice.active = False
        self.assertEqual(len(self._changes()), 1)

    def test_key_person_left_when_deleted(self):
        self.bob.with_user(self.users["staff"]).unlink()
        change = self._changes()
        self.assertEqual(change.change_type, "key_person_left")
        self.assertIn("Bob", change.old_value)
        self._assert_notified(change)

    def test_key_person_role_change(self):
        self.alice.with_user(self.users["staff"]).write(
            {"position": "Chief Financial Officer", "decision_role": "influencer"}
        )
        change = self._changes()
        self.assertEqual(change.change_type, "key_person_role_change")
        self.assertIn("Purchasing Manager", change.old_value)
        self.assertIn("Chief Financial Officer", change.new_value)
        self._assert_notified(change)
        # A phone number is no change of role.
        self.alice.phone = "+86 10 1234 5678"
        self.bob.sequence = 3
        self.assertEqual(len(self._changes()), 1)

    def test_destruction_is_not_a_departure(self):
        self.corporate._erase_personal_content()
        self.assertFalse(self.alice.exists())
        self.assertFalse(self._changes())

    # ------------------------------------------------------------
    # Detection on the archive (cs.guest.archive.write)
    # ------------------------------------------------------------

    def _write_archive(self, archives, vals):
        """The changes that the archive's own write records."""
        before = self.Change.search([])
        archives.with_user(self.users["staff"]).write(vals)
        return self.Change.search([]) - before

    def test_archive_employer_and_position_changes(self):
        acme = self.env["res.partner"].create({"name": "CSTEST Acme", "is_company": True})
        guest = self._create_archive("CSTEST Dana")
        guest.partner_id.user_id = self.salesperson
        # Filling in a first employer is data entry, not a change.
        self.assertFalse(self._write_archive(guest, {"employer_id": acme.id, "job_title": "Buyer"}))
        changes = self._write_archive(guest, {"employer_id": self.corporate.partner_id.id})
        self.assertEqual(changes.change_type, "employer_change")
        self.assertEqual(changes.partner_id, guest.partner_id)
        self.assertEqual(changes.old_value, "CSTEST Acme, Buyer")
        self.assertEqual(changes.new_value, "CSTEST Globex, Buyer")
        self._assert_notified(changes)
        changes = self._write_archive(guest, {"job_title": "Head Buyer"})
        self.assertEqual(changes.change_type, "position_change")
        self.assertFalse(self._write_archive(guest, {"note": "<p>Likes tea</p>"}))
        # A destruction erases the employer: that is no change of employer.
        self.assertFalse(self._write_archive(guest, {"employer_id": False, "destroyed": True}))
        self.assertEqual(len(self._changes(guest.partner_id)), 2)

    def test_notifications_batched(self):
        guests = self._create_archive("CSTEST Eve") | self._create_archive("CSTEST Finn")
        guests.write({"employer_id": self.corporate.partner_id.id, "job_title": "Engineer"})
        calls = []
        original = MailActivity.create

        def counting_create(records, vals_list):
            calls.append(len(vals_list) if isinstance(vals_list, list) else 1)
            return original(records, vals_list)

        with patch.object(MailActivity, "create", counting_create):
            changes = self._write_archive(guests, {"employer_id": False})
        self.assertEqual(len(changes), 2)
        self.assertEqual(len(calls), 1, "one activity create call for every change")
        self.assertEqual(calls[0], len(changes.activity_ids))

    def test_notification_queries_do_not_grow(self):
        def record_queries(count):
            guests = self.Archive.browse()
            for index in range(count):
                guests |= self._create_archive(f"CSTEST Batch {count} {index}")
            guests.partner_id.write({"user_id": self.salesperson.id})
            guests.write({"job_title": "Engineer"})
            old_values = self.Change._archive_snapshot(guests)
            guests.write({"job_title": "Lead Engineer"})
            self.env.flush_all()
            before = self.env.cr.sql_log_count
            changes = self.Change._record_archive_changes(guests, old_values)
            self.env.flush_all()
            self.assertEqual(len(changes), count)
            return self.env.cr.sql_log_count - before

        small = record_queries(2)
        large = record_queries(10)
        self.assertLessEqual(large, small + 5, "a batch of queries, not a few per change")

    # ------------------------------------------------------------
    # Rights and the wizard
    # ------------------------------------------------------------

    def test_who_reads_changes(self):
        self.alice.active = False
        change = self._changes()
        change.with_user(self.finance).read(["old_value", "new_value"])
        change.with_user(self.salesperson).read(["old_value"])
        with self.assertRaises(AccessError):
            change.with_user(self.other_user).read(["old_value"])
        with self.assertRaises(AccessError):
            change.with_user(self.finance).write({"note": "seen"})
        with self.assertRaises(AccessError):
            self.Change.with_user(self.finance).create(
                {"partner_id": self.corporate.partner_id.id, "change_type": "other"}
            )
        # Finance closes its own activity.
        activity = change.activity_ids.filtered(lambda a: a.user_id == self.finance)
        activity.with_user(self.finance).action_feedback(feedback="Credit line reviewed")
        self.assertFalse(activity.exists() and activity.active, "marked done")

    def test_wizard_records_and_notifies(self):
        wizard = (
            self.env["cs.customer.change.wizard"]
            .with_user(self.users["staff"])
            .with_context(active_model="cs.guest.archive", active_id=self.corporate.id)
            .create(
                {
                    "change_type": "other",
                    "old_value": "Annual budget 1M",
                    "new_value": "Annual budget cut to 300k",
                }
            )
        )
        self.assertEqual(wizard.partner_id, self.corporate.partner_id)
        action = wizard.action_record()
        change = self.Change.browse(action["res_id"])
        self.assertEqual(change.source, "manual")
        self.assertEqual(change.user_id, self.users["staff"])
        self._assert_notified(change)

    def test_wizard_is_for_cs_staff(self):
        with self.assertRaises(AccessError):
            self.env["cs.customer.change.wizard"].with_user(self.users["liaison"]).create(
                {"partner_id": self.corporate.partner_id.id, "change_type": "other"}
            )
        # A caller cannot pretend a hand-made change was detected.
        change = self.Change.with_user(self.users["staff"]).create(
            [
                {
                    "partner_id": self.corporate.partner_id.id,
                    "change_type": "other",
                    "source": "detected",
                    "archive_id": self.corporate.id,
                    "user_id": self.users["manager"].id,
                }
            ]
        )
        self.assertEqual(change.source, "manual")
        self.assertEqual(change.user_id, self.users["staff"])
        self.assertFalse(change.archive_id)
        self.assertEqual(self.Change.search_count([("id", "=", change.id)]), 1)
