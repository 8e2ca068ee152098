from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged
from odoo.tools import mute_logger

from .common import CustomerServiceCase, create_compensation, set_authority_limit


@tagged("post_install", "-at_install")
class TestAuthorityLimit(CustomerServiceCase):
    """R11: per transaction, per day, per month; user over group; highest group."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.guest = cls.env["res.partner"].create({"name": "Limit Guest"})
        cls.staff = cls.users["staff"]
        cls.group_user = cls.env.ref("customer_service.group_cs_user")
        cls.group_manager = cls.env.ref("customer_service.group_cs_manager")

    def _sign(self, amount, user=None, ctype="waive_deductible"):
        user = user or self.staff
        compensation = create_compensation(self.env, user, self.guest, amount, ctype)
        compensation.with_user(user).action_sign()
        return compensation

    def test_per_transaction(self):
        set_authority_limit(self.env, self.group_user, "waive_deductible", 100)
        compensation = self._sign(100)
        self.assertEqual(compensation.state, "done")
        self.assertEqual(compensation.signer_id, self.staff)
        self.assertEqual(compensation.authority_user_id, self.staff)
        self.assertEqual(compensation.countersign_state, "none")
        over = create_compensation(self.env, self.staff, self.guest, 100.01)
        with self.assertRaisesRegex(UserError, "over .* limit of .*100.00"):
            over.with_user(self.staff).action_sign()
        self.assertEqual(over.state, "draft")

    def test_limit_is_per_type(self):
        set_authority_limit(self.env, self.group_user, "waive_deductible", 100)
        compensation = create_compensation(self.env, self.staff, self.guest, 10, "waive_penalty")
        with self.assertRaisesRegex(UserError, "no authority"):
            compensation.with_user(self.staff).action_sign()

    def test_per_day_and_next_day(self):
        set_authority_limit(self.env, self.group_user, "waive_deductible", 100, per_day=150)
        with freeze_time("2026-03-10 10:00"):
            self._sign(100)
            with self.assertRaisesRegex(UserError, "daily limit"):
                self._sign(60)
            self._sign(50)  # exactly the daily limit
        with freeze_time("2026-03-11 10:00"):
            self.assertEqual(self._sign(100).state, "done")

    def test_per_month(self):
        set_authority_limit(self.env, self.group_user, "waive_deductible", 100, per_month=250)
        with freeze_time("2026-03-01 10:00"):
            self._sign(100)
        with freeze_time("2026-03-15 10:00"):
            self._sign(100)
        with freeze_time("2026-03-31 10:00"), self.assertRaisesRegex(UserError, "monthly limit"):
            self._sign(60)
        with freeze_time("2026-04-01 10:00"):
            self.assertEqual(self._sign(100).state, "done")

    def test_cancelled_and_other_signers_do_not_count(self):
        set_authority_limit(self.env, self.group_user, "waive_deductible", 100, per_day=100)
        self._sign(100, user=self.users["staff2"])
        self.assertEqual(self._sign(100).state, "done")

    def test_user_limit_wins_over_groups(self):
        set_authority_limit(self.env, self.group_user, "waive_deductible", 500)
        set_authority_limit(self.env, self.staff, "waive_deductible", 50)
        with self.assertRaises(UserError):
            self._sign(60)
        # staff2 has no limit of their own: the group's applies.
        self.assertEqual(self._sign(60, user=self.users["staff2"]).state, "done")

    def test_highest_group_applies(self):
        manager = self.users["manager"]  # manager implies CS user
        set_authority_limit(self.env, self.group_user, "waive_deductible", 100, per_day=100)
        set_authority_limit(self.env, self.group_manager, "waive_deductible", 300, per_day=0)
        self.assertEqual(self._sign(300, user=manager).state, "done")
        # No daily cap on the manager group: zero means none, and beats 100.
        self.assertEqual(self._sign(300, user=manager).state, "done")
        limit = self.env["cs.authority.limit"]._get_effective_limit(
            manager, "waive_deductible", self.env.company
        )
        self.assertEqual(limit, {"per_transaction": 300, "per_day": None, "per_month": None})

    def test_double_sign_refused(self):
        set_authority_limit(self.env, self.group_user, "waive_deductible", 100)
        compensation = self._sign(10)
        with self.assertRaisesRegex(UserError, "already been signed"):
            compensation.with_user(self.staff).action_sign()
        with self.assertRaisesRegex(UserError, "already been signed"):
            compensation.with_user(self.users["manager"]).action_sign()
        # Another staff member does not even see it.
        with self.assertRaises(AccessError):
            compensation.with_user(self.users["staff2"]).action_sign()

    def test_only_staff_sign(self):
        set_authority_limit(self.env, self.env.ref("base.group_user"), "waive_deductible", 100)
        compensation = create_compensation(self.env, self.staff, self.guest, 10)
        with self.assertRaises(AccessError):
            compensation.with_user(self.users["internal"]).action_sign()
        with self.assertRaises(AccessError):
            compensation.with_user(self.users["finance"]).action_sign()

    def test_limits_admin_only(self):
        Limit = self.env["cs.authority.limit"]
        with self.assertRaises(AccessError):
            Limit.with_user(self.users["manager"]).create(
                {
                    "user_id": self.staff.id,
                    "compensation_type": "gift",
                    "max_per_transaction": 10,
                }
            )
        limit = Limit.with_user(self.users["admin"]).create(
            {"user_id": self.staff.id, "compensation_type": "gift", "max_per_transaction": 10}
        )
        self.assertEqual(limit.company_id, self.env.company)

    def test_limit_validation(self):
        Limit = self.env["cs.authority.limit"]
        with self.assertRaises(ValidationError), mute_logger("odoo.sql_db"):
            Limit.create(
                {
                    "user_id": self.staff.id,
                    "group_id": self.group_user.id,
                    "compensation_type": "gift",
                    "max_per_transaction": 10,
                }
            )
        with self.assertRaises(ValidationError):
            Limit.create(
                {"user_id": self.staff.id, "compensation_type": "gift", "max_per_transaction": 0}
            )

    def test_limit_check_constant_queries(self):
        """The check costs the same queries with 1 or 30 signatures behind it."""
        set_authority_limit(self.env, self.group_user, "waive_deductible", 1000, 100000, 100000)
        signer = new_test_user(
            self.env, login="cs_test_history", groups="customer_service.group_cs_user"
        )

        def count_queries():
            compensation = create_compensation(self.env, signer, self.guest, 10)
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            problem = compensation.with_user(signer)._limit_problem(signer)
            self.assertFalse(problem)
            return self.env.cr.sql_log_count - before

        self._sign(10, user=signer)
        count_queries()  # warm the registry caches
        few = count_queries()
        for __ in range(30):
            self._sign(10, user=signer)
        many = count_queries()
        self.assertEqual(few, many)
        self.assertLessEqual(many, 10)
