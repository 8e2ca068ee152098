from datetime import datetime, timedelta

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .common import CustomerServiceCase, managers_not_of_this_hotel


@tagged("post_install", "-at_install")
class TestConsumption(CustomerServiceCase):
    """R6, R15: consumption reaches CS, and every visit owes a callback."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.fnb = cls.env.ref("customer_service.cs_service_department_fnb")
        cls.front = cls.env.ref("customer_service.cs_service_department_front_office")
        cls.fnb.member_ids = [Command.link(cls.users["liaison"].id)]
        cls.owned = cls._create_archive("CSTEST Owned Guest", "secret", cls.users["staff2"])
        cls.owned.write({"dnd_start": 22.0, "dnd_end": 8.5})
        cls.walk_in = cls.env["res.partner"].create({"name": "CSTEST Walk-in"})
        cls.Consumption = cls.env["cs.consumption"]
        cls.Activity = cls.env["mail.activity"]
        cls.callback_type = cls.env.ref("customer_service.mail_activity_type_callback")

    def _report(self, partner, user="liaison", department=None, **vals):
        return (
            self.Consumption.with_user(self.users[user])
            .create(
                {
                    "partner_id": partner.id,
                    "department_id": (department or self.fnb).id,
                    "line_ids": [
                        Command.create({"name": "Set dinner", "quantity": 2, "price_unit": 388}),
                        Command.create({"name": "Red wine", "quantity": 1, "price_unit": 680}),
                    ],
                    **vals,
                }
            )
            .sudo()
        )

    def _callback_activities(self, consumptions):
        """The open callback activities of the consumptions' visits."""
        return self.Activity.search(
            [
                ("res_model", "=", "cs.visit"),
                ("res_id", "in", consumptions.visit_id.ids),
                ("activity_type_id", "=", self.callback_type.id),
            ]
        )

    def test_quick_entry_by_a_liaison(self):
        when = datetime(2026, 11, 20, 19, 30)
        consumption = self._report(self.owned.partner_id, consumption_date=when)
        self.assertEqual(consumption.amount_total, 1456)
        self.assertEqual(consumption.source, "manual")
        self.assertTrue(consumption.name.startswith("CON"))
        self.assertEqual(consumption.callback_deadline, when + timedelta(days=3))
        self.assertEqual(consumption.callback_state, "pending")
        # The liaison's own department is the default.
        default = self.Consumption.with_user(self.users["liaison"]).default_get(["department_id"])
        self.assertEqual(default["department_id"], self.fnb.id)

    def test_callback_goes_to_the_owner_and_respects_rest_hours(self):
        consumption = self._report(self.owned.partner_id)
        activity = self._callback_activities(consumption)
        self.assertEqual(activity.user_id, self.users["staff2"])
        self.assertEqual(consumption.callback_user_id, self.users["staff2"])
        self.assertIn("22:00", str(activity.note))
        self.assertIn("08:30", str(activity.note))
        self.assertEqual(consumption.guest_resting_hours, "22:00–08:30")

    def test_without_owner_the_team_takes_turns(self):
        guests = self.env["res.partner"].create([{"name": f"CSTEST Turn {i}"} for i in range(4)])
        consumptions = self.Consumption.create(
            [
                {
                    "partner_id": guest.id,
                    "department_id": self.fnb.id,
                    "line_ids": [Command.create({"name": "Tea", "price_unit": 30})],
                }
                for guest in guests
            ]
        )
        team = self.env["cs.visit"]._callback_team()
        self.assertGreaterEqual(len(team), 2)
        users = consumptions.mapped("callback_user_id")
        self.assertEqual(len(users), min(4, len(team)), "callbacks spread over the team")
        self.assertFalse(users & self.env.ref("customer_service.group_cs_manager").all_user_ids)
        self.assertEqual(len(consumptions.visit_id), 4, "one visit per guest")
        self.assertEqual(len(self._callback_activities(consumptions)), 4)

    def test_callback_record_closes_the_callback(self):
        consumption = self._report(self.owned.partner_id)
        log = (
            self.env["cs.contact.log"]
            .with_user(self.users["staff2"])
            .create(
                {
                    "partner_id": consumption.partner_id.id,
                    "consumption_id": consumption.id,
                    "contact_type": "callback",
                    "satisfaction": "satisfied",
                }
            )
        )
        self.assertEqual(consumption.callback_state, "done")
        self.assertTrue(consumption.callback_on_time)
        self.assertFalse(self._callback_activities(consumption), "activity marked done")
        self.assertFalse(log.is_dissatisfied)
        # A regular contact does not close a callback.
        other = self._report(self.owned.partner_id)
        self.env["cs.contact.log"].create(
            {
                "partner_id": other.partner_id.id,
                "consumption_id": other.id,
                "contact_type": "regular",
            }
        )
        self.assertEqual(other.callback_state, "pending")

    def test_callback_for_another_guest_is_refused(self):
        consumption = self._report(self.owned.partner_id)
        with self.assertRaises(ValidationError):
            self.env["cs.contact.log"].create(
                {
                    "partner_id": self.walk_in.id,
                    "consumption_id": consumption.id,
                    "contact_type": "callback",
                }
            )

    def test_overdue_callbacks_escalate_once(self):
        Visit = self.env["cs.visit"]
        # A hotel group: the sister hotel's manager, a manager who left and a
        # leader (a manager by implication) are not this hotel's CS managers.
        sister, elsewhere, gone = managers_not_of_this_hotel(self.env, "cs_test")
        with freeze_time("2026-11-01 10:00:00"):
            consumption = self._report(
                self.owned.partner_id, consumption_date=datetime(2026, 11, 1, 9)
            )
        visit = consumption.visit_id
        with freeze_time("2026-11-03 10:00:00"):
            Visit._cron_escalate_overdue_callbacks()
            self.assertFalse(visit.callback_escalated)
            self.assertFalse(
                self.Consumption.search(
                    [("callback_overdue", "=", True), ("id", "=", consumption.id)]
                )
            )
        with freeze_time("2026-11-05 10:00:00"):
            self.assertTrue(
                self.Consumption.search(
                    [("callback_overdue", "=", True), ("id", "=", consumption.id)]
                )
            )
            self.assertEqual(Visit.search([("callback_overdue", "=", True)]) & visit, visit)
            Visit._cron_escalate_overdue_callbacks()
            Visit._cron_escalate_overdue_callbacks()
        overdue_type = self.env.ref("customer_service.mail_activity_type_callback_overdue")
        escalations = self.Activity.search(
            [
                ("res_model", "=", "cs.visit"),
                ("res_id", "=", visit.id),
                ("activity_type_id", "=", overdue_type.id),
            ]
        )
        self.assertTrue(visit.callback_escalated)
        self.assertIn(self.users["manager"], escalations.user_id)
        self.assertFalse(escalations.user_id & (elsewhere | gone | self.users["leader"]))
        managers = visit.company_id._cs_managers()
        self.assertEqual(escalations.user_id, managers)
        self.assertEqual(len(escalations), len(managers))

    def test_bad_input_leaves_nothing(self):
        before = self.Consumption.search_count([])
        for line in (
            {"name": "Minus", "quantity": -1, "price_unit": 10},
            {"name": "Zero", "quantity": 0, "price_unit": 10},
            {"name": "Negative price", "quantity": 1, "price_unit": -5},
        ):
            with self.subTest(line=line), self.assertRaises(ValidationError), self.cr.savepoint():
                self.Consumption.with_user(self.users["liaison"]).create(
                    {
                        "partner_id": self.walk_in.id,
                        "department_id": self.fnb.id,
                        "line_ids": [Command.create(line)],
                    }
                )
        other_company = self.env["res.company"].create({"name": "CSTEST Other Resort"})
        foreign = self.env["res.partner"].create(
            {"name": "CSTEST Foreign", "company_id": other_company.id}
        )
        with self.assertRaises(ValidationError), self.cr.savepoint():
            self.Consumption.create(
                {
                    "partner_id": foreign.id,
                    "department_id": self.fnb.id,
                    "line_ids": [Command.create({"name": "Tea", "price_unit": 30})],
                }
            )
        self.assertEqual(self.Consumption.search_count([]), before)

    def test_error_is_translated(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        with self.assertRaises(ValidationError) as caught, self.cr.savepoint():
            self.Consumption.with_context(lang="zh_CN").create(
                {
                    "partner_id": self.walk_in.id,
                    "department_id": self.fnb.id,
                    "line_ids": [Command.create({"name": "Minus", "quantity": -1})],
                }
            )
        self.assertNotIn("positive quantity", str(caught.exception))

    def test_liaisons_see_only_their_departments(self):
        mine = self._report(self.walk_in)
        theirs = self._report(self.walk_in, user="staff", department=self.front)
        domain = [("id", "in", (mine | theirs).ids)]
        Liaison = self.Consumption.with_user(self.users["liaison"])
        self.assertEqual(Liaison.search(domain), mine)
        self.assertEqual({r["id"] for r in Liaison.search_read(domain, ["name"])}, {mine.id})
        groups = Liaison.formatted_read_group(domain, ["department_id"], ["amount_total:sum"])
        self.assertEqual([g["amount_total:sum"] for g in groups], [1456])
        self.assertEqual(
            [r[0] for r in Liaison.name_search(theirs.name)], [], "name_search hides it too"
        )
        with self.assertRaises(AccessError):
            theirs.with_user(self.users["liaison"]).read(["amount_total"])
        # CS staff and finance see both; finance cannot change them.
        self.assertEqual(
            self.Consumption.with_user(self.users["staff"]).search(domain), mine | theirs
        )
        self.assertEqual(
            self.Consumption.with_user(self.users["finance"]).search(domain), mine | theirs
        )
        with self.assertRaises(AccessError):
            mine.with_user(self.users["finance"]).write({"note": "changed"})
        # A plain employee reads none.
        with self.assertRaises(AccessError):
            self.Consumption.with_user(self.users["internal"]).search(domain)

    def test_liaison_learns_nothing_of_the_archive(self):
        consumption = self._report(self.owned.partner_id)
        with self.assertRaises(AccessError):
            consumption.with_user(self.users["liaison"]).env["cs.guest.archive"].browse(
                self.owned.id
            ).read(["note"])
        data = consumption.with_user(self.users["liaison"]).read(["callback_user_id"])
        self.assertEqual(data[0]["callback_user_id"][0], self.users["staff2"].id)

    def test_import_with_items(self):
        result = self.Consumption.with_context(import_file=True).load(
            [
                "partner_id",
                "department_id",
                "consumption_date",
                "line_ids/name",
                "line_ids/quantity",
                "line_ids/price_unit",
            ],
            [
                [self.walk_in.name, self.fnb.name, "2026-11-20 19:30:00", "Set dinner", "2", "388"],
                ["", "", "", "Fruit platter", "1", "88"],
            ],
        )
        self.assertFalse([m for m in result["messages"] if m["type"] == "error"], result)
        consumption = self.Consumption.browse(result["ids"])
        self.assertEqual(consumption.source, "import")
        self.assertEqual(consumption.amount_total, 864)
        self.assertEqual(len(consumption.line_ids), 2)
        self.assertEqual(consumption.callback_state, "pending")
        template = self.Consumption.get_import_templates()[0]["template"]
        self.assertTrue(template.endswith(".csv"))

    def test_a_file_imported_twice_is_recorded_once(self):
        """The outlet reference is the key: a retried import or request adds nothing."""
        self.fnb.points_per_amount = 1.0
        fields_ = ["external_ref", "partner_id", "department_id", "line_ids/name",
                   "line_ids/price_unit"]  # fmt: skip
        rows = [
            ["CHK-7001", self.walk_in.name, self.fnb.name, "Set dinner", "388"],
            ["CHK-7002", self.walk_in.name, self.fnb.name, "Fruit platter", "88"],
        ]
        Import = self.Consumption.with_user(self.users["liaison"]).with_context(import_file=True)
        first = Import.load(fields_, rows)
        self.assertFalse(first["messages"], first)
        points = self.walk_in.cs_loyalty_points
        self.assertEqual(points, 476)
        # The same file again, and once more with a new row at the end.
        again = Import.load(fields_, rows)
        self.assertEqual(again["ids"], first["ids"])
        more = Import.load(fields_, [*rows, ["CHK-7003", self.walk_in.name, self.fnb.name,
                                             "Tea", "30"]])  # fmt: skip
        self.assertEqual(more["ids"][:2], first["ids"])
        self.assertEqual(self.Consumption.search_count([("external_ref", "like", "CHK-700")]), 3)
        self.env.invalidate_all()
        self.assertEqual(self.walk_in.cs_loyalty_points, points + 30, "points earned once")
        # A request retried over RPC hands back the consumption it made.
        vals = {
            "partner_id": self.walk_in.id,
            "department_id": self.fnb.id,
            "external_ref": " CHK-7001 ",
            "line_ids": [Command.create({"name": "Set dinner", "price_unit": 388})],
        }
        replay = self.Consumption.with_user(self.users["liaison"]).create([vals])
        self.assertEqual(replay.ids, first["ids"][:1])
        # The same check number in another outlet is another consumption.
        other = self._report(
            self.walk_in, user="staff", department=self.front, external_ref="CHK-7001"
        )
        self.assertNotIn(other.id, first["ids"])

    def test_an_outlet_reference_of_another_guest_is_refused(self):
        recorded = self._report(self.walk_in, external_ref="CHK-8001")
        before = self.Consumption.search_count([])
        with self.assertRaisesRegex(UserError, "already reported for another guest"):
            self._report(self.owned.partner_id, external_ref="CHK-8001")
        with self.assertRaisesRegex(UserError, "is given twice"):
            self.Consumption.with_user(self.users["liaison"]).create(
                [
                    {"partner_id": self.walk_in.id, "department_id": self.fnb.id,
                     "external_ref": ref}
                    for ref in ("CHK-8002", "CHK-8002")
                ]
            )  # fmt: skip
        self.assertEqual(self.Consumption.search_count([]), before)
        # Only the reference, never the other guest, is named.
        with self.assertRaises(UserError) as caught:
            self._report(self.owned.partner_id, external_ref="CHK-8001")
        self.assertIn(recorded.name, str(caught.exception))
        self.assertNotIn(self.walk_in.name, str(caught.exception))

    def test_imports_keep_the_chatter_quiet(self):
        """An import gives each visit its activity, but no note, tracking or follower per row."""
        owner_partner = self.users["staff2"].partner_id
        # The shared test case turns the chatter off: turn it back on.
        chatty = self.env(context={})["cs.consumption"]
        imported = chatty.with_context(import_file=True).create(
            {
                "partner_id": self.owned.partner_id.id,
                "department_id": self.fnb.id,
                "line_ids": [Command.create({"name": "Tea", "price_unit": 30})],
            }
        )
        self.assertEqual(self._callback_activities(imported).user_id, self.users["staff2"])
        self.assertFalse(imported.message_ids)
        self.assertNotIn(owner_partner, imported.message_partner_ids)
        # The records handed back track later changes as usual.
        self.assertNotIn("tracking_disable", imported.env.context)
        # A quick entry keeps its note and its owner as follower.
        entered = chatty.create(
            {
                "partner_id": self.owned.partner_id.id,
                "department_id": self.fnb.id,
                "line_ids": [Command.create({"name": "Tea", "price_unit": 30})],
            }
        )
        self.assertTrue(entered.message_ids)
        self.assertEqual(entered.visit_id, imported.visit_id, "the same stay")
        # The caller follows the visit, where the callback is.
        self.assertIn(owner_partner, entered.visit_id.message_partner_ids)
        card = self.env["loyalty.card"]._cs_cards(self.owned.partner_id)[self.owned.partner_id]
        self.assertFalse(card.message_ids, "a card opened by an import logs nothing")

    def test_batch_create_costs_queries_per_batch_not_per_row(self):
        guests = self.env["res.partner"].create([{"name": f"CSTEST Batch {i}"} for i in range(40)])

        def queries_for(partners):
            self.env.flush_all()
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            self.Consumption.with_context(import_file=True).create(
                [
                    {
                        "partner_id": partner.id,
                        "department_id": self.fnb.id,
                        "line_ids": [
                            Command.create({"name": "Tea", "price_unit": 30}),
                            Command.create({"name": "Cake", "price_unit": 40}),
                        ],
                    }
                    for partner in partners
                ]
            )
            self.env.flush_all()
            return self.env.cr.sql_log_count - before

        few = queries_for(guests[:10])
        many = queries_for(guests[10:])
        self.assertLessEqual(many, few + 5, f"10 rows: {few} queries, 30 rows: {many}")

    def test_dissatisfied_callback_raises_a_complaint_in_one_click(self):
        consumption = self._report(self.owned.partner_id)
        log = (
            self.env["cs.contact.log"]
            .with_user(self.users["staff2"])
            .create(
                {
                    "partner_id": consumption.partner_id.id,
                    "consumption_id": consumption.id,
                    "contact_type": "callback",
                    "satisfaction": "dissatisfied",
                    "feedback": "The soup was cold",
                }
            )
        )
        self.assertTrue(log.is_dissatisfied)
        log.action_raise_complaint()
        complaint = log.sudo().complaint_ids
        self.assertEqual(complaint.partner_id, consumption.partner_id)
        self.assertIn("The soup was cold", str(complaint.description))
        log.action_raise_complaint()
        self.assertEqual(log.sudo().complaint_ids, complaint, "never raised twice")
        # Finance reads contact records without the complaint link.
        log.sudo().contact_type = "collection"
        self.assertTrue(log.with_user(self.users["finance"]).read(["feedback"]))
