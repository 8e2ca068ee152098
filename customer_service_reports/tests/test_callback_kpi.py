from datetime import datetime

from odoo.tests import tagged

from .common import KPI, ReportsCase, workbook_strings

PERIOD = [
    ("date_start", ">=", datetime(2031, 3, 1)),
    ("date_start", "<", datetime(2031, 5, 1)),
]


@tagged("post_install", "-at_install")
class TestCallbackKpi(ReportsCase):
    """R7, R15: callbacks and contacts per staff member and month, one callback per visit."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        staff = cls.users["staff"]
        cls.member = cls._create_archive("CSREP Member One", "top_secret", vip_level="gold")
        cls.late_member = cls._create_archive("CSREP Member Two", "secret", vip_level="silver")
        cls.guest = cls._create_archive("CSREP Plain Guest", "secret")
        # One stay, two departments: one visit, one callback due.
        cls.dinner = cls._consume(cls.member, datetime(2031, 3, 10, 12))
        cls.room = cls._consume(cls.member, datetime(2031, 3, 10, 20), department=cls.front)
        late = cls._consume(cls.late_member, datetime(2031, 3, 10, 12))
        cls.plain = cls._consume(cls.guest, datetime(2031, 3, 12, 12))  # never reached
        cls._log(cls.member, datetime(2031, 3, 3, 10), staff)
        # A callback for the guest alone is about their pending visit, and closes it.
        cls.callback = cls._log(
            cls.member,
            datetime(2031, 3, 11, 10),
            staff,
            contact_type="callback",
            satisfaction="satisfied",
        )
        cls._log(cls.member, datetime(2031, 3, 17, 10), staff)
        # After the callback, the member's next stay is a visit of its own.
        cls.second_stay = cls._consume(cls.member, datetime(2031, 3, 25, 12))
        cls._log(
            cls.late_member,
            datetime(2031, 3, 20, 10),
            staff,
            contact_type="callback",
            consumption_id=late.id,
            satisfaction="dissatisfied",
        )
        # A call that did not reach the guest keeps the visit pending.
        cls._log(
            cls.guest,
            datetime(2031, 3, 13, 10),
            staff,
            contact_type="callback",
            outcome="no_answer",
        )

    def _kpi_row(self, user=None, **filters):
        staff = self.users["staff"]
        data = self._filters(user_ids=[staff.id], **filters)
        workbook = self._render(KPI, user or self.users["manager"], data=data)
        _header, rows = self._table(workbook.worksheets[0])
        self.assertEqual(len(rows), 1)
        return rows[0]

    def test_fixtures_are_visits(self):
        """What the report counts: four visits for five consumptions."""
        first = self.dinner.visit_id
        self.assertTrue(first)
        self.assertEqual(self.room.visit_id, first, "one stay, two departments: one visit")
        self.assertEqual(first.callback_state, "done")
        self.assertEqual(first.callback_log_id, self.callback)
        self.assertTrue(first.callback_on_time)
        self.assertNotEqual(self.second_stay.visit_id, first)
        self.assertEqual(self.second_stay.visit_id.callback_state, "pending")
        self.assertEqual(self.plain.visit_id.callback_state, "pending")

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
        # Five consumptions, four visits: the report counts the visits.
        domain = [("callback_user_id", "=", staff.id), ("callback_state", "!=", "not_needed")]
        consumptions = self.env["cs.consumption"].search(
            [
                *domain,
                ("consumption_date", ">=", datetime(2031, 3, 1)),
                ("consumption_date", "<", datetime(2031, 5, 1)),
            ]
        )
        self.assertEqual(len(consumptions), 5)
        self.assertEqual(row[2], 4)
        self.assertEqual(row[3], 1)
        # The same figures as the one count of the callback KPIs.
        self.assertEqual(
            (row[2], row[3]),
            self.env["cs.visit"]._callback_kpis([*domain, *PERIOD])[None],
        )
        self.assertAlmostEqual(row[4], 1 / 4)
        # Both members came and both got their callback (the first one's
        # second stay is still to call back: the member was called back).
        self.assertEqual(row[5:8], (2, 2, 1))
        # Two members owned, four weeks in March: eight member-weeks, four with a contact.
        self.assertEqual(row[8], 4)
        self.assertAlmostEqual(row[9], 0.5)
        # Five contacts, the unanswered call among them; two of them rated.
        self.assertEqual(row[10:14], (5, 1, 0, 1))
        self.assertAlmostEqual(row[14], 0.5)
        self.assertEqual(sheet.cell(6, 5).number_format, "0.0%")
        self.assertEqual(len(sheet._charts), 1)

    def test_callback_closes_the_visit_in_the_kpis(self):
        before = self._kpi_row()
        self.assertEqual(before[2:4], (4, 1))
        self._log(
            self.member,
            datetime(2031, 3, 26, 10),
            self.users["staff"],
            contact_type="callback",
            satisfaction="satisfied",
        )
        self.assertEqual(self.second_stay.visit_id.callback_state, "done")
        after = self._kpi_row()
        self.assertEqual(after[2:4], (4, 2), "still four due, one more in time")
        self.assertAlmostEqual(after[4], 0.5)

    def test_department_filter_applies_to_callbacks(self):
        # Only the first stay went through the front office, after the restaurant.
        row = self._kpi_row(department_ids=[self.front.id])
        self.assertEqual(row[2:5], (1, 1, 1.0))
        self.assertEqual(row[10], 5, "contacts are not the departments'")
        recreation = self.env.ref("customer_service.cs_service_department_recreation")
        row = self._kpi_row(department_ids=[recreation.id])
        self.assertEqual(row[2], 0)
        self.assertIsNone(row[4], "no callback due: no rate, not 100%")

    def test_selection_of_visits(self):
        """Printed from the callback queue: only the visits picked."""
        staff = self.users["staff"]
        picked = self.dinner.visit_id | self.plain.visit_id
        workbook = self._render(
            KPI, self.users["manager"], docids=picked.ids, data=self._filters(user_ids=[staff.id])
        )
        _header, rows = self._table(workbook.worksheets[0])
        self.assertEqual(rows[0][2:4], (2, 1))
        # The contacts about those visits: the callback and the unanswered call.
        self.assertEqual(rows[0][10], 2)

    def test_guests_are_never_named(self):
        workbook = self._render(KPI, self.users["staff"], data=self._filters())
        strings = workbook_strings(workbook)
        for archive in (self.member, self.late_member, self.guest):
            self.assertNotIn(archive.partner_id.name, strings)
