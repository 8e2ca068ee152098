from datetime import date, datetime, timedelta

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import CustomerServiceCase, create_compensation

MERGERS = ("staff", "manager", "leader", "admin", "internal")


@tagged("post_install", "-at_install")
class TestPartnerMerge(CustomerServiceCase):
    """Odoo's "Merge contacts" merges the guests' archives, visits and points."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Contacts / Creation opens the wizard: the hotel gives it to whoever
        # cleans up duplicate profiles (no CS group implies it).
        partner_manager = cls.env.ref("base.group_partner_manager")
        for role in MERGERS:
            cls.users[role].group_ids = [Command.link(partner_manager.id)]
        cls.fnb = cls.env.ref("customer_service.cs_service_department_fnb")
        cls.fnb.member_ids = [Command.link(cls.users["liaison"].id)]
        cls.program = cls.env.ref("customer_service.loyalty_program_returning_guest")
        cls.callback_type = cls.env.ref("customer_service.mail_activity_type_callback")
        cls.Log = cls.env["cs.archive.access.log"]
        cls.Visit = cls.env["cs.visit"]

    # ------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------

    def _merge(self, role, src, dst):
        """Merge the guest ``src`` into ``dst`` through the wizard, as ``role``."""
        wizard = (
            self.env["base.partner.merge.automatic.wizard"]
            .with_user(self.users[role])
            .create({"partner_ids": [Command.set((src | dst).ids)], "dst_partner_id": dst.id})
        )
        return wizard.action_merge()

    def _consume(self, partner, when, amount):
        return (
            self.env["cs.consumption"]
            .with_user(self.users["liaison"])
            .create(
                {
                    "partner_id": partner.id,
                    "department_id": self.fnb.id,
                    "consumption_date": when,
                    "line_ids": [Command.create({"name": "Dinner", "price_unit": amount})],
                }
            )
            .sudo()
        )

    def _cards(self, partners, active_test=True):
        return (
            self.env["loyalty.card"]
            .with_context(active_test=active_test)
            .search([("program_id", "=", self.program.id), ("partner_id", "in", partners.ids)])
        )

    def _callback_activities(self, visits):
        return self.env["mail.activity"].search(
            [
                ("res_model", "=", "cs.visit"),
                ("res_id", "in", visits.ids),
                ("activity_type_id", "=", self.callback_type.id),
            ]
        )

    def _snapshot(self, *archives):
        """What a refused merge must leave exactly as it was."""
        partners = self.env["res.partner"].union(*(a.partner_id for a in archives))
        return {
            "archives": [(a.id, a.partner_id.id, a.confidentiality_level) for a in archives],
            "partners": partners.exists().ids,
            "preferences": self.env["cs.guest.preference"].search_count(
                [("archive_id", "in", [a.id for a in archives])]
            ),
            "logs": [self.Log.search_count([("archive_id", "=", a.id)]) for a in archives],
            "messages": [len(a.message_ids) for a in archives],
            "visits": self.Visit.search_count([("partner_id", "in", partners.ids)]),
            "cards": self._cards(partners).mapped(lambda c: (c.partner_id.id, c.points)),
        }

    def _assert_readable_over_rpc(self, role, archive):
        """The web client's and an RPC client's read of the kept archive."""
        rows = self.Archive.with_user(self.users[role]).search_read(
            [("id", "=", archive.id)], ["code", "partner_id", "confidentiality_level"]
        )
        self.assertEqual(len(rows), 1)
        self.assertEqual(rows[0]["partner_id"][0], archive.partner_id.id)
        return rows[0]

    # ------------------------------------------------------------
    # Folding two archives
    # ------------------------------------------------------------

    def test_manager_merge_moves_everything_to_the_kept_archive(self):
        src = self._create_archive(
            "CSTEST Merge Wang (dup)",
            "confidential",
            owner=self.users["staff"],
            is_permanent=True,
            birthday=date(1980, 5, 1),
            customer_class="strategic",
            note="<p>Allergic to peanuts</p>",
        )
        dst = self._create_archive(
            "CSTEST Merge Wang",
            "secret",
            owner=self.users["staff2"],
            note="<p>Likes a high floor</p>",
        )
        src_partner, dst_partner = src.partner_id, dst.partner_id
        src_code, src_until = src.code, src.classified_until
        tag = self.env["cs.archive.tag"].create({"name": "CSTEST Merge Tag"})
        src.tag_ids = [Command.link(tag.id)]
        # Content of the source archive.
        preference = self.env["cs.guest.preference"].create(
            {"partner_id": src_partner.id, "department_id": self.fnb.id, "name": "Green tea"}
        )
        special_date = self.env["cs.archive.special.date"].create(
            {"archive_id": src.id, "name": "Wedding", "date": date(2005, 10, 1)}
        )
        key_person = self.env["cs.archive.key.person"].create(
            {"archive_id": src.id, "name": "Ms Li"}
        )
        greetings = self.env["cs.greeting"].create(
            [
                {
                    "archive_id": archive.id,
                    "partner_id": archive.partner_id.id,
                    "occasion": "spring_festival",
                    "occasion_date": date(2026, 2, 17),
                }
                for archive in (src, dst)
            ]
            + [
                {
                    "archive_id": src.id,
                    "partner_id": src_partner.id,
                    "occasion": "birthday",
                    "occasion_date": date(2026, 5, 1),
                }
            ]
        )
        change = self.env["cs.customer.change"].create(
            {
                "partner_id": src_partner.id,
                "archive_id": src.id,
                "change_type": "other",
                "new_value": "Moved to Shanghai",
            }
        )
        request = (
            self.env["cs.archive.access.request"]
            .with_user(self.users["staff2"])
            .create(
                {
                    "archive_id": src.id,
                    "date_to": date.today() + timedelta(days=3),
                    "reason": "Callback",
                }
            )
        )
        plan = self._create_plan(src)
        # The access log of both archives, written by different users.
        self.Log.with_user(self.users["manager"])._log_rows(src, "open")
        self.Log.with_user(self.users["staff"])._log_rows(src, "export")
        self.Log.with_user(self.users["leader"])._log_rows(dst, "open")
        logs = self.Log.search([("archive_id", "in", (src | dst).ids)])
        log_trail = {(log.user_id, log.access_type, log.create_date) for log in logs}
        # The source archive's chatter, activity and followers.
        src.message_post(body="CSTEST note on the duplicate")
        activity = src.activity_schedule(
            "mail.mail_activity_data_todo", user_id=self.users["staff"].id
        )
        follower_both = self.env["res.partner"].create({"name": "CSTEST Follower Both"})
        follower_src = self.env["res.partner"].create({"name": "CSTEST Follower Src"})
        src.message_subscribe(partner_ids=(follower_both | follower_src).ids)
        dst.message_subscribe(partner_ids=follower_both.ids)
        # Records kept by guest, which the wizard moves itself.
        complaint = self.env["cs.complaint"].create(
            {
                "partner_id": src_partner.id,
                "description": "<p>Cold soup</p>",
                "channel": "phone",
                "category_id": self.env.ref("customer_service.cs_complaint_category_food").id,
            }
        )
        contact = (
            self.env["cs.contact.log"]
            .with_user(self.users["staff"])
            .create({"partner_id": src_partner.id, "contact_type": "regular"})
        )
        compensation = create_compensation(self.env, self.users["staff"], src_partner, 20)

        self._merge("manager", src_partner, dst_partner)

        self.assertFalse(src.exists(), "the source archive is removed")
        self.assertFalse(src_partner.exists())
        self.assertEqual(self.Archive.search([("partner_id", "=", dst_partner.id)]), dst)
        # The stricter classification wins, with its period and its owner.
        self.assertEqual(dst.confidentiality_level, "confidential")
        self.assertEqual(dst.classified_until, src_until)
        self.assertEqual(dst.owner_id, self.users["staff"])
        self.assertTrue(dst.is_permanent)
        self.assertEqual(dst.customer_class, "strategic")
        self.assertEqual(dst.birthday, date(1980, 5, 1))
        self.assertIn("high floor", dst.note)
        self.assertIn("peanuts", dst.note)
        self.assertIn(tag, dst.tag_ids)
        # Everything that pointed at the source archive points at the kept one.
        self.assertEqual(preference.archive_id, dst)
        self.assertEqual(preference.partner_id, dst_partner)
        self.assertEqual(special_date.archive_id, dst)
        self.assertEqual(key_person.archive_id, dst)
        self.assertEqual(change.archive_id, dst)
        self.assertEqual(request.archive_id, dst)
        self.assertEqual(request.archive_code, src_code, "what was asked for stays")
        self.assertIn(dst, plan.archive_ids)
        kept_greetings = greetings.exists()
        self.assertEqual(len(kept_greetings), 2, "one greeting per occasion")
        self.assertEqual(set(kept_greetings.mapped("archive_id")), {dst})
        self.assertEqual(set(kept_greetings.mapped("partner_id")), {dst_partner})
        for record in (complaint, contact, compensation):
            self.assertEqual(record.partner_id, dst_partner, record._name)
        # Both access logs, with their original users and dates.
        logs = self.Log.search([("archive_id", "=", dst.id)])
        self.assertEqual(len(logs), 3)
        self.assertEqual(
            {(log.user_id, log.access_type, log.create_date) for log in logs}, log_trail
        )
        # The chatter: the duplicate's history, and who merged what.
        bodies = dst.message_ids.mapped("body")
        self.assertTrue(any("CSTEST note on the duplicate" in body for body in bodies))
        merge_note = dst.message_ids.filtered(lambda m: src_code in m.body)
        self.assertEqual(len(merge_note), 1)
        self.assertIn("CSTEST Merge Wang (dup)", merge_note.body)
        self.assertIn(self.users["manager"].name, merge_note.body)
        self.assertEqual(merge_note.author_id, self.users["manager"].partner_id)
        self.assertEqual((activity.res_model, activity.res_id), ("cs.guest.archive", dst.id))
        self.assertEqual(
            dst.message_partner_ids & (follower_both | follower_src), follower_both | follower_src
        )
        self.assertFalse(
            self.env["mail.message"].search_count(
                [("model", "=", "cs.guest.archive"), ("res_id", "=", src.id)]
            )
        )
        row = self._assert_readable_over_rpc("manager", dst)
        self.assertEqual(row["confidentiality_level"], "confidential")

    def test_staff_merge_keeps_points_on_one_card_with_its_history(self):
        src = self._create_archive("CSTEST Points Dup", owner=self.users["staff"])
        dst = self._create_archive("CSTEST Points", owner=self.users["staff"])
        self._consume(src.partner_id, datetime(2026, 3, 1, 19), 120)
        self._consume(src.partner_id, datetime(2026, 3, 2, 19), 30)
        self._consume(dst.partner_id, datetime(2026, 3, 3, 19), 200)
        src_card, dst_card = self._cards(src.partner_id), self._cards(dst.partner_id)
        self.assertEqual((src_card.points, dst_card.points), (150, 200))
        history = src_card.history_ids | dst_card.history_ids

        self._merge("staff", src.partner_id, dst.partner_id)

        cards = self._cards(dst.partner_id)
        self.assertEqual(cards, dst_card, "one active card")
        self.assertEqual(dst_card.points, 350)
        self.assertEqual(dst_card.history_ids, history)
        self.assertEqual(
            sum(dst_card.history_ids.mapped("issued")) - sum(dst_card.history_ids.mapped("used")),
            dst_card.points,
        )
        self.assertFalse(src_card.active)
        self.assertEqual(src_card.points, 0)
        self.assertFalse(src_card.history_ids)
        self.assertEqual(dst.loyalty_points, 350)
        self._assert_readable_over_rpc("staff", dst)

    def test_two_pending_visits_become_one(self):
        # Staff merge their own confidential archive into a colleague's
        # secret one: the stricter level and its owner win.
        src = self._create_archive("CSTEST Visit Dup", "confidential", owner=self.users["staff"])
        dst = self._create_archive("CSTEST Visit", owner=self.users["staff2"])
        late = self._consume(dst.partner_id, datetime(2026, 6, 2, 12), 300)
        early = self._consume(src.partner_id, datetime(2026, 6, 1, 20), 100)
        kept_visit, other_visit = early.visit_id, late.visit_id
        self.assertNotEqual(kept_visit, other_visit)
        deadline = kept_visit.callback_deadline
        attempt = (
            self.env["cs.contact.log"]
            .with_user(self.users["staff2"])
            .create(
                {
                    "partner_id": dst.partner_id.id,
                    "visit_id": other_visit.id,
                    "contact_type": "callback",
                    "outcome": "no_answer",
                }
            )
        )
        self.assertEqual(len(self._callback_activities(kept_visit | other_visit)), 2)

        self._merge("staff", src.partner_id, dst.partner_id)

        pending = self.Visit.search(
            [("partner_id", "=", dst.partner_id.id), ("callback_state", "=", "pending")]
        )
        self.assertEqual(pending, kept_visit)
        self.assertEqual(pending.consumption_ids, early | late)
        self.assertEqual(pending.amount_total, 400)
        self.assertEqual(pending.callback_deadline, deadline, "the earliest deadline")
        self.assertEqual(attempt.visit_id, pending)
        activities = self._callback_activities(kept_visit | other_visit)
        self.assertEqual(len(activities), 1)
        self.assertEqual(activities.res_id, pending.id)
        self.assertEqual(other_visit.callback_state, "not_needed")
        self.assertEqual(other_visit.partner_id, dst.partner_id)
        self.assertEqual(dst.confidentiality_level, "confidential")
        self.assertEqual(dst.owner_id, self.users["staff"])
        self._assert_readable_over_rpc("staff", dst)

    def test_leader_merges_a_top_secret_archive(self):
        src = self._create_archive("CSTEST Top Dup", "top_secret", owner=self.users["leader"])
        dst = self._create_archive("CSTEST Top", "confidential", owner=self.users["staff"])
        src_until = src.classified_until
        self.Log.with_user(self.users["leader"])._log_rows(src | dst, "open")

        self._merge("leader", src.partner_id, dst.partner_id)

        self.assertEqual(dst.confidentiality_level, "top_secret")
        self.assertEqual(dst.classified_until, src_until)
        self.assertEqual(self.Log.search_count([("archive_id", "=", dst.id)]), 2)
        row = self._assert_readable_over_rpc("leader", dst)
        self.assertEqual(row["confidentiality_level"], "top_secret")
        self.assertFalse(
            self.Archive.with_user(self.users["manager"]).search([("id", "=", dst.id)]),
            "top secret again: out of the manager's reach",
        )

    def test_admin_moves_an_archive_to_a_guest_without_one(self):
        archive = self._create_archive("CSTEST Lone Dup", "confidential")
        code = archive.code
        dst_partner = self.env["res.partner"].create({"name": "CSTEST Lone"})
        self.Log.with_user(self.users["admin"])._log_rows(archive, "open")

        self._merge("admin", archive.partner_id, dst_partner)

        self.assertTrue(archive.exists())
        self.assertEqual(archive.partner_id, dst_partner)
        self.assertEqual(archive.code, code)
        self.assertEqual(archive.name, "CSTEST Lone")
        self.assertEqual(archive.confidentiality_level, "confidential")
        self.assertEqual(self.Log.search_count([("archive_id", "=", archive.id)]), 1)
        row = self._assert_readable_over_rpc("admin", archive)
        self.assertEqual(row["code"], code)

    def test_three_duplicates_into_a_guest_without_archive(self):
        first = self._create_archive("CSTEST Triple A", owner=self.users["staff"])
        second = self._create_archive("CSTEST Triple B", "confidential", owner=self.users["staff"])
        dst_partner = self.env["res.partner"].create({"name": "CSTEST Triple"})
        wizard = (
            self.env["base.partner.merge.automatic.wizard"]
            .with_user(self.users["manager"])
            .create(
                {
                    "partner_ids": [
                        Command.set((first.partner_id | second.partner_id | dst_partner).ids)
                    ],
                    "dst_partner_id": dst_partner.id,
                }
            )
        )
        wizard.action_merge()
        archive = self.Archive.search([("partner_id", "=", dst_partner.id)])
        self.assertEqual(archive, first, "the oldest archive is kept")
        self.assertFalse(second.exists())
        self.assertEqual(archive.confidentiality_level, "confidential")
        self.assertEqual(archive.name, "CSTEST Triple")
        self._assert_readable_over_rpc("manager", archive)

    # ------------------------------------------------------------
    # Refusals: nothing moves
    # ------------------------------------------------------------

    def test_archive_of_another_hotel_needs_rights_there(self):
        """A guest of the hotel group may have an archive in a sister hotel:
        its CS decides about that one."""
        sister = self.env["res.company"].create({"name": "CSTEST Merge Sister"})
        src = self._create_archive("CSTEST Group Dup")
        dst = self._create_archive("CSTEST Group")
        elsewhere = self.Archive.create({"partner_id": src.partner_id.id, "company_id": sister.id})
        before = self._snapshot(src, dst, elsewhere)
        for role in ("manager", "leader"):
            with self.assertRaisesRegex(AccessError, "CSTEST Group Dup"):
                self._merge(role, src.partner_id, dst.partner_id)
        self.assertEqual(self._snapshot(src, dst, elsewhere), before)
        # A leader of both hotels merges: the sister's archive follows the guest.
        self.users["leader"].company_ids = [Command.link(sister.id)]
        self._merge("leader", src.partner_id, dst.partner_id)
        self.assertEqual(elsewhere.partner_id, dst.partner_id)
        self.assertFalse(src.exists())

    def test_manager_may_not_merge_top_secret(self):
        src = self._create_archive("CSTEST Secret Dup", "top_secret", owner=self.users["leader"])
        dst = self._create_archive("CSTEST Secret", "confidential")
        self.Log.with_user(self.users["leader"])._log_rows(src, "open")
        self._consume(src.partner_id, datetime(2026, 7, 1, 19), 80)
        before = self._snapshot(src, dst)
        for source, target in ((src, dst), (dst, src)):
            with self.assertRaisesRegex(AccessError, "Only company leaders may merge"):
                self._merge("manager", source.partner_id, target.partner_id)
        self.assertEqual(self._snapshot(src, dst), before)

    def test_staff_may_not_merge_an_archive_they_cannot_read(self):
        # Confidential and owned by a colleague: staff cannot read it.
        src = self._create_archive("CSTEST Hidden Dup", "confidential", owner=self.users["staff2"])
        dst = self._create_archive("CSTEST Hidden", owner=self.users["staff"])
        self.env["cs.guest.preference"].create(
            {"partner_id": src.partner_id.id, "department_id": self.fnb.id, "name": "Decaf"}
        )
        self.Log.with_user(self.users["manager"])._log_rows(src, "open")
        before = self._snapshot(src, dst)
        with self.assertRaisesRegex(AccessError, "You may not read the guest archive of") as cm:
            self._merge("staff", src.partner_id, dst.partner_id)
        self.assertIn("CSTEST Hidden Dup", str(cm.exception))
        self.assertNotIn("CSTEST Hidden,", str(cm.exception), "names only the unreadable one")
        self.assertEqual(self._snapshot(src, dst), before)

    def test_contact_manager_outside_cs_may_not_merge_guests_with_archives(self):
        src = self._create_archive("CSTEST Sales Dup")
        dst = self._create_archive("CSTEST Sales")
        before = self._snapshot(src, dst)
        with self.assertRaisesRegex(AccessError, "You may not read the guest archive of"):
            self._merge("internal", src.partner_id, dst.partner_id)
        self.assertEqual(self._snapshot(src, dst), before)
        # Contacts that are not guests merge as before.
        plain = self.env["res.partner"].create([{"name": "CSTEST Plain"} for __ in range(2)])
        self._merge("internal", plain[0], plain[1])
        self.assertFalse(plain[0].exists())

    def test_without_contact_creation_the_wizard_stays_closed(self):
        manager = self.users["manager"]
        manager.group_ids = [Command.unlink(self.env.ref("base.group_partner_manager").id)]
        src = self._create_archive("CSTEST Closed Dup")
        dst = self._create_archive("CSTEST Closed")
        with self.assertRaises(AccessError):
            self._merge("manager", src.partner_id, dst.partner_id)
        self.assertTrue(src.exists())

    def test_different_emails_still_need_an_administrator(self):
        """Odoo's own safety check stays: CS roles are not administrators."""
        src = self._create_archive("CSTEST Mail Dup")
        dst = self._create_archive("CSTEST Mail")
        src.partner_id.email = "wang@example.com"
        dst.partner_id.email = "wang.li@example.com"
        before = self._snapshot(src, dst)
        with self.assertRaisesRegex(UserError, "same email"):
            self._merge("manager", src.partner_id, dst.partner_id)
        self.assertEqual(self._snapshot(src, dst), before)

    def test_journal_items_follow_the_kept_guest(self):
        """Odoo 19 checks no journal items on a manual merge: invoices move."""
        src = self._create_archive("CSTEST Invoice Dup")
        dst = self._create_archive("CSTEST Invoice")
        invoice = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": src.partner_id.id,
                "invoice_date": "2026-08-01",
                "invoice_line_ids": [
                    Command.create({"name": "Room", "price_unit": 500, "tax_ids": []})
                ],
            }
        )
        invoice.action_post()
        self._merge("manager", src.partner_id, dst.partner_id)
        self.assertEqual(invoice.partner_id, dst.partner_id)
        self.assertEqual(set(invoice.line_ids.partner_id), {dst.partner_id})
        self.assertFalse(src.exists())
