from psycopg2 import IntegrityError

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from ..models import cs_guest_archive as archive_model
from .common import CustomerServiceCase


@tagged("post_install", "-at_install")
class TestGuestArchiveAccess(CustomerServiceCase):
    """R12: who reads which archive, through every door of the ORM and RPC."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        staff, staff2 = cls.users["staff"], cls.users["staff2"]
        cls.secret = cls._create_archive("CSTEST Secret", "secret", staff)
        cls.confidential = cls._create_archive("CSTEST Confidential", "confidential", staff)
        cls.confidential_other = cls._create_archive(
            "CSTEST Confidential Other", "confidential", staff2
        )
        cls.top_secret = cls._create_archive("CSTEST Top Secret", "top_secret", staff)
        cls.fixtures = cls.secret | cls.confidential | cls.confidential_other | cls.top_secret
        # What each role reads among the fixtures.
        cls.expected = {
            "staff": cls.secret | cls.confidential,
            "staff2": cls.secret | cls.confidential_other,
            "supervisor": cls.secret | cls.confidential | cls.confidential_other,
            "manager": cls.secret | cls.confidential | cls.confidential_other,
            "admin": cls.secret | cls.confidential | cls.confidential_other,
            "leader": cls.fixtures,
        }

    def _archives_as(self, role):
        return self.Archive.with_user(self.users[role])

    def _domain(self):
        return [("id", "in", self.fixtures.ids)]

    def test_search_and_search_read(self):
        for role, expected in self.expected.items():
            with self.subTest(role=role):
                Archive = self._archives_as(role)
                self.assertEqual(Archive.search(self._domain()), expected)
                self.assertEqual(Archive.search_count(self._domain()), len(expected))
                rows = Archive.search_read(self._domain(), ["code", "confidentiality_level"])
                self.assertEqual({r["id"] for r in rows}, set(expected.ids))

    def test_list_and_kanban_reads(self):
        spec = {"code": {}, "partner_id": {"fields": {"display_name": {}}}}
        for role, expected in self.expected.items():
            with self.subTest(role=role):
                result = self._archives_as(role).web_search_read(self._domain(), spec)
                self.assertEqual({r["id"] for r in result["records"]}, set(expected.ids))
                self.assertEqual(result["length"], len(expected))

    def test_listing_skips_the_recheck_only_for_its_own_rows(self):
        """The list trusts the rows its own search returned, and nothing else."""
        staff = self.users["staff"]
        Archive = self.Archive.with_user(staff)
        token = archive_model._LISTING.set(archive_model._Listing(Archive.env))
        try:
            listed = Archive.search_fetch(self._domain(), ["code"])
            self.assertEqual(listed, self.expected["staff"])
            self.assertTrue(listed.has_access("read"))
            for hidden in (self.confidential_other, self.top_secret):
                self.assertFalse(hidden.with_user(staff).has_access("read"))
                # read() checks in Python when the fields are already cached.
                hidden.sudo().fetch(["code"])
                with self.assertRaises(AccessError):
                    hidden.with_user(staff).read(["code"])
            # Another user in the same request gets no benefit of the doubt.
            self.assertFalse(self.confidential.with_user(self.users["staff2"]).has_access("read"))
        finally:
            archive_model._LISTING.reset(token)
        # Outside a listing, the Python re-check runs as usual.
        self.assertTrue(self.confidential.with_user(staff).has_access("read"))
        self.assertFalse(self.top_secret.with_user(staff).has_access("read"))

    def test_read_group_counts(self):
        for role, expected in self.expected.items():
            with self.subTest(role=role):
                groups = self._archives_as(role).formatted_read_group(
                    self._domain(), ["confidentiality_level"], ["__count"]
                )
                counts = {g["confidentiality_level"]: g["__count"] for g in groups}
                want = {}
                for archive in expected:
                    level = archive.confidentiality_level
                    want[level] = want.get(level, 0) + 1
                self.assertEqual(counts, want)

    def test_name_search_and_export(self):
        for role, expected in self.expected.items():
            with self.subTest(role=role):
                Archive = self._archives_as(role)
                found = {rid for rid, _name in Archive.name_search("CSTEST", limit=100)}
                self.assertEqual(found, set(expected.ids))
                exported = Archive.search(self._domain()).export_data(["code"])["datas"]
                self.assertEqual(sorted(r[0] for r in exported), sorted(expected.mapped("code")))

    def test_reading_a_hidden_archive_raises(self):
        for role, expected in self.expected.items():
            for archive in self.fixtures - expected:
                with self.subTest(role=role, archive=archive.name):
                    with self.assertRaises(AccessError):
                        archive.with_user(self.users[role]).read(["confidentiality_level"])

    def test_liaison_finance_and_plain_users_read_no_archive(self):
        for role in ("liaison", "finance", "internal"):
            with self.subTest(role=role), self.assertRaises(AccessError):
                self._archives_as(role).search_read(self._domain(), ["code"])
            with self.subTest(role=role), self.assertRaises(AccessError):
                self.secret.with_user(self.users[role]).read(["code"])

    def test_staff_write_only_their_own(self):
        self.secret.with_user(self.users["staff"]).write({"credit_class": "a"})
        with self.assertRaises(AccessError):
            self.secret.with_user(self.users["staff2"]).write({"credit_class": "c"})
        # Staff cannot raise an archive above what they may read.
        with self.assertRaises(AccessError):
            self.secret.with_user(self.users["staff"]).write(
                {"confidentiality_level": "top_secret"}
            )
        self.confidential_other.with_user(self.users["manager"]).write({"credit_class": "d"})

    def test_level_changes_need_a_manager_and_top_secret_a_leader(self):
        staff_secret = self.secret.with_user(self.users["staff"])
        with self.assertRaises(AccessError):
            staff_secret.write({"confidentiality_level": "confidential"})
        with self.assertRaises(AccessError):
            self.secret.with_user(self.users["manager"]).write(
                {"confidentiality_level": "top_secret"}
            )
        self.secret.with_user(self.users["manager"]).write(
            {"confidentiality_level": "confidential"}
        )
        self.secret.with_user(self.users["leader"]).write({"confidentiality_level": "top_secret"})
        self.assertEqual(self.secret.confidentiality_level, "top_secret")
        # Staff may not create above what they may read either.
        partner = self.env["res.partner"].create({"name": "CSTEST new"})
        with self.assertRaises(AccessError):
            self.Archive.with_user(self.users["staff"]).create(
                {"partner_id": partner.id, "confidentiality_level": "top_secret"}
            )

    def test_unlink_refused_for_everyone(self):
        for role in ("staff", "manager", "leader", "admin"):
            with self.subTest(role=role), self.assertRaises(UserError):
                self.secret.with_user(self.users[role]).unlink()
        with self.assertRaises(UserError):
            self.secret.sudo().unlink()
        self.assertTrue(self.secret.exists())

    def test_one_archive_per_partner_and_company(self):
        count = self.Archive.search_count([])
        with self.assertRaises(ValidationError), self.cr.savepoint():
            self.Archive.create({"partner_id": self.secret.partner_id.id})
        partner = self.env["res.partner"].create({"name": "CSTEST twice in one call"})
        with self.assertRaises(ValidationError), self.cr.savepoint():
            self.Archive.create([{"partner_id": partner.id}, {"partner_id": partner.id}])
        self.assertEqual(self.Archive.search_count([]), count, "nothing half-written")
        # The index stays as the last guard, for code that skips create().
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError), self.cr.savepoint():
            self.env.cr.execute(
                "INSERT INTO cs_guest_archive (code, partner_id, company_id, guest_type, "
                "confidentiality_level, customer_class, vip_level) "
                "SELECT 'X', partner_id, company_id, 'individual', 'secret', 'normal', 'none' "
                "FROM cs_guest_archive WHERE id = %s",
                [self.secret.id],
            )

    def test_code_from_sequence(self):
        self.assertTrue(self.secret.code.startswith("GA"))
        self.assertNotEqual(self.secret.code, self.confidential.code)


@tagged("post_install", "-at_install")
class TestArchiveContentAccess(CustomerServiceCase):
    """Content that hangs off an archive is exactly as readable as the archive."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.fnb = cls.env.ref("customer_service.cs_service_department_fnb")
        cls.front = cls.env.ref("customer_service.cs_service_department_front_office")
        cls.fnb.member_ids = [(4, cls.users["liaison"].id)]
        cls.secret = cls._create_archive("CSTEST Content Secret", "secret")
        cls.top = cls._create_archive("CSTEST Content Top", "top_secret", guest_type="corporate")
        for archive in cls.secret | cls.top:
            cls.env["cs.archive.special.date"].create(
                {"archive_id": archive.id, "name": f"Day {archive.name}", "date": "2020-01-01"}
            )
            cls.env["cs.archive.key.person"].create(
                {"archive_id": archive.id, "name": f"Boss {archive.name}"}
            )
            for department in cls.fnb | cls.front:
                cls.env["cs.guest.preference"].create(
                    {
                        "partner_id": archive.partner_id.id,
                        "department_id": department.id,
                        "name": f"Likes {department.code} {archive.name}",
                    }
                )

    def _names(self, model, role, field="name"):
        rows = self.env[model].with_user(self.users[role]).search_read([], [field])
        return {r[field] for r in rows if "CSTEST Content" in (r[field] or "")}

    def test_child_records_follow_the_archive(self):
        for model in ("cs.archive.special.date", "cs.archive.key.person"):
            with self.subTest(model=model):
                self.assertEqual(
                    self._names(model, "staff"),
                    {n for n in self._names(model, "leader") if "Secret" in n},
                )
                self.assertEqual(len(self._names(model, "leader")), 2)
                groups = (
                    self.env[model]
                    .with_user(self.users["staff"])
                    .formatted_read_group([("archive_id", "=", self.top.id)], [], ["__count"])
                )
                self.assertEqual(groups[0]["__count"], 0)

    def test_preferences_follow_the_archive_for_staff(self):
        staff = self._names("cs.guest.preference", "staff")
        self.assertEqual(len(staff), 2)
        self.assertTrue(all("Secret" in n for n in staff))
        self.assertEqual(len(self._names("cs.guest.preference", "leader")), 4)

    def test_liaison_sees_and_adds_only_their_department(self):
        seen = self._names("cs.guest.preference", "liaison")
        self.assertEqual(len(seen), 2, "F&B lines of both archives, even top secret")
        self.assertTrue(all("fnb" in n for n in seen))
        Pref = self.env["cs.guest.preference"].with_user(self.users["liaison"])
        line = Pref.create({"partner_id": self.top.partner_id.id, "name": "No ice in drinks"})
        self.assertEqual(line.department_id, self.fnb, "defaults to the liaison's department")
        self.assertEqual(line.sudo().archive_id, self.top, "joins the archive it cannot read")
        with self.assertRaises(AccessError):
            Pref.create(
                {
                    "partner_id": self.top.partner_id.id,
                    "department_id": self.front.id,
                    "name": "Not my department",
                }
            )
        # Reaching the archive through the line is refused.
        with self.assertRaises(AccessError):
            line.archive_id.read(["note"])

    def test_web_read_refuses_hidden_archives(self):
        with self.assertRaises(AccessError):
            self.top.with_user(self.users["manager"]).web_read({"note": {}})
        data = self.secret.with_user(self.users["staff"]).web_read(
            {"special_date_ids": {"fields": {"name": {}}}}
        )
        self.assertEqual(len(data[0]["special_date_ids"]), 1)

    def test_partner_count_reveals_no_content(self):
        partner = self.top.partner_id
        self.assertEqual(partner.with_user(self.users["leader"]).cs_archive_count, 1)
        self.assertEqual(partner.with_user(self.users["staff"]).cs_archive_count, 0)
        self.assertEqual(partner.with_user(self.users["liaison"]).cs_archive_count, 0)
        self.assertEqual(partner.with_user(self.users["finance"]).cs_archive_count, 0)

    def test_archive_created_later_collects_reported_preferences(self):
        partner = self.env["res.partner"].create({"name": "CSTEST Walk-in"})
        line = (
            self.env["cs.guest.preference"]
            .with_user(self.users["liaison"])
            .create({"partner_id": partner.id, "name": "Quiet room"})
        )
        self.assertFalse(line.sudo().archive_id)
        archive = self.Archive.with_user(self.users["staff"]).create({"partner_id": partner.id})
        self.assertEqual(line.sudo().archive_id, archive)
        self.assertEqual(archive.preference_fnb_ids.name, "Quiet room")


