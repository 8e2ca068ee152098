"""The customer-service load test: each role's journey, as the web client speaks it.

Every request goes through the routes the browser uses: ``/web/session/
authenticate``, ``/web/dataset/call_kw/<model>.<method>`` (JSON-RPC 2.0),
``/web/dataset/call_button/...`` for buttons and ``/report/xlsx/...`` for a
download. The specifications of lists and forms are the views' own fields,
read once per user through ``get_views``.

A business refusal (a signer over their limit, a callback somebody else just
logged) is a right answer under load: it counts as a success of its request
and is tallied apart as a refusal. Anything else that is not a result, a
server error or an unexpected refusal, is a failure.

Settings, from the environment: LOAD_DB (the database, also read directly for
sample ids), LOAD_SUMMARY (where to write the JSON summary), PG* (how to reach
PostgreSQL). Options: ``--max-requests`` stops the run after that many
requests, whatever ``--run-time`` says.
"""

import json
import os
import random
import uuid
from collections import defaultdict
from datetime import date, timedelta
from urllib.parse import quote

import gevent
import psycopg2
from locust import HttpUser, between, events, task
from locust.stats import StatsEntry

JOURNEYS = ("staff", "liaison", "manager", "finance", "baseline")
# (exception, words of the message): refusals the business rules give under load.
REFUSALS = {
    "sign": ("over their daily limit", "over their monthly limit", "has already been signed"),
    "log call": ("has no pending callback", "is resting"),
    "approve borrow": ("has already", "no longer", "not allowed to review"),
}
REFUSAL_EXCEPTIONS = ("odoo.exceptions.UserError", "odoo.exceptions.ValidationError")
SAMPLE = {}
REFUSED = defaultdict(lambda: defaultdict(int))
SKIPPED = defaultdict(lambda: defaultdict(int))
REQUESTS = {"count": 0}


# ----------------------------------------------------------------------
# Run control: sample data, a request bound, the summary
# ----------------------------------------------------------------------


@events.init_command_line_parser.add_listener
def _options(parser):
    parser.add_argument("--max-requests", type=int, default=0, help="Stop after this many")


def _connect():
    return psycopg2.connect(
        dbname=os.environ["LOAD_DB"],
        host=os.environ.get("PGHOST", "127.0.0.1"),
        port=os.environ.get("PGPORT", "5432"),
        user=os.environ.get("PGUSER", "odoo"),
        password=os.environ.get("PGPASSWORD", "odoo"),
    )


def _column(cr, query, params=()):
    cr.execute(query, params)
    return [row[0] for row in cr.fetchall()]


@events.test_start.add_listener
def _load_sample(environment, **_kwargs):
    """Ids the journeys pick from: guests with an archive, and who owns what."""
    conn = _connect()
    try:
        with conn.cursor() as cr:
            SAMPLE["guests"] = _column(
                cr,
                "SELECT a.partner_id FROM cs_guest_archive a"
                " JOIN res_users u ON u.company_id = a.company_id AND u.login = 'cs_staff'"
                " WHERE a.active ORDER BY random() LIMIT 5000",
            )
            SAMPLE["partners"] = _column(
                cr, "SELECT id FROM res_partner WHERE active ORDER BY random() LIMIT 5000"
            )
            for login in ("cs_staff", "cs_staff2"):
                SAMPLE[f"own:{login}"] = _column(
                    cr,
                    # Top-secret archives are the managers' (R12), even for their owner.
                    "SELECT a.id FROM cs_guest_archive a JOIN res_users u ON u.id = a.owner_id"
                    " WHERE u.login = %s AND a.active"
                    " AND a.confidentiality_level IN ('secret', 'confidential')"
                    " ORDER BY random() LIMIT 2000",
                    [login],
                )
                # Borrowed from a colleague: a confidential archive of someone else's.
                SAMPLE[f"borrow:{login}"] = _column(
                    cr,
                    "SELECT a.code FROM cs_guest_archive a JOIN res_users u ON u.id = a.owner_id"
                    " WHERE u.login <> %s AND u.login LIKE 'cs_staff%%'"
                    " AND a.confidentiality_level = 'confidential' AND a.active"
                    " ORDER BY random() LIMIT 2000",
                    [login],
                )
    finally:
        conn.close()
    empty = [key for key, values in SAMPLE.items() if not values]
    if empty:
        raise RuntimeError(f"the database has no sample data for {empty}")


