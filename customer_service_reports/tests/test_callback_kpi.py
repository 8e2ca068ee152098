from datetime import datetime

from odoo.tests import tagged

from .common import KPI, ReportsCase


@tagged("post_install", "-at_install")
class TestCallbackKpi(ReportsCase):
    """R7, R15: callbacks and contacts per staff member and month."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        staff = cls.users["staff"]
        cls.member = cls._create_archive("CSREP Member One", "secret", vip_level="gold")
        cls.late_member = cls._create_archive("CSREP Member Two", "secret", vip_level="silver")
        cls.guest = cls._create_archive("CSREP Plain Guest", "secret")
        on_time = cls._consume(cls.member, datetime(2031, 3, 10, 12))
        late = cls._consume(cls.late_member, datetime(2031, 3, 10, 12))
        cls._consume(cls.guest, datetime(2031, 3, 12, 12))  # never called back
        cls._log(cls.member, datetime(2031, 3, 3, 10), staff)
        cls._log(
            cls.member,
            datetime(2031, 3, 11, 10),
            staff,
            contact_type="callback",
            consumption_id=on_time.id,
            satisfaction="satisfied",
        )
        cls._log(cls.member, datetime(2031, 3, 17, 10), staff)
        cls._log(
            cls.late_member,
            datetime(2031, 3, 20, 10),
            staff,
            contact_type="callback",
            consumption_id=late.id,
            satisfaction="dissatisfied",
        )

    def test_kpis_per_staff_and_month(self):
        staff = self.users["staff"]
        workbook = self._render(KPI, self.users["manager"], data=self._filters(user_ids=[staff.id]))
        sheet = workbook.worksheets[0]
        header, rows = self._table(sheet)
        self.assertEqual(header[0], "Staff")
        self.assertEqual(len(rows), 1)
        row = rows[0]
        self.assertEqual(row[0], staff.name)
        self.assertEqual(row[1], datetime(2031, 3, 1))
        # What the ORM says for the same filters.
        due = self.env["cs.consumption"].search(
            [
                ("callback_user_id", "=", staff.id),
                ("callback_state", "!=", "not_needed"),
                ("consumption_date", ">=", datetime(2031, 3, 1)),
                ("consumption_date", "<", datetime(2031, 5, 1)),
            ]
        )
        self.assertEqual(row[2], len(due))
        self.assertEqual(row[2], 3)
        self.assertEqual(row[3], len(due.filtered("callback_on_time")))
        self.assertEqual(row[3], 1)
        self.assertAlmostEqual(row[4], 1 / 3)
        self.assertEqual(row[5:8], (2, 2, 1))
        # Two members owned, four weeks in March: eight member-weeks, four with a contact.
        self.assertEqual(row[8], 4)
        self.assertAlmostEqual(row[9], 0.5)
        self.assertEqual(row[10:14], (4, 1, 0, 1))
        self.assertAlmostEqual(row[14], 0.5)
        self.assertEqual(sheet.cell(6, 5).number_format, "0.0%")
        self.assertEqual(len(sheet._charts), 1)

    def test_department_filter_applies_to_callbacks(self):
        staff = self.users["staff"]
        data = self._filters(user_ids=[staff.id], department_ids=[self.front.id])
        _header, rows = self._table(
            self._render(KPI, self.users["manager"], data=data).worksheets[0]
        )
        self.assertEqual(len(rows), 1)
        self.assertEqual(rows[0][2], 0)
        self.assertIsNone(rows[0][4], "no callback due: no rate, not 100%")
        self.assertEqual(rows[0][10], 4)
