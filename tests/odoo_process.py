"""odoo-bin in a process of its own, for the repository-level tests.

A test starts it on a database of its own (``--stop-after-init`` runs, an
``odoo-bin shell`` script, or a server), reads its log, and talks to the
database directly to check what it left.
"""

import configparser
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import psycopg2
import pytest
from psycopg2 import sql

REPO_ROOT = Path(__file__).resolve().parent.parent
MARK = "@@CS-RESULT@@"
TIMEOUT = 600


def conf_path():
    path = Path(os.environ.get("ODOO_CONF", REPO_ROOT / ".build" / "odoo.conf"))
    if not path.is_file():
        pytest.fail(f"No Odoo configuration at {path}: run 'make setup' (or source tools/env.sh).")
    return path


def odoo_bin():
    path = Path(os.environ.get("ODOO_SRC", "/opt/odoo")) / "odoo-bin"
    if not path.is_file():
        pytest.fail(f"odoo-bin not found at {path}: set ODOO_SRC.")
    return path


class Odoo:
    """odoo-bin on one database, with a chosen addons path; each run is logged."""

    def __init__(self, conf, db, workdir):
        self.conf, self.db, self.workdir = conf, db, workdir
        parser = configparser.ConfigParser()
        parser.read(conf)
        self.options = dict(parser["options"]) if parser.has_section("options") else {}
        self.runs = 0

    def addons_path(self, code_root):
        """The configured addons path with the repository replaced by ``code_root``."""
        entries = [
            entry.strip()
            for entry in self.options.get("addons_path", "").split(",")
            if entry.strip() and Path(entry.strip()).resolve() != REPO_ROOT
        ]
        if not entries:
            entries = [str(odoo_bin().parent / "addons")]
        return ",".join([*entries, str(code_root)])

    def run(self, *args, code_root, stdin=None):
        self.runs += 1
        log = self.workdir / f"odoo-{self.runs}-{args[0].lstrip('-')}.log"
        command = [
            sys.executable,
            str(odoo_bin()),
            *([args[0]] if args[0] == "shell" else []),
            "-c",
            str(self.conf),
            f"--addons-path={self.addons_path(code_root)}",
            "-d",
            self.db,
            "--no-http",
            "--max-cron-threads=0",
            *(args[1:] if args[0] == "shell" else args),
        ]
        started = time.monotonic()
        with open(log, "w") as out:
            proc = subprocess.run(
                command,
                input=stdin,
                stdout=out,
                stderr=subprocess.STDOUT,
                text=True,
                timeout=TIMEOUT,
                check=False,
            )
        text = log.read_text()
        if proc.returncode:
            pytest.fail(
                f"odoo-bin {' '.join(args)} exited with {proc.returncode} after "
                f"{time.monotonic() - started:.0f}s; last lines of {log}:\n"
                + "\n".join(text.splitlines()[-40:])
            )
        return text

    def shell(self, code, *, code_root):
        """Run ``code`` in ``odoo-bin shell``; return what it printed after MARK."""
        text = self.run("shell", "--log-level=warn", code_root=code_root, stdin=code)
        for line in text.splitlines():
            if line.startswith(MARK):
                return json.loads(line[len(MARK) :])
        pytest.fail("odoo-bin shell printed no result:\n" + "\n".join(text.splitlines()[-40:]))

    def connect(self, dbname="postgres"):
        opts = self.options

        def opt(name, env):
            value = opts.get(name)
            return value if value not in (None, "", "False") else os.environ.get(env)

        conn = psycopg2.connect(
            dbname=dbname,
            host=opt("db_host", "PGHOST"),
            port=opt("db_port", "PGPORT"),
            user=opt("db_user", "PGUSER"),
            password=opt("db_password", "PGPASSWORD"),
        )
        conn.autocommit = True
        return conn

    def drop(self):
        # Not "with conn": psycopg2 would open a transaction, and DROP DATABASE
        # refuses to run in one.
        conn = self.connect()
        try:
            with conn.cursor() as cr:
                cr.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s",
                    [self.db],
                )
                cr.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(self.db)))
        finally:
            conn.close()
        data_dir = self.options.get("data_dir")
        if data_dir:
            shutil.rmtree(Path(data_dir) / "filestore" / self.db, ignore_errors=True)


def errors(log):
    return [
        line
        for line in log.splitlines()
        if len(line.split(" ", 4)) > 3 and line.split(" ", 4)[3] in ("ERROR", "CRITICAL")
    ]


