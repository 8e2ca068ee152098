from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import CustomerServiceCase

# Queries to open one archive with warm registry caches and a cold record cache.
OPEN_QUERY_BUDGET = 20


@tagged("post_install", "-at_install")
class TestArchiveAccessLog(CustomerServiceCase):
    """R12: every opening or export of a confidential or top-secret archive is logged."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Log = cls.env["cs.archive.access.log"].sudo()
        cls.secret = cls._create_archive("CSTEST Log Secret", "secret")
        cls.confidential = cls._create_archive("CSTEST Log Confidential", "confidential")
        cls.top_secret = cls._create_archive("CSTEST Log Top", "top_secret")
        for i in range(5):
            cls.env["cs.guest.preference"].create(
                {
                    "partner_id": cls.confidential.partner_id.id,
                    "department_id": cls.env.ref("customer_service.cs_service_department_fnb").id,
                    "name": f"Preference {i}",
                }
            )

    def _rows(self, archive):
        return self.Log.search([("archive_id", "=", archive.id)])

    def _open(self, role, archive):
        """What the form view does when it opens a record."""
        spec = {
            "code": {},
            "partner_id": {"fields": {"display_name": {}}},
            "confidentiality_level": {},
            "note": {},
            "preference_ids": {"fields": {"name": {}, "department_id": {}}},
            "special_date_ids": {"fields": {"name": {}, "date": {}}},
        }
        return archive.with_user(self.users[role]).web_read(spec)

    def test_one_row_per_opening(self):
        self._open("staff", self.confidential)
        rows = self._rows(self.confidential)
        self.assertEqual(len(rows), 1)
        self.assertEqual(rows.user_id, self.users["staff"])
        self.assertEqual(rows.access_type, "open")
        self._open("manager", self.confidential)
        self.assertEqual(len(self._rows(self.confidential)), 2)

    def test_leaders_are_logged_too(self):
        self._open("leader", self.top_secret)
        self.assertEqual(self._rows(self.top_secret).user_id, self.users["leader"])

    def test_secret_archives_are_not_logged(self):
        self._open("staff", self.secret)
        self.assertFalse(self._rows(self.secret))

    def test_export_is_logged(self):
        archives = self.confidential | self.top_secret | self.secret
        archives.with_user(self.users["leader"]).export_data(["code", "partner_id"])
        self.assertEqual(self._rows(self.confidential).access_type, "export")
        self.assertEqual(self._rows(self.top_secret).access_type, "export")
        self.assertFalse(self._rows(self.secret))

    def test_rows_carry_who_and_when(self):
        self._open("staff", self.confidential)
        row = self._rows(self.confidential)
        self.assertEqual(row.create_uid, self.users["staff"])
        self.assertEqual(row.create_date, self.env.cr.now())
        self.assertEqual(row.confidentiality_level, "confidential")
        with self.assertRaises(UserError):
            self.Log._log_rows(self.top_secret, "copied")
        self.assertFalse(self._rows(self.top_secret))

    def test_refused_opening_writes_nothing(self):
        with self.assertRaises(AccessError):
            self._open("staff2", self.confidential)
        self.assertFalse(self._rows(self.confidential))

    def test_log_cannot_be_changed_or_deleted(self):
        self._open("staff", self.confidential)
        row = self._rows(self.confidential)
        with self.assertRaises(UserError):
            row.write({"access_type": "export"})
        for user in (self.users["manager"], self.users["leader"], self.env.user):
            with self.assertRaises(UserError):
                row.with_user(user).unlink()
        self.assertTrue(row.exists())
        # Managers read it; staff do not.
        self.assertTrue(
            self.env["cs.archive.access.log"].with_user(self.users["manager"]).search([])
        )
        with self.assertRaises(AccessError):
            self.env["cs.archive.access.log"].with_user(self.users["staff"]).search([])

    def test_purge_cron_deletes_only_old_rows(self):
        self._open("staff", self.confidential)
        row = self._rows(self.confidential)
        self.env["ir.config_parameter"].sudo().set_param(
            "customer_service.access_log_retention_days", "30"
        )
        self.env.cr.execute(
            "UPDATE cs_archive_access_log SET create_date = now() - interval '31 days' "
            "WHERE id = %s",
            [row.id],
        )
        self.Log.invalidate_model()
        self._open("staff", self.confidential)
        self.assertEqual(self.env["cs.archive.access.log"]._cron_purge(), 1)
        self.assertFalse(row.exists())
        self.assertEqual(len(self._rows(self.confidential)), 1)

    def test_opening_costs_constant_queries(self):
        """Opening an archive does not cost more with more preferences or log rows."""
        baseline = self._count_open()
        self.assertLessEqual(baseline, OPEN_QUERY_BUDGET)
        for i in range(20):
            self.env["cs.guest.preference"].create(
                {
                    "partner_id": self.confidential.partner_id.id,
                    "department_id": self.env.ref(
                        "customer_service.cs_service_department_housekeeping"
                    ).id,
                    "name": f"More {i}",
                }
            )
            self._open("leader", self.confidential)
        self.assertEqual(self._count_open(), baseline)

    def _count_open(self):
        """Queries of one opening, after identical warm-up openings."""
        for _warm_up in range(2):
            self._open("manager", self.confidential)
            self.env.invalidate_all()
        queries_before = self.cr.sql_log_count
        self._open("manager", self.confidential)
        return self.cr.sql_log_count - queries_before

    def test_lists_are_not_openings(self):
        Archive = self.Archive.with_user(self.users["leader"])
        Archive.web_search_read(
            [("id", "in", (self.confidential | self.top_secret).ids)],
            {"code": {}, "confidentiality_level": {}},
        )
        self.assertFalse(self._rows(self.confidential) | self._rows(self.top_secret))
        # Lists run in read-only transactions; only read and web_read write the log.
        self.assertTrue(getattr(type(Archive).read, "_readonly", True) is False)
        self.assertTrue(getattr(type(Archive).web_read, "_readonly", True) is False)

    def test_no_client_context_skips_the_log(self):
        archive = self.confidential.with_user(self.users["staff"])
        for key in ("cs_no_access_log", "cs_guest_archive_listing"):
            archive.with_context(**{key: True}).read(["code"])
        self.assertEqual(len(self._rows(self.confidential)), 2)
