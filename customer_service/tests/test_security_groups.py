from odoo.tests import tagged

from .common import CustomerServiceCase, managers_not_of_this_hotel


@tagged("post_install", "-at_install")
class TestSecurityGroups(CustomerServiceCase):
    """The contract's groups, their chains, and who sees the app."""

    def _implied(self, xmlid):
        return self.env.ref(xmlid).all_implied_ids.mapped(lambda g: g.get_external_id()[g.id])

    def test_groups_share_one_privilege(self):
        privilege = self.env.ref("customer_service.res_groups_privilege_customer_service")
        xmlids = {
            f"customer_service.{name}"
            for name in (
                "group_cs_liaison",
                "group_cs_user",
                "group_cs_info_supervisor",
                "group_cs_manager",
                "group_cs_leader",
                "group_cs_finance",
                "group_cs_admin",
            )
        }
        self.assertEqual({g.get_external_id()[g.id] for g in privilege.group_ids}, xmlids)

    def test_implied_chains(self):
        chains = {
            "customer_service.group_cs_liaison": {"base.group_user"},
            "customer_service.group_cs_finance": {"base.group_user"},
            "customer_service.group_cs_user": {"base.group_user"},
            "customer_service.group_cs_info_supervisor": {"customer_service.group_cs_user"},
            "customer_service.group_cs_manager": {"customer_service.group_cs_user"},
            "customer_service.group_cs_leader": {"customer_service.group_cs_manager"},
            "customer_service.group_cs_admin": {"customer_service.group_cs_manager"},
        }
        for xmlid, direct in chains.items():
            group = self.env.ref(xmlid)
            self.assertEqual({g.get_external_id()[g.id] for g in group.implied_ids}, direct, xmlid)
        # Liaisons and finance are outside the CS staff chain: no archive rights.
        for xmlid in ("customer_service.group_cs_liaison", "customer_service.group_cs_finance"):
            self.assertNotIn("customer_service.group_cs_user", self._implied(xmlid))
        # A leader is a manager, hence a CS user.
        self.assertTrue(
            {"customer_service.group_cs_manager", "customer_service.group_cs_user"}
            <= set(self._implied("customer_service.group_cs_leader"))
        )

    def test_app_menu_visible_to_cs_roles_only(self):
        root = self.env.ref("customer_service.cs_menu_root")
        Menu = self.env["ir.ui.menu"]
        for role in ("liaison", "finance", "staff", "supervisor", "manager", "leader", "admin"):
            visible = Menu.with_user(self.users[role])._visible_menu_ids()
            self.assertIn(root.id, visible, role)
        self.assertNotIn(root.id, Menu.with_user(self.users["internal"])._visible_menu_ids())

    def test_archive_menu_hidden_from_liaison_and_finance(self):
        menu = self.env.ref("customer_service.cs_guest_archive_list_menu")
        Menu = self.env["ir.ui.menu"]
        for role in ("liaison", "finance"):
            self.assertNotIn(menu.id, Menu.with_user(self.users[role])._visible_menu_ids(), role)
        self.assertIn(menu.id, Menu.with_user(self.users["staff"])._visible_menu_ids())

    def test_settings_block_for_admins(self):
        settings = self.env["res.config.settings"].create({"cs_gift_value_cap": 150.0})
        settings.execute()
        params = self.env["ir.config_parameter"].sudo()
        self.assertEqual(params.get_param("customer_service.gift_value_cap"), "150.0")
        self.assertEqual(self.env["res.config.settings"].create({}).cs_gift_value_cap, 150.0)

    def test_shipped_departments(self):
        codes = set(self.env["cs.service.department"].search([]).mapped("code"))
        self.assertTrue({"front_office", "fnb", "housekeeping", "recreation"} <= codes)

    def test_shipped_approvals_hold_in_every_company(self):
        """A hotel group's approvals (tier definitions) are not the main company's alone."""
        shipped = self.env["ir.model.data"].search(
            [("module", "=", "customer_service"), ("model", "=", "tier.definition")]
        )
        definitions = self.env["tier.definition"].browse(shipped.mapped("res_id"))
        self.assertGreaterEqual(len(definitions), 9)
        self.assertFalse(definitions.company_id)

    def test_active_users_of_a_group_in_a_company(self):
        """One answer to "who holds this role here": implied members count,
        users who left, portal users and other hotels' staff do not."""
        manager = self.env.ref("customer_service.group_cs_manager")
        sister, elsewhere, gone = managers_not_of_this_hotel(self.env, "cs_test")
        company = self.env.company
        here = manager._cs_active_users(company)
        self.assertIn(self.users["manager"], here)
        self.assertIn(self.users["leader"], here, "a leader is a manager by implication")
        self.assertIn(self.users["admin"], here)
        self.assertNotIn(self.users["staff"], here)
        self.assertNotIn(gone, here)
        self.assertNotIn(elsewhere, here)
        self.assertIn(elsewhere, manager._cs_active_users(sister))
        self.assertIn(elsewhere, manager._cs_active_users())
        self.assertFalse(manager._cs_active_users().filtered(lambda u: u.share or not u.active))
        # Built on it: the CS managers and leaders of a company, and who may
        # approve a complaint's solution.
        self.assertEqual(
            company._cs_managers(),
            here
            - (
                self.env.ref("customer_service.group_cs_leader")
                | self.env.ref("customer_service.group_cs_admin")
            )._cs_active_users(company),
        )
        self.assertIn(self.users["leader"], company._cs_leaders())
        self.assertNotIn(self.users["manager"], company._cs_leaders())
        self.assertNotIn(elsewhere, sister._cs_leaders() | company._cs_leaders())