def busy_workers(conn, db, master_pid, min_age=0.0):
    """The server's processes with a transaction open on ``db`` for ``min_age`` s.

    Found through the client port of each PostgreSQL backend: a prefork
    worker may use a connection its master opened, so the application name
    (``odoo-<pid>``) does not always tell the process.
    """
    import psutil  # noqa: PLC0415

    with conn.cursor() as cr:
        cr.execute(
            "SELECT client_port FROM pg_stat_activity"
            " WHERE datname = %s AND pid <> pg_backend_pid() AND client_port IS NOT NULL"
            " AND xact_start < now() - make_interval(secs => %s)",
            [db, min_age],
        )
        ports = {port for (port,) in cr.fetchall()}
    if not ports:
        return set()
    pids = set()
    for child in psutil.Process(master_pid).children(recursive=True):
        try:
            if any(c.laddr and c.laddr.port in ports for c in child.connections("tcp")):
                pids.add(child.pid)
        except psutil.NoSuchProcess:
            continue
    return pids


def free_port():
    import socket  # noqa: PLC0415

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def clone_database(odoo, source):
    """Create ``odoo.db`` as a copy of ``source`` (PostgreSQL's template copy).

    PostgreSQL copies only a database nobody is connected to: this process's
    pooled connections are closed, and any other session on it is ended
    (an Odoo server drops such a connection and opens a new one).
    """
    try:
        from odoo import sql_db  # noqa: PLC0415

        sql_db.close_db(source)
    except ImportError:
        pass
    conn = odoo.connect()
    try:
        with conn.cursor() as cr:
            for _attempt in range(5):
                cr.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                    " WHERE datname = %s AND pid <> pg_backend_pid()"
                    # Not autovacuum: only a superuser may end it, and
                    # CREATE DATABASE makes it stop by itself.
                    " AND backend_type = 'client backend'",
                    [source],
                )
                try:
                    cr.execute(
                        # FILE_COPY checkpoints around the copy. The default
                        # (WAL_LOG) copies each sequence's page as it is, with
                        # values logged ahead for the template only: after a
                        # crash of the server (test_faults restarts it) the
                        # copy's sequences would go back and hand out ids again.
                        sql.SQL("CREATE DATABASE {} TEMPLATE {} STRATEGY FILE_COPY").format(
                            sql.Identifier(odoo.db), sql.Identifier(source)
                        )
                    )
                    break
                except psycopg2.errors.ObjectInUse:
                    time.sleep(1)
            else:
                pytest.fail(f"{source} stayed in use: it cannot be copied")
    finally:
        conn.close()
    data_dir = odoo.options.get("data_dir")
    if data_dir and (Path(data_dir) / "filestore" / source).is_dir():
        shutil.copytree(
            Path(data_dir) / "filestore" / source,
            Path(data_dir) / "filestore" / odoo.db,
            dirs_exist_ok=True,
        )


class Server:
    """``odoo-bin`` serving ``odoo.db`` in prefork mode on a free loopback port."""

    def __init__(self, odoo, *args, workers=2, cron_threads=0):
        self.odoo, self.args = odoo, args
        self.workers, self.cron_threads = workers, cron_threads
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc = None
        self.starts = 0

    def start(self, timeout=90):
        import urllib.request  # noqa: PLC0415

        self.starts += 1
        self.log_path = self.odoo.workdir / f"server-{self.port}-{self.starts}.log"
        with open(self.log_path, "w") as log:
            self.proc = subprocess.Popen(
                [
                    sys.executable, str(odoo_bin()),
                    "-c", str(self.odoo.conf),
                    "-d", self.odoo.db,
                    f"--db-filter=^{self.odoo.db}$",
                    f"--http-port={self.port}",
                    "--http-interface=127.0.0.1",
                    f"--workers={self.workers}",
                    f"--max-cron-threads={self.cron_threads}",
                    "--gevent-port=0",
                    "--limit-time-cpu=900",
                    "--limit-time-real=900",
                    "--limit-time-real-cron=900",
                    "--log-level=info",
                    *self.args,
                ],
                stdout=log,
                stderr=subprocess.STDOUT,
            )  # fmt: skip
        deadline = time.monotonic() + timeout
        while True:
            if self.proc.poll() is not None:
                pytest.fail(f"odoo-bin exited early, see {self.log_path}")
            try:
                with urllib.request.urlopen(f"{self.url}/web/login", timeout=5) as resp:
                    if resp.status == 200:
                        return self
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"odoo-bin did not answer within {timeout} s, see {self.log_path}")
            time.sleep(0.5)

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def log(self):
        return self.log_path.read_text() if self.log_path else ""
