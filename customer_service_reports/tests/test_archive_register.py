from datetime import timedelta

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import REGISTER, ReportsCase


@tagged("post_install", "-at_install")
class TestArchiveRegister(ReportsCase):
    """R12: the register holds only what the user may read, and its export is logged."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.secret = cls._create_archive("CSREP Secret Guest", "secret", vip_level="gold")
        cls.own_confidential = cls._create_archive("CSREP Own Confidential", "confidential")
        cls.other_confidential = cls._create_archive(
            "CSREP Other Confidential", "confidential", owner=cls.users["staff2"]
        )
        cls.top = cls._create_archive("CSREP Top Secret", "top_secret")
        cls.ours = cls.secret | cls.own_confidential | cls.other_confidential | cls.top
        today = fields.Date.context_today(cls.env["res.users"])
        cls.today_filters = {
            "filters": {
                "date_from": str(today - timedelta(days=1)),
                "date_to": str(today + timedelta(days=1)),
            }
        }

    def _codes(self, workbook):
        _header, rows = self._table(workbook.worksheets[0])
        return [row[0] for row in rows], rows

    def test_rows_are_what_the_user_may_read(self):
        staff = self.users["staff"]
        codes, rows = self._codes(self._render(REGISTER, staff, data=self.today_filters))
        expected = (
            self.Archive.with_user(staff)
            .search(
                [
                    ("create_date", ">=", fields.Date.today() - timedelta(days=1)),
                    ("create_date", "<", fields.Date.today() + timedelta(days=2)),
                ]
            )
            .mapped("code")
        )
        self.assertEqual(sorted(codes), sorted(expected))
        self.assertIn(self.secret.code, codes)
        self.assertIn(self.own_confidential.code, codes)
        self.assertNotIn(self.other_confidential.code, codes)
        self.assertNotIn(self.top.code, codes)
        by_code = {row[0]: row for row in rows}
        row = by_code[self.own_confidential.code]
        self.assertEqual(row[1], "CSREP Own Confidential")
        self.assertEqual(row[3], "Confidential")
        self.assertEqual(row[4].date(), self.own_confidential.classified_until)
        self.assertEqual(row[9], staff.name)
        self.assertEqual(by_code[self.secret.code][7], "Gold")

    def test_selection_never_reveals_unreadable_archives(self):
        staff = self.users["staff"]
        codes, _rows = self._codes(self._render(REGISTER, staff, docids=self.ours.ids))
        self.assertEqual(
            sorted(codes), sorted((self.secret | self.own_confidential).mapped("code"))
        )
        logs = self.env["cs.archive.access.log"].search([("archive_id", "in", self.ours.ids)])
        self.assertEqual(logs.archive_id, self.own_confidential, "only what was exported is logged")

    def test_export_is_logged_for_confidential_and_top_secret(self):
        leader = self.users["leader"]
        Log = self.env["cs.archive.access.log"]
        before = Log.search_count([("archive_id", "in", self.ours.ids)])
        workbook = self._render(REGISTER, leader, docids=self.ours.ids)
        codes, rows = self._codes(workbook)
        self.assertEqual(sorted(codes), sorted(self.ours.mapped("code")))
        levels = {row[0]: row[3] for row in rows}
        self.assertEqual(levels[self.top.code], "Top Secret")
        # Confidential and top-secret rows carry their level in a flagged cell.
        sheet = workbook.worksheets[0]
        for cells in sheet.iter_rows(min_row=6):
            if cells[0].value in (self.top.code, self.own_confidential.code):
                self.assertTrue(cells[3].font.bold)
            elif cells[0].value == self.secret.code:
                self.assertFalse(cells[3].font.bold)
        logs = Log.search([("archive_id", "in", self.ours.ids)])
        self.assertEqual(len(logs) - before, 3)
        self.assertEqual(
            logs.archive_id, self.own_confidential | self.other_confidential | self.top
        )
        self.assertEqual(set(logs.mapped("access_type")), {"export"})
        self.assertEqual(logs.user_id, leader)

    def test_layout(self):
        workbook = self._render(REGISTER, self.users["leader"], docids=self.ours.ids)
        sheet = workbook.worksheets[0]
        self.assertEqual(sheet["A1"].value, "Guest Archive Register")
        self.assertEqual(sheet.freeze_panes, "A6")
        self.assertTrue(sheet.auto_filter.ref.startswith("A5:L"))
        self.assertTrue(sheet["A5"].font.bold)
        self.assertEqual(sheet["E6"].number_format, "yyyy-mm-dd")
        self.assertGreater(sheet.column_dimensions["B"].width, 20)

    def test_level_and_owner_filters(self):
        leader = self.users["leader"]
        data = {"filters": {"confidentiality_level": "confidential"}}
        codes, rows = self._codes(self._render(REGISTER, leader, docids=self.ours.ids, data=data))
        self.assertEqual(
            sorted(codes), sorted((self.own_confidential | self.other_confidential).mapped("code"))
        )
        self.assertIn(
            "Confidentiality: Confidential",
            self._render(REGISTER, leader, docids=self.ours.ids, data=data)
            .worksheets[0]["A2"]
            .value,
        )
        data = {"filters": {"user_ids": [self.users["staff2"].id]}}
        codes, _rows = self._codes(self._render(REGISTER, leader, docids=self.ours.ids, data=data))
        self.assertEqual(codes, [self.other_confidential.code])

    def test_outsiders_get_nothing(self):
        for role in ("finance", "liaison", "internal"):
            with self.subTest(role=role), self.assertRaises(UserError):
                self._render(REGISTER, self.users[role], docids=self.ours.ids)
        self.assertFalse(
            self.env["cs.archive.access.log"].search_count([("archive_id", "in", self.ours.ids)])
        )
