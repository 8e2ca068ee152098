"""The JSON-2 examples of customer_service/readme/USAGE.md run as written.

Every ``.. code-block:: bash`` with ``:class: tested`` is taken from the file
and run with bash against a prefork server on a copy of the test database,
with $ODOO_URL, $ODOO_DB and $ODOO_KEY (and the ids the text tells readers to
keep) in its environment. Each answer is parsed here, checked against the
database, and compared in shape with the answer the text shows.
"""

import json
import os
import re
import shutil
import subprocess
import tempfile
import textwrap
import uuid
from pathlib import Path

import pytest
from json2 import create_api_keys
from odoo_process import REPO_ROOT, Odoo, Server, clone_database, conf_path, errors

USAGE = REPO_ROOT / "customer_service" / "readme" / "USAGE.md"
# The integration user of the examples, and a CS staff member's for the visit.
LIAISON, STAFF = "cs_liaison_fnb", "cs_staff"
DIRECTIVE = re.compile(r"^\.\. code-block:: (bash|sh)\s*$")


def usage_examples(text):
    """[(code, documented answer)] of the tested shell blocks, in order.

    The answer is the first literal block (a paragraph ending in ``::``) after
    the code.
    """
    lines = text.splitlines()
    examples, i = [], 0
    while i < len(lines):
        if not DIRECTIVE.match(lines[i]):
            i += 1
            continue
        i += 1
        options = []
        while i < len(lines) and lines[i].strip().startswith(":"):
            options.append(lines[i].strip())
            i += 1
        code, i = _indented(lines, i)
        if any(o.startswith(":class:") and "tested" in o.split() for o in options):
            while i < len(lines) and not lines[i].rstrip().endswith("::"):
                i += 1
            answer, i = _indented(lines, i + 1)
            examples.append((code, answer))
    return examples


def _indented(lines, i):
    """The indented block from line i (blank lines before it skipped)."""
    while i < len(lines) and not lines[i].strip():
        i += 1
    start = i
    while i < len(lines) and (not lines[i].strip() or lines[i].startswith(" ")):
        i += 1
    return textwrap.dedent("\n".join(lines[start:i])).strip() + "\n", i


def same_shape(actual, documented):
    """Same JSON types all the way down, and the same keys in every object."""
    if isinstance(documented, dict):
        return (
            isinstance(actual, dict)
            and actual.keys() == documented.keys()
            and all(same_shape(actual[k], documented[k]) for k in documented)
        )
    if isinstance(documented, list):
        return (
            isinstance(actual, list)
            and len(actual) == len(documented)
            and all(same_shape(a, d) for a, d in zip(actual, documented, strict=True))
        )
    if isinstance(documented, bool) or isinstance(actual, bool):
        return type(actual) is type(documented)
    if isinstance(documented, (int, float)):
        return isinstance(actual, (int, float))
    return type(actual) is type(documented)


@pytest.fixture(scope="module")
def served(db_name):
    if not shutil.which("curl"):
        pytest.fail(
            "curl is not installed: the USAGE.md examples cannot run (apt-get install curl)."
        )
    workdir = Path(tempfile.mkdtemp(prefix="cs_json2_usage_"))
    odoo = Odoo(conf_path(), f"{db_name}_j2u_{uuid.uuid4().hex[:6]}", workdir)
    clone_database(odoo, db_name)
    server = Server(odoo, workers=2)
    try:
        keys = create_api_keys(odoo, [LIAISON, STAFF])
        server.start()
        yield odoo, server, keys
    finally:
        server.stop()
        odoo.drop()
        shutil.rmtree(workdir, ignore_errors=True)


def _scalar(odoo, query, params=()):
    conn = odoo.connect(odoo.db)
    try:
        with conn.cursor() as cr:
            cr.execute(query, params)
            return cr.fetchone()
    finally:
        conn.close()


def test_usage_examples_run_as_written(served):
    odoo, server, keys = served
    examples = usage_examples(USAGE.read_text())
    assert len(examples) == 6, f"USAGE.md has {len(examples)} tested examples, this test knows 6"
    env = {**os.environ, "ODOO_URL": server.url, "ODOO_DB": odoo.db, "ODOO_KEY": keys[LIAISON]}

    def run(step, **variables):
        code, documented = examples[step]
        env.update({name: str(value) for name, value in variables.items()})
        done = subprocess.run(
            ["bash", "-e", "-c", code], env=env, capture_output=True, text=True, timeout=60
        )
        assert done.returncode == 0, f"example {step + 1} failed:\n{code}\n{done.stderr}"
        return done.stdout, documented

    def answer(step, **variables):
        out, documented = run(step, **variables)
        result = json.loads(out)
        assert same_shape(result, json.loads(documented)), (
            f"example {step + 1} answers {out!r}, USAGE.md shows {documented!r}"
        )
        return result

    [guest] = answer(0)
    (guest_id,) = _scalar(odoo, "SELECT id FROM res_partner WHERE email = 'guest01@example.com'")
    assert guest["id"] == guest_id
    [department] = answer(1)
    (fnb_id,) = _scalar(odoo, "SELECT id FROM cs_service_department WHERE code = 'fnb'")
    assert department["id"] == fnb_id

    ids = {"GUEST_ID": guest["id"], "DEPARTMENT_ID": department["id"]}
    [consumption_id] = answer(2, **ids)
    # Sent again, as after a lost answer: the same consumption, nothing new.
    assert answer(2, **ids) == [consumption_id]
    ref, partner, amount, count = _scalar(
        odoo,
        """SELECT max(external_ref), max(partner_id), max(amount_total), count(*)
             FROM cs_consumption WHERE external_ref = 'POS-20261203-0042'""",
    )
    assert (partner, amount, count) == (guest["id"], 688.0, 1), (ref, partner, amount, count)

    [read] = answer(3, CONSUMPTION_ID=consumption_id)
    visit_id = read["visit_id"][0]
    state, deadline = _scalar(
        odoo, "SELECT callback_state, callback_deadline FROM cs_visit WHERE id = %s", [visit_id]
    )
    assert read["callback_state"] == state == "pending"
    assert read["callback_deadline"] == deadline.strftime("%Y-%m-%d %H:%M:%S")

    # The liaison's key may not read the visit: a 403 AccessError, as shown.
    out, documented = run(4, VISIT_ID=visit_id)
    body, status = out.rstrip("\n").rsplit("\n", 1)
    assert status == "HTTP 403" == documented.splitlines()[-1], out
    error = json.loads(body)
    assert error["name"] == "odoo.exceptions.AccessError", error
    assert "(cs.visit)" in error["message"], error

    [visit] = answer(5, ODOO_KEY=keys[STAFF])
    assert visit["id"] == visit_id and visit["callback_state"] == "pending"
    assert visit["partner_id"][0] == guest["id"]
    assert visit["amount_total"] >= 688.0

    server.stop()
    assert not errors(server.log()), "\n".join(errors(server.log()))