@tagged("post_install", "-at_install")
class TestArchiveMailAccess(CustomerServiceCase):
    """The archive's chatter, followers and attachments are as secret as the archive."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.top = cls._create_archive("CSTEST Mail Top", "top_secret")
        cls.message = cls.top.message_post(
            body="Guest prefers the north villa", message_type="comment"
        )
        cls.attachment = cls.env["ir.attachment"].create(
            {
                "name": "contract.pdf",
                "raw": b"%PDF-1.4 secret",
                "res_model": "cs.guest.archive",
                "res_id": cls.top.id,
            }
        )

    def _assert_finds_nothing(self, model, domain):
        """Hidden either way: an empty result, or no access to the model at all."""
        try:
            found = model.search(domain)
        except AccessError:
            found = model.browse()
        self.assertFalse(found)

    def test_messages_attachments_and_followers_are_hidden(self):
        for role in ("staff", "manager", "liaison", "finance"):
            user = self.users[role]
            with self.subTest(role=role):
                with self.assertRaises(AccessError):
                    self.message.with_user(user).read(["body"])
                found = (
                    self.env["mail.message"]
                    .with_user(user)
                    .search([("model", "=", "cs.guest.archive"), ("res_id", "=", self.top.id)])
                )
                self.assertFalse(found)
                with self.assertRaises(AccessError):
                    self.attachment.with_user(user).read(["raw"])
                self._assert_finds_nothing(
                    self.env["ir.attachment"].with_user(user),
                    [("res_model", "=", "cs.guest.archive"), ("res_id", "=", self.top.id)],
                )
                # Following it yourself is declined; adding others needs write.
                self.assertFalse(
                    self.top.with_user(user).message_subscribe(partner_ids=user.partner_id.ids)
                )
                self.assertNotIn(user.partner_id, self.top.message_partner_ids)
                with self.assertRaises(AccessError):
                    self.top.with_user(user).message_subscribe(
                        partner_ids=self.users["leader"].partner_id.ids
                    )
        leader = self.users["leader"]
        self.assertTrue(self.message.with_user(leader).read(["body"]))
        self.assertTrue(self.attachment.with_user(leader).read(["name"]))


@tagged("post_install", "-at_install")
class TestServiceCard(CustomerServiceCase):
    """Liaisons serve guests from a card: name, VIP level, their own preferences."""

    def test_card_shows_only_what_a_department_needs(self):
        fnb = self.env.ref("customer_service.cs_service_department_fnb")
        front = self.env.ref("customer_service.cs_service_department_front_office")
        fnb.member_ids = [(4, self.users["liaison"].id)]
        archive = self._create_archive("CSTEST Card", "top_secret", vip_level="gold")
        for department in fnb | front:
            self.env["cs.guest.preference"].create(
                {"partner_id": archive.partner_id.id, "department_id": department.id, "name": "x"}
            )
        Card = self.env["cs.service.card"].with_user(self.users["liaison"])
        card = Card.search([("name", "=", "CSTEST Card")])
        self.assertEqual(card.vip_level, "gold")
        self.assertEqual(card.preference_ids.department_id, fnb)
        self.assertNotIn("confidentiality_level", Card._fields)
        self.assertNotIn("note", Card._fields)
        for role in ("finance", "internal"):
            with self.assertRaises(AccessError):
                self.env["cs.service.card"].with_user(self.users[role]).search([])
