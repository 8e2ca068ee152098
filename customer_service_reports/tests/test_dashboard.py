import json
from datetime import date, datetime, timedelta

from dateutil.relativedelta import relativedelta

from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import tagged

from odoo.addons.customer_service.tests.common import set_authority_limit

from .common import ReportsCase

TOP_SECRET_NAME = "CSREP Dash 绝密 Guest"
SECRET_NAME = "CSREP Dash Ordinary Guest"


def figures(node, path="data"):
    """Every clickable figure of the dashboard data: (path, figure).

    A figure is a dict with ``res_model``, ``domain`` and ``value``; a chart
    dataset has one domain per value, and its model is its chart's.
    """
    if isinstance(node, dict):
        if "domain" in node and "res_model" in node:
            yield path, node
        if "domains" in node:
            yield path, node
        for key, value in node.items():
            if key not in ("domain", "domains"):
                yield from figures(value, f"{path}.{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from figures(value, f"{path}[{index}]")


@tagged("post_install", "-at_install")
class TestDashboard(ReportsCase):
    """The managers' dashboard: its figures are the ORM's, as the user who looks."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Dashboard = cls.env["cs.service.dashboard"]
        cls.company = cls.env.company
        cls.today = fields.Date.context_today(cls.Dashboard.with_user(cls.users["manager"]))
        cls.month = cls.today.replace(day=1)
        cls.top_secret = cls._create_archive(
            TOP_SECRET_NAME, "top_secret", next_review_date=cls.today - timedelta(days=1)
        )
        cls.secret = cls._create_archive(
            SECRET_NAME, "secret", next_review_date=cls.today + timedelta(days=5)
        )
        cls.noise = cls.env["cs.complaint.category"].create({"name": "CSREP Dash Noise"})
        cls.food = cls.env["cs.complaint.category"].create({"name": "CSREP Dash Food"})

    # ------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------

    def _data(self, role):
        self.env.invalidate_all()
        return self.Dashboard.with_user(self.users[role]).get_dashboard_data()

    @classmethod
    def _complain(cls, archive, when, category=None, **vals):
        return cls.env["cs.complaint"].create(
            {
                "partner_id": archive.partner_id.id,
                "description": "<p>Too loud</p>",
                "complaint_date": when,
                "category_id": category and category.id,
                **vals,
            }
        )

    @classmethod
    def _compensate(cls, authority, amount, compensation_type="waive_penalty", **vals):
        """A compensation given this month on ``authority``'s signature (as superuser)."""
        return cls.env["cs.compensation"].create(
            {
                "partner_id": cls.secret.partner_id.id,
                "compensation_type": compensation_type,
                "amount": amount,
                "state": "done",
                "signer_id": authority.id,
                "authority_user_id": authority.id,
                "sign_date": cls.today,
                **vals,
            }
        )

    def _measure(self, user, figure):
        """What the figure's domain finds, searched as ``user``: a count or a sum."""
        Model = self.env[figure["res_model"]].with_user(user)
        if figure["res_model"] == "cs.consumption":
            return Model._read_group(figure["domain"], [], ["amount_total:sum"])[0][0]
        if figure["res_model"] == "cs.compensation":
            return Model._read_group(figure["domain"], [], ["amount:sum"])[0][0]
        return Model.search_count(figure["domain"])

    def _assert_click_through(self, role, data):
        """Every figure's list, searched as the same user, finds what the figure says."""
        user = self.users[role]
        charts = {
            "complaint_categories": data["complaint_categories"]["res_model"],
            "consumption": data["consumption"]["res_model"],
        }
        checked = 0
        for path, figure in figures(data):
            if "domains" in figure:
                chart = path.split(".")[1]
                for index, (value, domain) in enumerate(
                    zip(figure["data"], figure["domains"], strict=True)
                ):
                    with self.subTest(role=role, figure=f"{path}[{index}]"):
                        found = self._measure(user, {"res_model": charts[chart], "domain": domain})
                        self.assertAlmostEqual(found, value)
                        checked += 1
            else:
                with self.subTest(role=role, figure=path):
                    self.assertAlmostEqual(self._measure(user, figure), figure["value"])
                    checked += 1
        return checked

    # ------------------------------------------------------------
    # Who sees it
    # ------------------------------------------------------------

    def test_only_managers_and_leaders(self):
        for role in ("manager", "leader", "admin"):
            with self.subTest(role=role):
                self.assertIn("callbacks", self._data(role))
        for role in ("staff", "supervisor", "finance", "liaison", "internal"):
            with self.subTest(role=role), self.assertRaises(AccessError):
                self._data(role)

    def test_no_guest_name(self):
        """No guest is named, not even one the user may read."""
        when = datetime.combine(self.today, datetime.min.time()) + timedelta(hours=1)
        self._complain(self.top_secret, when, self.noise)
        self._consume(self.top_secret, when, 120)
        self._compensate(self.users["manager"], 30)
        for role in ("manager", "leader"):
            with self.subTest(role=role):
                dumped = json.dumps(self._data(role), default=str, ensure_ascii=False)
                self.assertNotIn(TOP_SECRET_NAME, dumped)
                self.assertNotIn(SECRET_NAME, dumped)
                self.assertNotIn(self.top_secret.partner_id.name, dumped)
        # CS staff get nothing at all: not even counts.
        with self.assertRaises(AccessError):
            self._data("staff")

    # ------------------------------------------------------------
    # Figures
    # ------------------------------------------------------------

    def test_figures_match_their_lists(self):
        """Each card and chart segment counts what its list shows, per role."""
        now = fields.Datetime.now()
        self._complain(self.secret, now - timedelta(hours=50), self.noise)
        self._complain(self.secret, now - timedelta(hours=40), self.food)
        self._complain(self.top_secret, now, None)
        self._consume(self.secret, now - timedelta(hours=1), 200)
        self._consume(self.top_secret, now - timedelta(hours=1), 80, self.front)
        self._compensate(self.users["manager"], 40)
        self._compensate(self.users["staff"], 15)
        for role in ("manager", "leader"):
            with self.subTest(role=role):
                checked = self._assert_click_through(role, self._data(role))
                # 4 callback, 4 complaint, 2 review figures, 24 category cells at
                # least, the consumption totals: nothing was skipped.
                self.assertGreater(checked, 30)

    def test_callbacks(self):
        manager = self.users["manager"]
        before = self._data("manager")["callbacks"]
        # Dinner an hour ago, called back now: in time.
        now = fields.Datetime.now()
        dinner = self._consume(self.secret, max(now - timedelta(hours=1), self._month_start()))
        self._log(
            self.secret, now, self.users["staff"], contact_type="callback", consumption_id=dinner.id
        )
        # A stay long past, through two departments, never called back.
        self._consume(self.top_secret, datetime(2021, 1, 5, 12))
        self._consume(self.top_secret, datetime(2021, 1, 5, 20), department=self.front)
        after = self._data("manager")["callbacks"]
        self.assertEqual(after["due"]["value"], before["due"]["value"] + 1)
        self.assertEqual(after["on_time"]["value"], before["on_time"]["value"] + 1)
        self.assertEqual(after["overdue"]["value"], before["overdue"]["value"] + 1, "one visit")
        # The KPIs are cs.visit's own.
        due, on_time = self.env["cs.visit"]._callback_kpis(after["due"]["domain"])[None]
        self.assertEqual((after["due"]["value"], after["on_time"]["value"]), (due, on_time))
        self.assertAlmostEqual(after["rate"], on_time / due)
        visits = self.env["cs.visit"].with_user(manager).search(after["overdue"]["domain"])
        self.assertIn(self.top_secret.partner_id, visits.partner_id)
        self.assertIn(dinner.visit_id, self.env["cs.visit"].search(after["on_time"]["domain"]))

    def test_complaints_by_sla_status(self):
        before = {s["key"]: s["value"] for s in self._data("manager")["complaints"]["statuses"]}
        now = fields.Datetime.now()
        overdue = self._complain(self.secret, now - timedelta(hours=50), self.noise)
        at_risk = self._complain(self.secret, now - timedelta(hours=40), self.noise)
        on_time = self._complain(self.secret, now, self.food)
        # Closed as invalid: not open any more.
        closed = self._complain(self.secret, now - timedelta(hours=60), self.food)
        closed.judgement_note = "Not our hotel"
        closed.action_judge_invalid()
        # Another hotel's complaint is not this one's.
        sister = self.env["res.company"].create({"name": "CSREP Dash Sister"})
        sister_guest = self.env["res.partner"].create({"name": "CSREP Dash Sister Guest"})
        self.env["cs.complaint"].with_company(sister).create(
            {
                "partner_id": sister_guest.id,
                "description": "<p>Cold</p>",
                "complaint_date": now - timedelta(hours=50),
                "company_id": sister.id,
            }
        )
        data = self._data("manager")["complaints"]
        statuses = {s["key"]: s for s in data["statuses"]}
        self.assertEqual(list(statuses), ["on_time", "at_risk", "overdue"])
        for key, complaint in (("overdue", overdue), ("at_risk", at_risk), ("on_time", on_time)):
            with self.subTest(status=key):
                self.assertEqual(statuses[key]["value"], before[key] + 1)
                found = self.env["cs.complaint"].search(statuses[key]["domain"])
                self.assertIn(complaint, found)
                self.assertNotIn(closed, found)
        self.assertEqual(data["open"]["value"], sum(s["value"] for s in statuses.values()))

    def test_compensation_against_limits(self):
        manager = self.users["manager"]
        set_authority_limit(self.env, manager, "waive_penalty", 500, per_month=1000)
        set_authority_limit(
            self.env, self.env.ref("customer_service.group_cs_user"), "gift", 100, per_month=0
        )
        self._compensate(manager, 150)
        self._compensate(manager, 50)
        self._compensate(self.users["staff"], 80)
        # Last month's does not count this month.
        self._compensate(manager, 70, sign_date=self.month - timedelta(days=1))
        data = self._data("manager")["compensation"]
        lines = {line["type"]: line for line in data["lines"]}
        penalty = lines["waive_penalty"]
        self.assertEqual(penalty["spent"]["value"], 200)
        self.assertEqual(penalty["limit_month"], 1000)
        self.assertEqual(penalty["limit_transaction"], 500)
        self.assertAlmostEqual(penalty["share"], 0.2)
        period = [
            ("company_id", "=", self.company.id),
            ("state", "=", "done"),
            ("sign_date", ">=", self.month),
            ("sign_date", "<", self.month + relativedelta(months=1)),
        ]
        Compensation = self.env["cs.compensation"]

        def total(*domain):
            return sum(Compensation.search([*period, *domain]).mapped("amount"))

        self.assertEqual(
            penalty["company"]["value"], total(("compensation_type", "=", "waive_penalty"))
        )
        self.assertGreaterEqual(penalty["company"]["value"], 280)
        self.assertEqual(
            data["company_total"]["value"], total(("compensation_type", "!=", "points"))
        )
        # The group's gift limit has no monthly cap; no authority at all for the rest.
        self.assertIsNone(lines["gift"]["limit_month"])
        self.assertTrue(lines["gift"]["has_authority"])
        self.assertNotIn("refund", lines)
        # Staff's own spending is not the manager's.
        mine = Compensation.with_user(manager).search(penalty["spent"]["domain"])
        self.assertEqual(mine.authority_user_id, manager)

    def test_complaints_by_category_chart(self):
        now = fields.Datetime.now()
        self._complain(self.secret, now, self.noise)
        self._complain(self.secret, now, self.noise)
        self._complain(self.secret, now, self.food)
        old = datetime.combine(self.month - relativedelta(months=2), datetime.min.time())
        self._complain(self.secret, old + timedelta(days=3, hours=12), self.noise)
        # Thirteen months ago: out of the chart.
        self._complain(self.secret, old - relativedelta(months=11) + timedelta(days=3), self.noise)
        chart = self._data("manager")["complaint_categories"]
        self.assertEqual(len(chart["months"]), 12)
        self.assertEqual(chart["months"][-1], fields.Date.to_string(self.month))
        self.assertEqual(
            chart["months"][0], fields.Date.to_string(self.month - relativedelta(months=11))
        )
        datasets = {dataset["category_id"]: dataset for dataset in chart["datasets"]}
        noise, food = datasets[self.noise.id], datasets[self.food.id]
        self.assertEqual(noise["label"], "CSREP Dash Noise")
        self.assertEqual(noise["data"][-1], 2)
        self.assertEqual(noise["data"][-3], 1)
        self.assertEqual(sum(noise["data"]), 3)
        self.assertEqual(food["data"][-1], 1)
        complaints = self.env["cs.complaint"].search(noise["domains"][-3])
        self.assertEqual(len(complaints), 1)
        self.assertEqual(complaints.category_id, self.noise)

    def test_consumption_by_department(self):
        before = self._data("manager")["consumption"]
        start = datetime.combine(self.month, datetime.min.time())
        self._consume(self.secret, start + timedelta(hours=2), 300)
        self._consume(self.secret, start - timedelta(days=3), 100, self.front)
        data = self._data("manager")["consumption"]
        last, current = data["datasets"]
        self.assertEqual(current["month"], fields.Date.to_string(self.month))
        self.assertEqual(last["month"], fields.Date.to_string(self.month - relativedelta(months=1)))
        self.assertAlmostEqual(current["value"], before["datasets"][1]["value"] + 300)
        self.assertAlmostEqual(last["value"], before["datasets"][0]["value"] + 100)
        departments = [department["id"] for department in data["departments"]]
        fnb, front = departments.index(self.fnb.id), departments.index(self.front.id)
        self.assertGreaterEqual(current["data"][fnb], 300)
        self.assertGreaterEqual(last["data"][front], 100)
        found = self.env["cs.consumption"].search(current["domains"][fnb])
        self.assertEqual(set(found.department_id.ids), {self.fnb.id})

    def test_reviews_as_the_user_may_read(self):
        manager, leader = self.users["manager"], self.users["leader"]
        by_manager = self._data("manager")["reviews"]
        by_leader = self._data("leader")["reviews"]
        Archive = self.env["cs.guest.archive"]
        # The top-secret archive is due: the leader counts it, the manager may not.
        self.assertIn(self.top_secret, Archive.with_user(leader).search(by_leader["due"]["domain"]))
        self.assertNotIn(
            self.top_secret, Archive.with_user(manager).search(by_manager["due"]["domain"])
        )
        self.assertEqual(
            by_leader["due"]["value"] - by_manager["due"]["value"],
            Archive.search_count(
                [*by_leader["due"]["domain"], ("confidentiality_level", "=", "top_secret")]
            ),
        )
        self.assertIn(self.secret, Archive.with_user(manager).search(by_manager["soon"]["domain"]))

    def test_months_are_the_users(self):
        """A month starts at midnight in the user's time zone."""
        Dashboard = self.Dashboard.with_context(tz="Asia/Shanghai")
        self.assertEqual(
            Dashboard._datetime_range("complaint_date", date(2031, 3, 1), date(2031, 4, 1)),
            [
                ("complaint_date", ">=", "2031-02-28 16:00:00"),
                ("complaint_date", "<", "2031-03-31 16:00:00"),
            ],
        )

    def test_query_count_does_not_grow(self):
        manager = self.users["manager"]
        set_authority_limit(self.env, manager, "waive_penalty", 500, per_month=1000)
        self._data("manager")  # warm the registry caches (rules, groups, translations)

        def queries():
            self.env.invalidate_all()
            start = self.env.cr.sql_log_count
            self.Dashboard.with_user(manager).get_dashboard_data()
            return self.env.cr.sql_log_count - start

        def add(size):
            now = fields.Datetime.now()
            categories = self.env["cs.complaint.category"].create(
                [{"name": f"CSREP Dash Q{size}-{n}"} for n in range(size)]
            )
            departments = self.env["cs.service.department"].create(
                [
                    {"name": f"CSREP Dash Dept {size}-{n}", "code": f"csrep_{size}_{n}"}
                    for n in range(size)
                ]
            )
            for n in range(size):
                guest = self._create_archive(
                    f"CSREP Dash Q {size}-{n}",
                    "confidential",
                    next_review_date=self.today,
                    company_id=self.company.id,
                )
                self._complain(guest, now - timedelta(hours=n * 20), categories[n])
                self._consume(guest, now - timedelta(hours=1), 10 + n, departments[n])
                self._compensate(manager, 5, partner_id=guest.partner_id.id)

        add(1)
        small = queries()
        add(6)
        self.assertEqual(queries(), small)

    def _month_start(self):
        return datetime.combine(self.month, datetime.min.time())


@tagged("post_install", "-at_install")
class TestDashboardAction(ReportsCase):
    """The overview is the client action, under the xml id other code points to."""

    def test_action(self):
        action = self.env.ref("customer_service_reports.cs_service_overview_action")
        self.assertEqual(action._name, "ir.actions.client")
        self.assertEqual(action.tag, "cs_service_dashboard")
        menu = self.env.ref("customer_service_reports.cs_service_overview_menu")
        self.assertEqual(menu.action, action)
        self.assertFalse(self.env["ir.model"].search([("model", "=", "cs.service.overview")]))

    def test_menu_groups(self):
        menu = self.env.ref("customer_service_reports.cs_service_overview_menu")
        self.assertEqual(menu.group_ids, self.env.ref("customer_service.group_cs_manager"))
        Dashboard = self.env["cs.service.dashboard"]
        data = Dashboard.with_user(self.users["leader"]).get_dashboard_data()
        self.assertEqual(data["company_id"], self.env.company.id)
        with self.assertRaises(AccessError):
            Dashboard.with_user(self.users["finance"]).get_dashboard_data()