@events.request.add_listener
def _bound(**_kwargs):
    REQUESTS["count"] += 1
    env = _bound.environment
    limit = env.parsed_options.max_requests if env and env.parsed_options else 0
    if limit and REQUESTS["count"] == limit:
        gevent.spawn(env.runner.quit)


@events.init.add_listener
def _remember(environment, **_kwargs):
    _bound.environment = environment


def _merged(entries):
    merged = StatsEntry(None, "", "")
    for entry in entries:
        merged.extend(entry)
    return merged


def _figures(entry):
    if not entry.num_requests:
        return {"requests": 0, "failures": entry.num_failures, "p50": None, "p95": None}
    return {
        "requests": entry.num_requests,
        "failures": entry.num_failures,
        "p50": entry.get_response_time_percentile(0.5),
        "p95": entry.get_response_time_percentile(0.95),
        "avg": round(entry.avg_response_time, 1),
    }


@events.quitting.add_listener
def _summary(environment, **_kwargs):
    path = os.environ.get("LOAD_SUMMARY")
    if not path:
        return
    stats = environment.stats
    by_journey = defaultdict(list)
    steps = {}
    for (name, method), entry in sorted(stats.entries.items()):
        journey = name.split(":", 1)[0]
        by_journey[journey].append(entry)
        steps[f"{name} [{method}]"] = _figures(entry)
    journeys = {}
    for journey in JOURNEYS:
        figures = _figures(_merged(by_journey.get(journey, [])))
        figures["refusals"] = dict(REFUSED[journey])
        figures["skipped"] = dict(SKIPPED[journey])
        journeys[journey] = figures
    errors = [
        {"name": e.name, "method": e.method, "error": str(e.error)[:500], "count": e.occurrences}
        for e in stats.errors.values()
    ]
    with open(path, "w") as out:
        json.dump(
            {
                "total": _figures(stats.total),
                "journeys": journeys,
                "steps": steps,
                "errors": errors,
                "duration_s": round(stats.last_request_timestamp - stats.start_time, 1)
                if stats.last_request_timestamp
                else 0,
            },
            out,
            indent=2,
        )


# ----------------------------------------------------------------------
# A web client session
# ----------------------------------------------------------------------


class Refused(Exception):
    pass


