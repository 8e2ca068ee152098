"""Odoo 19's read-only routing, checked on a real prefork server.

Odoo serves a route marked read-only, and an RPC method marked
``@api.readonly``, on a read-only cursor (the read replica when
``db_replica_host`` is set); a write there fails, and Odoo serves the request
again on a read/write cursor with a warning. What writes must say so up front:

- opening a confidential archive (``web_read``) writes its access-log row;
- the guest register report logs each confidential archive it exports;
- lists (``web_search_read``) and the other reports only read.

The test opens, lists and downloads as a CS manager through the web client's
own routes, on a server whose read-only work goes to read-only connections
(``--dev=replica``), then checks the access log and that the server never had
to retry a request on a read/write cursor.
"""

import http.cookiejar
import json
import shutil
import tempfile
import urllib.request
import uuid
from pathlib import Path

import pytest
from odoo_process import MARK, REPO_ROOT, Odoo, Server, clone_database, conf_path

RETRY_WARNING = "retrying with a read/write cursor"


class Browser:
    """A logged-in web client session: cookies, JSON routes and downloads."""

    def __init__(self, url, db, login):
        self.url = url
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )
        result = self.json("/web/session/authenticate", db=db, login=login, password=login)
        assert result["uid"], f"{login} cannot log in"

    def json(self, path, **params):
        request = urllib.request.Request(
            self.url + path,
            json.dumps({"jsonrpc": "2.0", "method": "call", "params": params}).encode(),
            {"Content-Type": "application/json"},
        )
        with self.opener.open(request, timeout=120) as resp:
            answer = json.loads(resp.read())
        assert "error" not in answer, answer["error"]
        return answer["result"]

    def call(self, model, method, *args, **kwargs):
        return self.json(
            f"/web/dataset/call_kw/{model}.{method}",
            model=model,
            method=method,
            args=list(args),
            kwargs=kwargs,
        )

    def get(self, path):
        with self.opener.open(self.url + path, timeout=120) as resp:
            return resp.status, resp.headers.get("Content-Type"), resp.read()


@pytest.fixture(scope="module")
def served(db_name):
    workdir = Path(tempfile.mkdtemp(prefix="cs_readonly_"))
    odoo = Odoo(conf_path(), f"{db_name}_ro_{uuid.uuid4().hex[:6]}", workdir)
    clone_database(odoo, db_name)
    # --dev=replica: Odoo's own switch to route read-only work to a read-only
    # pool without a replica; it behaves as db_replica_host does.
    server = Server(odoo, "--dev=replica", workers=2)
    try:
        code = "\n".join(
            [
                "import json, sys",
                f"sys.path.insert(0, {str(Path(__file__).parent)!r})",
                "import readonly_shell",
                "result = readonly_shell.prepare(env)",
                "env.cr.commit()",
                f"print({MARK!r} + json.dumps(result))",
            ]
        )
        data = odoo.shell(code + "\n", code_root=REPO_ROOT)
        server.start()
        yield {"odoo": odoo, "server": server, "data": data}
    finally:
        server.stop()
        odoo.drop()
        shutil.rmtree(workdir, ignore_errors=True)


def _log_rows(odoo, archive_id):
    conn = odoo.connect(odoo.db)
    try:
        with conn.cursor() as cr:
            cr.execute(
                "SELECT access_type, count(*) FROM cs_archive_access_log"
                " WHERE archive_id = %s GROUP BY access_type",
                [archive_id],
            )
            return dict(cr.fetchall())
    finally:
        conn.close()


def test_writes_are_declared_and_reads_stay_read_only(served):
    odoo, server, data = served["odoo"], served["server"], served["data"]
    archive_id = data["archive_id"]
    browser = Browser(server.url, odoo.db, data["login"])
    # A list only reads: no log row.
    rows = browser.call(
        "cs.guest.archive",
        "web_search_read",
        [["id", "=", archive_id]],
        {"code": {}, "confidentiality_level": {}},
    )
    assert rows["length"] == 1
    assert _log_rows(odoo, archive_id) == {}
    # Opening the form writes the opening.
    browser.call("cs.guest.archive", "web_read", [archive_id], {"code": {}, "note": {}})
    assert _log_rows(odoo, archive_id) == {"open": 1}
    # The register, downloaded by its URL, logs the export.
    status, content_type, body = browser.get(
        f"/report/xlsx/customer_service_reports.guest_archive_register/{archive_id}"
    )
    assert status == 200 and "spreadsheetml" in content_type and body[:2] == b"PK"
    assert _log_rows(odoo, archive_id) == {"open": 1, "export": 1}
    server.stop()
    lines = server.log().splitlines()
    retried = [i for i, line in enumerate(lines) if RETRY_WARNING in line]
    # The warning carries the traceback of the write.
    assert not retried, "a request wrote on a read-only cursor:\n" + "\n".join(
        "\n".join(lines[i : i + 40]) for i in retried
    )
