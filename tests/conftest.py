"""Fixtures for repository-level tests: a real Odoo server in its own process.

The server runs in prefork mode (two HTTP workers) on a free loopback port,
against the database that 'make test' created, so these tests talk to Odoo
exactly as an external client or a browser does.
"""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def db_name():
    name = os.environ.get("CS_TEST_DB")
    if not name:
        pytest.fail("CS_TEST_DB is not set: run these tests through 'make test'.")
    return name


@pytest.fixture(scope="session")
def odoo_server(db_name):
    """Start odoo-bin with two workers; yield its base URL; stop it."""
    odoo_src = os.environ.get("ODOO_SRC", "/opt/odoo")
    conf = os.environ.get("ODOO_CONF", str(REPO_ROOT / ".build" / "odoo.conf"))
    port = _free_port()
    log_path = REPO_ROOT / ".build" / f"rpc-server-{db_name}.log"
    with open(log_path, "w") as log:
        proc = subprocess.Popen(
            [
                sys.executable,
                f"{odoo_src}/odoo-bin",
                "-c", conf,
                "-d", db_name,
                f"--db-filter=^{db_name}$",
                f"--http-port={port}",
                "--http-interface=127.0.0.1",
                "--workers=2",
                "--max-cron-threads=0",
                "--gevent-port=0",
                "--log-level=warn",
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
        )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    try:
        while True:
            if proc.poll() is not None:
                pytest.fail(f"odoo-bin exited early, see {log_path}")
            try:
                with urllib.request.urlopen(f"{url}/web/login", timeout=5) as resp:
                    if resp.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"odoo-bin did not answer within 90 s, see {log_path}")
            time.sleep(0.5)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
