"""A small client for Odoo 19's external API, JSON-2, and API keys for tests.

``POST /json/2/<model>/<method>`` takes the method's arguments by name in a
JSON body (``ids`` and ``context`` included) and an API key as bearer token.
It answers the method's result as JSON, or an HTTP error status (401, 403,
404, 422, 500...) with a JSON body naming Odoo's exception.
"""

import json
import urllib.error
import urllib.request

from odoo_process import MARK, REPO_ROOT

KEY_NAME = "repository tests"


class Json2Error(Exception):
    """Odoo answered with an HTTP error: ``status``, and ``name`` and
    ``message`` from its JSON body (``name`` is the exception's dotted path,
    e.g. ``odoo.exceptions.AccessError``)."""

    def __init__(self, status, body):
        self.status, self.body = status, body
        self.name = body.get("name", "")
        self.message = body.get("message", "")
        super().__init__(f"HTTP {status} {self.name}: {self.message}")


class Json2:
    """One API key's client of one database."""

    def __init__(self, url, db, key, timeout=120):
        self.url, self.db, self.key, self.timeout = url, db, key, timeout

    def call(self, model, method, *, ids=None, context=None, **params):
        body = dict(params)
        if ids is not None:
            body["ids"] = list(ids)
        if context:
            body["context"] = context
        request = urllib.request.Request(
            f"{self.url}/json/2/{model}/{method}",
            json.dumps(body).encode(),
            {
                "Authorization": f"bearer {self.key}",
                # Needed only when the server hosts several databases.
                "X-Odoo-Database": self.db,
                "Content-Type": "application/json",
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as resp:
                return json.loads(resp.read())
        except urllib.error.HTTPError as error:
            raw = error.read()
            try:
                answer = json.loads(raw)
            except ValueError:
                # An HTML page: the route was not reached (wrong database...).
                answer = {"message": raw.decode(errors="replace")[:500]}
            raise Json2Error(error.code, answer) from None


def create_api_keys(odoo, logins, hours=1):
    """{login: key}: an API key per user, made by Odoo as that user would.

    ``_generate`` runs as the user, so a non-administrator's key needs an
    expiration within what their groups allow (one day by default).
    """
    code = "\n".join(
        [
            "import datetime, json",
            f"expires = datetime.datetime.now() + datetime.timedelta(hours={hours})",
            f"users = env['res.users'].search([('login', 'in', {list(logins)!r})])",
            "keys = {",
            "    user.login: env['res.users.apikeys'].with_user(user)._generate(",
            f"        None, {KEY_NAME!r}, expires",
            "    )",
            "    for user in users",
            "}",
            "env.cr.commit()",
            f"print({MARK!r} + json.dumps(keys))",
        ]
    )
    keys = odoo.shell(code + "\n", code_root=REPO_ROOT)
    missing = set(logins) - set(keys)
    assert not missing, f"no such users in {odoo.db}: {sorted(missing)}"
    return keys


def remove_api_keys(odoo):
    """Drop the keys create_api_keys made (they would expire anyway)."""
    conn = odoo.connect(odoo.db)
    try:
        with conn.cursor() as cr:
            cr.execute("DELETE FROM res_users_apikeys WHERE name = %s", [KEY_NAME])
    finally:
        conn.close()