class OdooUser(HttpUser):
    """One browser session of one role; subclasses give the login and the journey."""

    abstract = True
    wait_time = between(1, 3)
    journey = ""
    logins = ()
    unreadable = frozenset()
    _turn = defaultdict(int)

    def on_start(self):
        cls = type(self)
        self.login = cls.logins[OdooUser._turn[cls.__name__] % len(cls.logins)]
        OdooUser._turn[cls.__name__] += 1
        result = self._json(
            "/web/session/authenticate",
            "login",
            {"db": os.environ["LOAD_DB"], "login": self.login, "password": self.login},
            name="setup: login",
        )
        self.uid = result["uid"]
        companies = result.get("user_companies") or {}
        company = (companies.get("current_company") if companies else None) or 1
        # English messages: the refusals are recognised by their words.
        self.rpc_context = {
            "lang": "en_US",
            "tz": "Asia/Shanghai",
            "uid": self.uid,
            "allowed_company_ids": [company],
        }
        self.specs = {}

    # Requests --------------------------------------------------------

    def _json(self, path, step, params, refusals=(), name=None):
        name = name or f"{self.journey}: {step}"
        body = {"jsonrpc": "2.0", "method": "call", "id": random.randint(1, 10**9)}
        body["params"] = params
        with self.client.post(path, json=body, name=name, catch_response=True) as resp:
            if resp.status_code != 200:
                resp.failure(f"HTTP {resp.status_code}")
                raise Refused(name)
            try:
                answer = resp.json()
            except ValueError:
                resp.failure("not JSON")
                raise Refused(name) from None
            error = answer.get("error")
            if not error:
                resp.success()
                return answer.get("result")
            data = error.get("data") or {}
            message = data.get("message") or error.get("message") or ""
            if data.get("name") in REFUSAL_EXCEPTIONS and any(w in message for w in refusals):
                resp.success()
                REFUSED[self.journey][f"{step}: {_refusal_key(message, refusals)}"] += 1
                raise Refused(name)
            resp.failure(f"{data.get('name')}: {message[:300]}")
            raise Refused(name)

    def call(self, step, model, method, *args, refusals=(), name=None, **kwargs):
        kwargs.setdefault("context", self.rpc_context)
        return self._json(
            f"/web/dataset/call_kw/{model}.{method}",
            step,
            {"model": model, "method": method, "args": list(args), "kwargs": kwargs},
            refusals,
            name,
        )

    def button(self, step, model, method, record_id, refusals=()):
        return self._json(
            f"/web/dataset/call_button/{model}/{method}",
            step,
            {
                "model": model,
                "method": method,
                "args": [[record_id]],
                "kwargs": {"context": self.rpc_context},
            },
            refusals,
        )

    def spec(self, model, view_type):
        """The fields the view shows, as a web_read/web_search_read specification."""
        key = (model, view_type)
        if key not in self.specs:
            # Once per session, as the web client caches views: not part of a journey.
            views = self.call(
                "views",
                model,
                "get_views",
                views=[[False, view_type]],
                options={},
                name=f"setup: {view_type} view",
            )
            fields = views["models"][model]["fields"]
            self.specs[key] = {
                name: {"fields": {"display_name": {}}}
                if field["type"] in ("many2one", "many2many", "one2many")
                else {}
                for name, field in fields.items()
                if field["type"] != "properties" and name not in self.unreadable
            }
        return self.specs[key]

    def list(self, step, model, domain, **kwargs):
        return self.call(
            step,
            model,
            "web_search_read",
            specification=self.spec(model, "list"),
            domain=domain,
            limit=80,
            count_limit=10001,
            **kwargs,
        )

    def form(self, step, model, record_id):
        return self.call(
            step, model, "web_read", [record_id], specification=self.spec(model, "form")
        )

    def save(self, step, model, vals, refusals=(), context=None):
        result = self.call(
            step,
            model,
            "web_save",
            [],
            vals,
            specification={"display_name": {}},
            refusals=refusals,
            context=dict(self.rpc_context, **(context or {})),
        )
        return result[0]["id"]

    def skip(self, what):
        SKIPPED[self.journey][what] += 1

    def run_journey(self, steps):
        """Run the steps in order; a refused or failed step ends the journey."""
        for step in steps:
            try:
                step()
            except Refused:
                return


def _refusal_key(message, words):
    return next(w for w in words if w in message)


def _today():
    return date.today()


# ----------------------------------------------------------------------
# Journeys
# ----------------------------------------------------------------------


class StaffUser(OdooUser):
    """CS staff: the callback queue, an archive, a callback, a complaint, a borrow."""

    journey = "staff"
    logins = ("cs_staff", "cs_staff2")
    weight = 3

    @task
    def work_the_queue(self):
        state = {}

        def queue():
            state["queue"] = self.list(
                "callback queue",
                "cs.visit",
                [["callback_state", "=", "pending"], ["callback_user_id", "=", self.uid]],
            )["records"]

        def open_archive():
            self.form(
                "open archive", "cs.guest.archive", random.choice(SAMPLE[f"own:{self.login}"])
            )

        def log_call():
            awake = [v for v in state["queue"] if not v.get("guest_resting_now")]
            if not awake:
                self.skip("no callback due")
                return
            visit = random.choice(awake)
            action = self.button(
                "log call", "cs.visit", "action_log_callback", visit["id"], REFUSALS["log call"]
            )
            self.save(
                "log call",
                "cs.contact.log",
                {
                    "outcome": "reached",
                    "channel": "phone",
                    "satisfaction": random.choice(["satisfied", "average", "dissatisfied"]),
                    "feedback": "Load test call.",
                },
                REFUSALS["log call"],
                context=action["context"],
            )

        def complaint():
            self.save(
                "register complaint",
                "cs.complaint",
                {
                    "partner_id": random.choice(SAMPLE["guests"]),
                    "description": "<p>Load test: the room was noisy.</p>",
                    "channel": "phone",
                    "severity": "normal",
                },
            )

        def borrow():
            wizard = self.save(
                "request borrow",
                "cs.archive.borrow.wizard",
                {
                    "query": random.choice(SAMPLE[f"borrow:{self.login}"]),
                    "date_from": str(_today()),
                    "date_to": str(_today() + timedelta(days=7)),
                    "reason": "Load test: a colleague's guest calls.",
                },
            )
            self.button("request borrow", "cs.archive.borrow.wizard", "action_request", wizard)

        self.run_journey([queue, open_archive, log_call, complaint, borrow])


