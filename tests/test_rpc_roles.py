"""Every demo role logs in over XML-RPC and sees exactly the archives R12 allows.

The expected counts come straight from PostgreSQL, so the assertions follow
the demo data rather than numbers written here.
"""

import urllib.request
import xmlrpc.client
from collections import Counter

import psycopg2
import pytest

DEMO_LOGINS = [
    "cs_staff",
    "cs_staff2",
    "cs_supervisor",
    "cs_manager",
    "cs_leader",
    "cs_finance",
    "cs_liaison_fo",
    "cs_liaison_fnb",
    "cs_liaison_hk",
    "cs_liaison_rec",
]


@pytest.fixture(scope="module")
def archive_rows(db_name):
    """(level, owner login) of every active archive, read without Odoo."""
    with psycopg2.connect(dbname=db_name) as conn, conn.cursor() as cr:
        cr.execute(
            """SELECT a.confidentiality_level, u.login
                 FROM cs_guest_archive a LEFT JOIN res_users u ON u.id = a.owner_id
                WHERE a.active"""
        )
        return cr.fetchall()


class Client:
    def __init__(self, url, db, login, password=None):
        self.db, self.password = db, password or login
        common = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/common")
        self.uid = common.authenticate(db, login, self.password, {})
        self.models = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/object", allow_none=True)

    def call(self, model, method, *args, **kwargs):
        return self.models.execute_kw(
            self.db, self.uid, self.password, model, method, list(args), kwargs
        )


def test_login_page_is_served(odoo_server):
    with urllib.request.urlopen(f"{odoo_server}/web/login", timeout=10) as resp:
        assert resp.status == 200
        assert b'name="login"' in resp.read()


@pytest.mark.parametrize("login", DEMO_LOGINS + ["admin"])
def test_every_demo_role_logs_in(odoo_server, db_name, login):
    assert Client(odoo_server, db_name, login).uid, f"{login} cannot log in"


@pytest.mark.parametrize("login, lang", [("admin", "en_US"), ("cs_staff", "zh_CN")])
def test_demo_user_languages(odoo_server, db_name, login, lang):
    client = Client(odoo_server, db_name, login)
    [user] = client.call("res.users", "read", [client.uid], fields=["lang"])
    assert user["lang"] == lang
    active = client.call("res.lang", "search_read", [], fields=["code"])
    assert {"en_US", "zh_CN"} <= {r["code"] for r in active}


def test_wrong_password_is_refused(odoo_server, db_name):
    assert not Client(odoo_server, db_name, "cs_staff", "not-the-password").uid


@pytest.mark.parametrize(
    "login, readable",
    [
        ("cs_staff", lambda level, owner: level == "secret" or owner == "cs_staff"),
        ("cs_staff2", lambda level, owner: level == "secret" or owner == "cs_staff2"),
        ("cs_supervisor", lambda level, owner: level in ("secret", "confidential")),
        ("cs_manager", lambda level, owner: level in ("secret", "confidential")),
        ("cs_leader", lambda level, owner: True),
    ],
)
def test_archive_visibility_over_rpc(odoo_server, db_name, archive_rows, login, readable):
    client = Client(odoo_server, db_name, login)
    expected = Counter(
        level
        for level, owner in archive_rows
        if readable(level, owner) and (level != "top_secret" or login == "cs_leader")
    )
    rows = client.call("cs.guest.archive", "search_read", [], fields=["confidentiality_level"])
    assert Counter(r["confidentiality_level"] for r in rows) == expected
    assert client.call("cs.guest.archive", "search_count", []) == sum(expected.values())
    groups = client.call(
        "cs.guest.archive",
        "formatted_read_group",
        [],
        groupby=["confidentiality_level"],
        aggregates=["__count"],
    )
    assert {g["confidentiality_level"]: g["__count"] for g in groups} == dict(expected)
    found = client.call("cs.guest.archive", "name_search", "", limit=1000)
    assert len(found) == sum(expected.values())


@pytest.mark.parametrize("login", ["cs_finance", "cs_liaison_fo"])
def test_liaison_and_finance_read_no_archive(odoo_server, db_name, login):
    client = Client(odoo_server, db_name, login)
    with pytest.raises(xmlrpc.client.Fault) as fault:
        client.call("cs.guest.archive", "search_read", [], fields=["code"])
    # Odoo's XML-RPC fault code 4 is AccessError; the text is in the user's language.
    assert fault.value.faultCode == 4, fault.value.faultString


def test_bad_input_gets_a_translated_error_and_writes_nothing(odoo_server, db_name):
    """Over RPC, a broken rule comes back as a clear message in the user's language."""
    staff = Client(odoo_server, db_name, "cs_staff")
    [archive] = staff.call(
        "cs.guest.archive",
        "search_read",
        [("confidentiality_level", "=", "secret")],
        fields=["partner_id"],
        limit=1,
    )
    count = staff.call("cs.guest.archive", "search_count", [])
    # Like the web client, send the user's language in the context.
    zh = {"lang": "zh_CN"}
    with pytest.raises(xmlrpc.client.Fault) as fault:
        staff.call(
            "cs.guest.archive", "create", {"partner_id": archive["partner_id"][0]}, context=zh
        )
    assert "该客人在本公司已有档案" in fault.value.faultString
    assert staff.call("cs.guest.archive", "search_count", []) == count

    requests = staff.call("cs.archive.access.request", "search_count", [])
    with pytest.raises(xmlrpc.client.Fault) as fault:
        staff.call(
            "cs.archive.access.request",
            "create",
            {
                "archive_id": archive["id"],
                "date_from": "2026-12-10",
                "date_to": "2026-12-01",
                "reason": "rpc",
            },
            context=zh,
        )
    assert "借阅" in fault.value.faultString, fault.value.faultString
    assert staff.call("cs.archive.access.request", "search_count", []) == requests
