from unittest.mock import patch

from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, tagged
from odoo.tools.translate import code_translations

from .common import REGISTER, SUMMARY, ReportsCase


@tagged("post_install", "-at_install")
class TestReportWizard(ReportsCase):
    """Filters, bad input and the user's language."""

    def _wizard(self, user, **vals):
        return self.env["cs.report.wizard"].with_user(user).create(vals)

    def test_runs_the_chosen_report_with_its_filters(self):
        manager = self.users["manager"]
        self._consume(self._create_archive("CSREP Wizard Guest"), "2031-03-12 12:00:00")
        wizard = self._wizard(
            manager,
            report="consumption_summary",
            date_from="2031-03-01",
            date_to="2031-03-31",
            department_ids=[self.fnb.id],
            granularity="week",
        )
        action = wizard.action_print()
        self.assertEqual(action["type"], "ir.actions.report")
        self.assertEqual(action["report_type"], "xlsx")
        self.assertEqual(action["report_name"], "customer_service_reports.consumption_summary")
        filters = action["data"]["filters"]
        self.assertEqual(filters["date_from"], "2031-03-01")
        self.assertEqual(filters["department_ids"], [self.fnb.id])
        workbook = self._render(SUMMARY, manager, data=action["data"])
        self.assertIn("2031-03-01", workbook.worksheets[0]["A2"].value)
        [(week,)] = self.env["cs.consumption"]._read_group(
            [("consumption_date", ">=", "2031-03-12"), ("consumption_date", "<", "2031-03-13")],
            ["consumption_date:week"],
        )
        # The week starts as the user's language says (Sunday in en_US).
        self.assertEqual(workbook.worksheets[0].cell(6, 1).value, week)
        self.assertEqual(workbook.worksheets[0].cell(6, 1).number_format, "yyyy-mm-dd")

    def test_empty_period(self):
        wizard = self._wizard(self.users["manager"], date_from=False, date_to=False)
        with self.assertRaisesRegex(UserError, "first and the last day of the period"):
            wizard.action_print()
        wizard = self._wizard(self.users["manager"], date_from="2031-03-01", date_to=False)
        with self.assertRaises(UserError):
            wizard.action_print()

    def test_period_ending_before_it_starts(self):
        with self.assertRaisesRegex(ValidationError, "before it starts"):
            self._wizard(self.users["manager"], date_from="2031-03-31", date_to="2031-03-01")
        wizard = self._wizard(self.users["manager"])
        with self.assertRaises(ValidationError):
            wizard.write({"date_from": "2031-03-31", "date_to": "2031-03-01"})
        with Form(self.env["cs.report.wizard"].with_user(self.users["manager"])) as form:
            form.date_from = "2031-03-01"
            form.date_to = "2031-03-31"
        self.assertTrue(form.record.action_print())

    def test_report_checks_what_a_client_sends(self):
        manager = self.users["manager"]
        for filters in (
            {"date_from": "2031-03-31", "date_to": "2031-03-01"},
            {"date_from": "31/03/2031"},
            {"confidentiality_level": "public"},
            {"granularity": "hour"},
            {"department_ids": ["front"]},
        ):
            with self.subTest(filters=filters), self.assertRaises(UserError):
                self._render(REGISTER, manager, data={"filters": filters})

    def test_finance_may_not_pick_the_register(self):
        wizard = self._wizard(
            self.users["finance"],
            report="archive_register",
            date_from="2031-03-01",
            date_to="2031-03-31",
        )
        with self.assertRaisesRegex(UserError, "may not run"):
            wizard.action_print()
        wizard.report = "consumption_summary"
        self.assertEqual(wizard.action_print()["type"], "ir.actions.report")

    def test_headers_in_the_users_language(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"].search(
            [("name", "=", "customer_service")]
        )._update_translations(["zh_CN"])
        leader = self.users["leader"]
        leader.lang = "zh_CN"
        archive = self._create_archive("CSREP Lang Guest", "top_secret")
        original = code_translations.get_python_translations
        # The lead regenerates the .po files: stand in for them, so that the
        # test proves the report asks for its terms in the user's language.
        fake = {"Code": "编号", "Guest Archive Register": "客户档案登记簿"}

        def translations(module, lang):
            found = original(module, lang)
            if module == "customer_service_reports" and lang == "zh_CN":
                return {**found, **fake}
            return found

        with patch.object(code_translations, "get_python_translations", translations):
            workbook = self._render(REGISTER, leader, docids=archive.ids)
            zh = self.env(context={"lang": "zh_CN"})
            sheet = workbook.worksheets[0]
            self.assertEqual(sheet["A1"].value, "客户档案登记簿")
            self.assertEqual(sheet["A5"].value, "编号")
            self.assertEqual(sheet["A5"].value, zh._("Code"))
            self.assertEqual(sheet["B5"].value, zh._("Guest"))
        _header, rows = self._table(sheet)
        self.assertEqual(rows[0][3], "绝密")
        # An English user of the same file gets English.
        english = self._render(
            REGISTER, self.users["manager"], docids=self._create_archive("CSREP En").ids
        )
        self.assertEqual(english.worksheets[0]["A5"].value, "Code")

    def test_managers_land_on_the_overview(self):
        home = self.env.ref("customer_service.cs_action_home")
        for role in ("manager", "leader"):
            with self.subTest(role=role):
                action = home.with_user(self.users[role]).run()
                self.assertEqual(action["type"], "ir.actions.client")
                self.assertEqual(action["tag"], "cs_service_dashboard")
        self.assertEqual(home.with_user(self.users["staff"]).run()["res_model"], "cs.visit")

    def test_menus_per_role(self):
        """Finance reaches the exports and the compensation analysis, managers all."""
        menus = {
            name: self.env.ref(f"customer_service_reports.{name}")
            for name in (
                "cs_report_wizard_menu",
                "cs_compensation_analysis_menu",
                "cs_service_overview_menu",
                "cs_guest_archive_analysis_menu",
            )
        }
        expected = {
            "finance": {"cs_report_wizard_menu", "cs_compensation_analysis_menu"},
            "manager": set(menus),
            "staff": set(),
        }
        for role, names in expected.items():
            visible = self.env["ir.ui.menu"].with_user(self.users[role])._visible_menu_ids()

            def reachable(menu, visible=visible):
                # The web client builds the tree from the root: a hidden
                # folder hides what it holds.
                while menu:
                    if menu.id not in visible:
                        return False
                    menu = menu.parent_id
                return True

            self.assertEqual({name for name, menu in menus.items() if reachable(menu)}, names, role)