class LiaisonUser(OdooUser):
    """A department liaison reports a consumption of three items."""

    journey = "liaison"
    logins = ("cs_liaison_fo", "cs_liaison_fnb", "cs_liaison_hk", "cs_liaison_rec")
    weight = 2

    @task
    def report_consumption(self):
        items = [
            [
                0,
                0,
                {
                    "name": f"Item {n}",
                    "quantity": random.randint(1, 3),
                    "price_unit": random.randint(20, 200),
                },
            ]
            for n in range(1, 4)
        ]
        try:
            self.save(
                "report consumption",
                "cs.consumption",
                {
                    "partner_id": random.choice(SAMPLE["guests"]),
                    # A unique outlet reference: every request is a new check.
                    "external_ref": f"LOAD-{uuid.uuid4().hex}",
                    "line_ids": items,
                },
            )
        except Refused:
            pass


class ManagerUser(OdooUser):
    """A CS manager approves a borrow and signs a compensation."""

    journey = "manager"
    logins = ("cs_manager",)
    weight = 1

    @task
    def approve_and_sign(self):
        def approve():
            requests = self.list(
                "borrows to review",
                "cs.archive.access.request",
                [["state", "=", "submitted"], ["can_review", "=", True]],
            )["records"]
            if not requests:
                self.skip("no borrow to approve")
                return
            request = random.choice(requests)
            self.button(
                "approve borrow",
                "cs.archive.access.request",
                "validate_tier",
                request["id"],
                REFUSALS["approve borrow"],
            )

        def sign():
            compensation = self.save(
                "sign compensation",
                "cs.compensation",
                {
                    "partner_id": random.choice(SAMPLE["guests"]),
                    "compensation_type": "gift",
                    "amount": random.randint(100, 200),  # a gift is worth 200 at most
                    "description": "Load test: a fruit basket.",
                },
            )
            self.button(
                "sign compensation",
                "cs.compensation",
                "action_sign",
                compensation,
                REFUSALS["sign"],
            )

        self.run_journey([approve, sign])


class FinanceUser(OdooUser):
    """Finance opens the collections and downloads the compensation ledger."""

    journey = "finance"
    logins = ("cs_finance",)
    weight = 1

    @task
    def collections_and_ledger(self):
        def collections():
            self.list("collections", "cs.collection.task", [["state", "!=", "closed"]])

        def ledger():
            today = _today()
            options = {
                "filters": {
                    "date_from": str(today.replace(day=1)),
                    "date_to": str(today),
                    "department_ids": [],
                    "user_ids": [],
                    "confidentiality_level": False,
                    "granularity": "month",
                }
            }
            url = (
                "/report/xlsx/customer_service_reports.compensation_ledger"
                f"?options={quote(json.dumps(options))}&context={quote(json.dumps(self.rpc_context))}"
            )
            name = f"{self.journey}: compensation ledger"
            with self.client.get(url, name=name, catch_response=True) as resp:
                if resp.status_code == 200 and resp.content[:2] == b"PK":
                    resp.success()
                else:
                    resp.failure(f"HTTP {resp.status_code}: {resp.text[:300]}")

        self.run_journey([collections, ledger])


class BaselineUser(OdooUser):
    """A plain Odoo user on the same server: the contacts list and a contact's form."""

    journey = "baseline"
    logins = ("demo",)
    weight = 1
    # Odoo's partner form asks for two invoicing figures that a user without
    # accounting rights may not read (an AccessError in the browser too).
    unreadable = frozenset({"days_sales_outstanding", "supplier_invoice_count"})

    @task
    def contacts(self):
        def partner_list():
            self.list("partner list", "res.partner", [])

        def partner_form():
            self.form("partner form", "res.partner", random.choice(SAMPLE["partners"]))

        self.run_journey([partner_list, partner_form])
