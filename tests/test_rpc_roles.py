"""Every demo role calls Odoo's JSON-2 API with its own API key and sees
exactly the archives R12 allows.

The expected counts come straight from PostgreSQL, so the assertions follow
the demo data rather than numbers written here. The keys are made by Odoo for
this run and removed afterwards. One legacy XML-RPC test stays while Odoo
still serves /xmlrpc (deprecated in Odoo 19, removed in Odoo 22).
"""

import shutil
import tempfile
import urllib.request
import xmlrpc.client
from collections import Counter
from pathlib import Path

import psycopg2
import pytest
from json2 import Json2, Json2Error, create_api_keys, remove_api_keys
from odoo_process import Odoo, conf_path

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
ACCESS_ERROR = "odoo.exceptions.AccessError"


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


@pytest.fixture(scope="module")
def api_keys(db_name):
    workdir = Path(tempfile.mkdtemp(prefix="cs_rpc_roles_"))
    odoo = Odoo(conf_path(), db_name, workdir)
    try:
        yield create_api_keys(odoo, [*DEMO_LOGINS, "admin"])
    finally:
        remove_api_keys(odoo)
        shutil.rmtree(workdir, ignore_errors=True)


@pytest.fixture(scope="module")
def client(odoo_server, db_name, api_keys):
    """client(login): that user's JSON-2 client."""
    return lambda login: Json2(odoo_server, db_name, api_keys[login])


def test_login_page_is_served(odoo_server):
    with urllib.request.urlopen(f"{odoo_server}/web/login", timeout=10) as resp:
        assert resp.status == 200
        assert b'name="login"' in resp.read()


@pytest.mark.parametrize("login", DEMO_LOGINS + ["admin"])
def test_every_demo_role_calls_with_its_key(client, login):
    user = client(login)
    uid = user.call("res.users", "context_get")["uid"]
    [me] = user.call("res.users", "read", ids=[uid], fields=["login"])
    assert me["login"] == login, "the key acts as another user"


@pytest.mark.parametrize("login, lang", [("admin", "en_US"), ("cs_staff", "zh_CN")])
def test_demo_user_languages(client, login, lang):
    user = client(login)
    assert user.call("res.users", "context_get")["lang"] == lang
    active = user.call("res.lang", "search_read", domain=[], fields=["code"])
    assert {"en_US", "zh_CN"} <= {r["code"] for r in active}


def test_invalid_key_is_refused(odoo_server, db_name):
    with pytest.raises(Json2Error) as refused:
        Json2(odoo_server, db_name, "0" * 40).call("res.users", "context_get")
    assert refused.value.status == 401
    assert refused.value.name == "werkzeug.exceptions.Unauthorized"
    assert refused.value.message == "Invalid apikey"


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
def test_archive_visibility_over_json2(client, archive_rows, login, readable):
    user = client(login)
    expected = Counter(
        level
        for level, owner in archive_rows
        if readable(level, owner) and (level != "top_secret" or login == "cs_leader")
    )
    model = "cs.guest.archive"
    rows = user.call(model, "search_read", domain=[], fields=["confidentiality_level"])
    assert Counter(r["confidentiality_level"] for r in rows) == expected
    assert user.call(model, "search_count", domain=[]) == sum(expected.values())
    groups = user.call(
        model,
        "formatted_read_group",
        domain=[],
        groupby=["confidentiality_level"],
        aggregates=["__count"],
    )
    assert {g["confidentiality_level"]: g["__count"] for g in groups} == dict(expected)
    found = user.call(model, "name_search", name="", limit=1000)
    assert len(found) == sum(expected.values())


@pytest.mark.parametrize("login", ["cs_finance", "cs_liaison_fo"])
def test_liaison_and_finance_read_no_archive(client, login):
    with pytest.raises(Json2Error) as refused:
        client(login).call("cs.guest.archive", "search_read", domain=[], fields=["code"])
    # An access error, not any failure: 403 and Odoo's AccessError naming the model.
    assert refused.value.status == 403, refused.value
    assert refused.value.name == ACCESS_ERROR, refused.value
    assert "(cs.guest.archive)" in refused.value.message


def test_bad_input_gets_a_translated_error_and_writes_nothing(client):
    """A broken rule comes back as 422 with a message in the language asked for."""
    staff = client("cs_staff")
    [archive] = staff.call(
        "cs.guest.archive",
        "search_read",
        domain=[("confidentiality_level", "=", "secret")],
        fields=["partner_id"],
        limit=1,
    )
    count = staff.call("cs.guest.archive", "search_count", domain=[])
    # JSON-2 takes the language from the context the caller sends, as the web
    # client does.
    zh = {"lang": "zh_CN"}
    with pytest.raises(Json2Error) as refused:
        staff.call(
            "cs.guest.archive",
            "create",
            vals_list=[{"partner_id": archive["partner_id"][0]}],
            context=zh,
        )
    assert refused.value.status == 422, refused.value
    assert refused.value.name == "odoo.exceptions.ValidationError", refused.value
    assert "该客人在本公司已有档案" in refused.value.message
    assert staff.call("cs.guest.archive", "search_count", domain=[]) == count

    requests = staff.call("cs.archive.access.request", "search_count", domain=[])
    with pytest.raises(Json2Error) as refused:
        staff.call(
            "cs.archive.access.request",
            "create",
            vals_list=[
                {
                    "archive_id": archive["id"],
                    "date_from": "2026-12-10",
                    "date_to": "2026-12-01",
                    "reason": "json-2",
                }
            ],
            context=zh,
        )
    assert refused.value.status == 422, refused.value
    assert "借阅" in refused.value.message, refused.value
    assert staff.call("cs.archive.access.request", "search_count", domain=[]) == requests


def test_legacy_xmlrpc_login_and_search_read(odoo_server, db_name, archive_rows):
    """The deprecated /xmlrpc endpoints still work, until Odoo 22 removes them."""
    uid = xmlrpc.client.ServerProxy(f"{odoo_server}/xmlrpc/2/common").authenticate(
        db_name, "cs_leader", "cs_leader", {}
    )
    assert uid, "cs_leader cannot log in over XML-RPC"
    models = xmlrpc.client.ServerProxy(f"{odoo_server}/xmlrpc/2/object", allow_none=True)
    rows = models.execute_kw(
        db_name, uid, "cs_leader", "cs.guest.archive", "search_read", [[]], {"fields": ["code"]}
    )
    assert len(rows) == len(archive_rows)
