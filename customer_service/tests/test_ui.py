from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestUi(HttpCase):
    """Real Chromium, as the demo users: the app, archives, preferences."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.staff = cls.env.ref("customer_service.user_cs_staff")
        cls.guest = cls.env["res.partner"].create({"name": "Tour Guest 林"})

    def test_cs_staff_opens_the_app(self):
        self.start_tour("/odoo", "customer_service_app_menu_tour", login=self.staff.login)

    def test_staff_create_archive_liaison_adds_preference_manager_opens(self):
        # CS staff create the archive and note an F&B preference.
        self.start_tour(
            "/odoo/action-customer_service.cs_guest_archive_action",
            "customer_service_archive_create_tour",
            login=self.staff.login,
        )
        archive = self.env["cs.guest.archive"].search([("partner_id", "=", self.guest.id)])
        self.assertEqual(archive.owner_id, self.staff)
        self.assertEqual(archive.preference_fnb_ids.name, "早餐只喝豆浆")

        # The F&B liaison adds a preference from their own menu.
        liaison = self.env.ref("customer_service.user_cs_liaison_fnb")
        self.start_tour("/odoo", "customer_service_liaison_preference_tour", login=liaison.login)
        line = self.env["cs.guest.preference"].search([("name", "=", "红酒不加冰")])
        self.assertEqual(line.reported_by_id, liaison)
        self.assertEqual(
            line.department_id, self.env.ref("customer_service.cs_service_department_fnb")
        )
        self.assertEqual(line.archive_id, archive)

        # The manager opens a confidential archive: one access-log row.
        archive.confidentiality_level = "confidential"
        manager = self.env.ref("customer_service.user_cs_manager")
        Log = self.env["cs.archive.access.log"]
        before = Log.search_count([("archive_id", "=", archive.id), ("user_id", "=", manager.id)])
        self.start_tour(
            f"/odoo/action-customer_service.cs_guest_archive_action/{archive.id}",
            "customer_service_manager_open_tour",
            login=manager.login,
        )
        after = Log.search_count([("archive_id", "=", archive.id), ("user_id", "=", manager.id)])
        self.assertEqual(after - before, 1)

    def test_liaison_reports_consumption_staff_calls_back(self):
        guest = self.env["res.partner"].create({"name": "Tour Guest 王"})
        liaison = self.env.ref("customer_service.user_cs_liaison_fnb")
        # Lunch and dinner: two reports of one stay.
        for _meal in range(2):
            self.start_tour(
                "/odoo", "customer_service_liaison_consumption_tour", login=liaison.login
            )
        consumptions = self.env["cs.consumption"].search([("partner_id", "=", guest.id)])
        self.assertEqual(len(consumptions), 2)
        self.assertEqual(set(consumptions.department_id.mapped("code")), {"fnb"})
        self.assertEqual(consumptions.reported_by_id, liaison)
        self.assertEqual(consumptions.mapped("amount_total"), [576, 576])
        visit = consumptions.visit_id
        self.assertEqual(len(visit), 1, "one stay, one callback")
        self.assertEqual(visit.callback_state, "pending")

        self.start_tour(
            "/odoo/action-customer_service.cs_visit_action",
            "customer_service_callback_tour",
            login=self.staff.login,
        )
        log = visit.contact_log_ids
        self.assertEqual(log.contact_type, "callback")
        self.assertEqual(log.satisfaction, "satisfied")
        self.assertEqual(log.user_id, self.staff)
        self.assertEqual(visit.callback_state, "done")
        self.assertEqual(consumptions.mapped("callback_state"), ["done", "done"])

    def test_leader_countersigns(self):
        leader = self.env.ref("customer_service.user_cs_leader")
        staff_group = self.env.ref("customer_service.group_cs_user")
        Limit = self.env["cs.authority.limit"]
        Limit.with_context(active_test=False).search([("compensation_type", "=", "gift")]).unlink()
        Limit.create(
            [
                {
                    "group_id": staff_group.id,
                    "compensation_type": "gift",
                    "max_per_transaction": 100,
                },
                {"user_id": leader.id, "compensation_type": "gift", "max_per_transaction": 5000},
            ]
        )
        self.env["ir.config_parameter"].sudo().set_param("customer_service.gift_value_cap", 1000)
        guest = self.env["res.partner"].create({"name": "Tour Guest 赵"})
        self.env["cs.guest.archive"].create({"partner_id": guest.id, "owner_id": self.staff.id})
        gift = (
            self.env["cs.compensation"]
            .with_user(self.staff)
            .create(
                {
                    "partner_id": guest.id,
                    "compensation_type": "gift",
                    "amount": 800,
                    "approver_id": leader.id,
                }
            )
        )
        gift.action_sign()
        self.assertEqual(gift.countersign_state, "pending")
        self.start_tour("/odoo", "customer_service_leader_countersign_tour", login=leader.login)
        self.assertEqual(gift.countersign_state, "done")
        self.assertEqual(gift.countersign_user_id, leader)

    def test_admin_sets_an_authority_limit(self):
        group = self.env["res.groups"].create({"name": "Tour Limit Group"})
        self.start_tour("/odoo", "customer_service_admin_limit_tour", login="admin")
        limit = self.env["cs.authority.limit"].search([("group_id", "=", group.id)])
        self.assertEqual(limit.compensation_type, "gift")
        self.assertEqual(limit.max_per_transaction, 300)
