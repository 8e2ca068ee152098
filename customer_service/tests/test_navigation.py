from odoo.tests import tagged

from .common import CustomerServiceCase

ROOT = "customer_service.cs_menu_root"


@tagged("post_install", "-at_install")
class TestNavigation(CustomerServiceCase):
    """Six top menus grouped by what a person does; each role lands on its own screen."""

    def _top_menus(self, role):
        """The web client's top bar of the app, as the user loads it: xml id -> children."""
        menus = self.env["ir.ui.menu"].with_user(self.users[role]).load_menus(False)
        root = self.env.ref(ROOT)
        top = {}
        for menu_id in menus[root.id]["children"]:
            children = {menus[child]["xmlid"] for child in menus[menu_id]["children"]}
            top[menus[menu_id]["xmlid"]] = children
        return top

    def _home(self, role):
        action = self.env.ref("customer_service.cs_action_home")
        return action.with_user(self.users[role]).run()

    def test_at_most_six_top_menus_for_every_role(self):
        for role in ("liaison", "finance", "staff", "supervisor", "manager", "leader", "admin"):
            with self.subTest(role=role):
                top = self._top_menus(role)
                self.assertLessEqual(len(top), 6, sorted(top))
                self.assertTrue(all(top.values()), f"an empty top menu: {top}")

    def test_what_each_role_finds(self):
        cs = "customer_service."
        liaison = self._top_menus("liaison")
        self.assertEqual(set(liaison), {cs + "cs_guest_archive_menu", cs + "cs_consumption_menu"})
        self.assertEqual(
            liaison[cs + "cs_guest_archive_menu"],
            {cs + "cs_guest_preference_menu", cs + "cs_service_card_menu"},
            "a liaison notes what a guest likes, never opens the archive",
        )
        self.assertIn(cs + "cs_consumption_quick_entry_menu", liaison[cs + "cs_consumption_menu"])
        self.assertNotIn(cs + "cs_collection_task_menu", liaison[cs + "cs_consumption_menu"])

        finance = self._top_menus("finance")
        self.assertNotIn(cs + "cs_guest_archive_menu", finance)
        self.assertIn(cs + "cs_collection_task_menu", finance[cs + "cs_consumption_menu"])
        self.assertEqual(
            finance[cs + "cs_complaint_menu"], {cs + "cs_compensation_menu"}, "no complaint"
        )

        staff = self._top_menus("staff")
        self.assertIn(cs + "cs_guest_archive_list_menu", staff[cs + "cs_guest_archive_menu"])
        self.assertIn(cs + "cs_consumption_callbacks_menu", staff[cs + "cs_consumption_menu"])
        self.assertNotIn(cs + "cs_config_menu", staff)
        self.assertNotIn(cs + "cs_compensation_countersign_menu", staff[cs + "cs_complaint_menu"])
        leader = self._top_menus("leader")
        self.assertIn(cs + "cs_compensation_countersign_menu", leader[cs + "cs_complaint_menu"])
        self.assertIn(cs + "cs_config_menu", self._top_menus("admin"))

    def test_each_role_lands_on_its_first_screen(self):
        expected = {
            "staff": ("cs.visit", "search_default_my_callbacks"),
            "liaison": ("cs.consumption", None),
            "finance": ("cs.collection.task", None),
        }
        for role, (model, default_filter) in expected.items():
            with self.subTest(role=role):
                action = self._home(role)
                self.assertEqual(action["res_model"], model)
                if default_filter:
                    self.assertIn(default_filter, action["context"])
        self.assertEqual(self._home("liaison")["view_mode"], "form", "a blank report")
        # The app opens on it: the root menu's action is this one.
        self.assertEqual(self.env.ref(ROOT).action, self.env.ref("customer_service.cs_action_home"))
