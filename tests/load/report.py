"""What a load run left: its figures, the server's retries, the database's invariants.

Used by ``tools/load.sh`` (as a script, which writes the summary files) and by
``tests/test_load.py`` (as a module, which asserts on the same numbers)::

    python tests/load/report.py --database cs_load --summary run.json \\
        --server-log server.log [--pg-log pg.log] --out bench-results/load-<stamp>
"""

import argparse
import json
import os
import re
import sys
from collections import defaultdict
from pathlib import Path

import psycopg2

# Odoo's retry of a request (odoo/service/model.py logs the error code and
# the tries left) and PostgreSQL's own words for the same events.
RETRY = re.compile(r"\b(SERIALIZATION_FAILURE|DEADLOCK_DETECTED|LOCK_NOT_AVAILABLE), ")
RETRY_KEYS = {
    "SERIALIZATION_FAILURE": "serialization",
    "DEADLOCK_DETECTED": "deadlock",
    "LOCK_NOT_AVAILABLE": "lock_not_available",
}
# A statement that failed on a concurrent update: logged at ERROR by sql_db,
# then retried by the request (the retry is logged above).
RETRIED_STATEMENT = re.compile(r"could not serialize access|could not obtain lock")
RECORD_START = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ \d+ ")
PG_PATTERNS = {
    "serialization": re.compile(r"could not serialize access"),
    "deadlock": re.compile(r"deadlock detected"),
}
GOAL_RATIO = 3.0
JOURNEYS = ("staff", "liaison", "manager", "finance")


def connect(db):
    return psycopg2.connect(
        dbname=db,
        host=os.environ.get("PGHOST", "127.0.0.1"),
        port=os.environ.get("PGPORT", "5432"),
        user=os.environ.get("PGUSER", "odoo"),
        password=os.environ.get("PGPASSWORD", "odoo"),
    )


# ----------------------------------------------------------------------
# Logs
# ----------------------------------------------------------------------


def _records(text):
    """The log's entries: a line with a timestamp and what follows it."""
    record = []
    for line in text.splitlines():
        if RECORD_START.match(line) and record:
            yield record
            record = []
        record.append(line)
    if record:
        yield record


def server_log_counts(text):
    """Retries and deadlocks the Odoo server logged, and its errors.

    A deadlock or serialization failure is logged twice: the failed
    statement (sql_db, ERROR) and the request's retry (INFO). The retry is
    counted; a failed statement is an error only when it is neither.
    """
    counts = {key: 0 for key in RETRY_KEYS.values()}
    counts["retried_statements"] = 0
    errors = []
    for record in _records(text):
        head, body = record[0], "\n".join(record)
        match = RETRY.search(head)
        if match:
            counts[RETRY_KEYS[match.group(1)]] += 1
            continue
        parts = head.split(" ", 5)
        if len(parts) < 5 or parts[3] not in ("ERROR", "CRITICAL"):
            continue
        if "odoo.sql_db: bad query" in head and (
            RETRIED_STATEMENT.search(body) or "deadlock detected" in body
        ):
            counts["retried_statements"] += 1
            continue
        if "deadlock detected" in body:
            counts["deadlock"] += 1
        # A request that failed in the server (a 500) is logged at ERROR with
        # its traceback; business refusals are WARNINGs.
        errors.append(body[:600])
    counts["errors"] = len(errors)
    return counts, errors


# werkzeug's access line in Odoo: "<METHOD> <path> HTTP/1.1" <status> - <queries>
# <SQL seconds> <other seconds>.
ACCESS = re.compile(r'"(?:POST|GET) (\S+) HTTP/[\d.]+" \d+ - (\d+) ([\d.]+) ([\d.]+)')


def route_times(text):
    """Time spent in the server per route, without the wait for a free worker.

    {route: {"n", "queries_p50", "sql_p50", "p50", "p95"}} in seconds. Next to
    the client's times it tells queueing (a saturated server) from work.
    """
    rows = defaultdict(list)
    for line in text.splitlines():
        match = ACCESS.search(line)
        if not match:
            continue
        path, queries, sql_s, other_s = match.groups()
        path = path.split("?")[0].split("#")[0]
        if path.startswith("/report/"):
            path = path.rsplit("/", 1)[0] if path.count("/") > 3 else path
        rows[path].append((int(queries), float(sql_s), float(sql_s) + float(other_s)))

    def pct(values, p):
        values = sorted(values)
        return values[min(len(values) - 1, int(p * len(values)))]

    return {
        path: {
            "n": len(found),
            "queries_p50": pct([r[0] for r in found], 0.5),
            "sql_p50": round(pct([r[1] for r in found], 0.5), 3),
            "p50": round(pct([r[2] for r in found], 0.5), 3),
            "p95": round(pct([r[2] for r in found], 0.95), 3),
        }
        for path, found in rows.items()
    }


def routes_table(routes):
    lines = [
        "| route | n | queries p50 | SQL p50 s | server p50 s | server p95 s |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for path, f in sorted(routes.items(), key=lambda item: -item[1]["p95"]):
        lines.append(
            f"| {path} | {f['n']} | {f['queries_p50']} | {f['sql_p50']:.3f} "
            f"| {f['p50']:.3f} | {f['p95']:.3f} |"
        )
    return "\n".join(lines)


def pg_log_counts(text, db):
    """The same events in PostgreSQL's log, for this database only."""
    counts = dict.fromkeys(PG_PATTERNS, 0)
    for line in text.splitlines():
        if f"@{db} " not in line:
            continue
        for key, pattern in PG_PATTERNS.items():
            if pattern.search(line):
                counts[key] += 1
    return counts


# ----------------------------------------------------------------------
# Invariants
# ----------------------------------------------------------------------


def _effective_limits(cr):
    """{(user, type, company): (per_day or None, per_month or None)}, as the
    model computes them: the user's own limit, else the highest of their
    groups' (with implied groups); zero means no cap."""
    cr.execute(
        """WITH RECURSIVE user_group(uid, gid) AS (
               SELECT uid, gid FROM res_groups_users_rel
               UNION
               SELECT ug.uid, r.hid FROM user_group ug
               JOIN res_groups_implied_rel r ON r.gid = ug.gid)
           SELECT u.id, l.compensation_type, l.company_id, l.user_id IS NOT NULL,
                  l.max_per_day, l.max_per_month
             FROM res_users u
             JOIN cs_authority_limit l
               ON l.active AND (l.user_id = u.id
                   OR l.group_id IN (SELECT gid FROM user_group WHERE uid = u.id))"""
    )
    rows = defaultdict(list)
    for user_id, ctype, company_id, own, per_day, per_month in cr.fetchall():
        rows[(user_id, ctype, company_id)].append((own, per_day, per_month))

    def highest(values):
        return None if any(not v for v in values) else max(values)

    limits = {}
    for key, found in rows.items():
        own = [row for row in found if row[0]]
        found = own or found
        limits[key] = (highest([r[1] for r in found]), highest([r[2] for r in found]))
    return limits


def overspent_limits(cr):
    """Signed compensation over its authority's daily or monthly limit."""
    limits = _effective_limits(cr)
    problems = []
    for period, trunc in (("day", "day"), ("month", "month")):
        cr.execute(
            f"""SELECT authority_user_id, compensation_type, company_id,
                       date_trunc('{trunc}', sign_date)::date, sum(amount), count(*)
                  FROM cs_compensation
                 WHERE state = 'done' AND authority_user_id IS NOT NULL
                 GROUP BY 1, 2, 3, 4"""
        )
        for user_id, ctype, company_id, start, total, count in cr.fetchall():
            per_day, per_month = limits.get((user_id, ctype, company_id), (None, None))
            cap = per_day if period == "day" else per_month
            if cap is not None and float(total) > float(cap) + 0.005:
                problems.append(
                    f"user {user_id} {ctype} company {company_id} {period} {start}: "
                    f"{float(total):.2f} in {count} > limit {float(cap):.2f}"
                )
    return problems


def points_mismatches(cr):
    """Cards whose points differ from the sum of their history lines."""
    cr.execute(
        """SELECT c.id, c.points, coalesce(h.total, 0)
             FROM loyalty_card c
             LEFT JOIN (SELECT card_id, sum(coalesce(issued, 0) - coalesce(used, 0)) AS total
                          FROM loyalty_history GROUP BY card_id) h ON h.card_id = c.id
            WHERE abs(c.points - coalesce(h.total, 0)) > 0.001"""
    )
    return [f"card {cid}: points {pts} != history {total}" for cid, pts, total in cr.fetchall()]


def negative_cards(cr):
    cr.execute("SELECT id, points FROM loyalty_card WHERE points < -0.001")
    return [f"card {cid}: {pts} points" for cid, pts in cr.fetchall()]


def invariants(db):
    conn = connect(db)
    try:
        with conn.cursor() as cr:
            return {
                "limits_overspent": overspent_limits(cr),
                "points_mismatch": points_mismatches(cr),
                "points_negative": negative_cards(cr),
            }
    finally:
        conn.close()


def database_facts(db):
    conn = connect(db)
    try:
        with conn.cursor() as cr:
            facts = {}
            cr.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
            facts["size"] = cr.fetchone()[0]
            for table in (
                "cs_guest_archive",
                "cs_consumption",
                "cs_consumption_line",
                "cs_visit",
                "cs_compensation",
            ):
                cr.execute(f"SELECT count(*) FROM {table}")  # fixed names, not input
                facts[table] = cr.fetchone()[0]
            return facts
    finally:
        conn.close()


# ----------------------------------------------------------------------
# The table
# ----------------------------------------------------------------------


def _ms(value):
    return "-" if value is None else f"{value:.0f}"


def goals(summary):
    """{journey: ratio of its p95 to the baseline's}, and whether all meet the goal."""
    base = summary["journeys"]["baseline"]["p95"]
    ratios = {}
    for journey in JOURNEYS:
        p95 = summary["journeys"][journey]["p95"]
        ratios[journey] = round(p95 / base, 2) if p95 and base else None
    return ratios, all(r is not None and r <= GOAL_RATIO for r in ratios.values())


def table(summary):
    ratios, _met = goals(summary)
    base = summary["journeys"]["baseline"]["p95"]
    lines = [
        "| journey | requests | failures | refusals | p50 ms | p95 ms | baseline p95 ms | ratio |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for journey, figures in summary["journeys"].items():
        refusals = sum(figures.get("refusals", {}).values())
        lines.append(
            f"| {journey} | {figures['requests']} | {figures['failures']} | {refusals} "
            f"| {_ms(figures['p50'])} | {_ms(figures['p95'])} | {_ms(base)} "
            f"| {ratios.get(journey) if journey in ratios else '-'} |"
        )
    return "\n".join(lines)


def steps_table(summary):
    lines = ["| step | requests | failures | p50 ms | p95 ms |", "|---|---:|---:|---:|---:|"]
    for name, figures in summary["steps"].items():
        lines.append(
            f"| {name} | {figures['requests']} | {figures['failures']} "
            f"| {_ms(figures['p50'])} | {_ms(figures['p95'])} |"
        )
    return "\n".join(lines)


def markdown(result):
    summary = result["locust"]
    ratios, met = goals(summary)
    run = result["run"]
    parts = [
        f"# Load run {run.get('stamp', '')}",
        "",
        f"- database: `{run.get('database')}` ({result['database']['size']}): "
        f"{result['database']['cs_guest_archive']} archives, "
        f"{result['database']['cs_consumption_line']} consumption lines, "
        f"{result['database']['cs_visit']} visits",
        f"- population: {run.get('population', 'reused')}",
        f"- server: {run.get('workers')} workers; locust: {run.get('users')} users, "
        f"spawn rate {run.get('spawn_rate')}/s, {run.get('time')}, "
        f"at most {run.get('max_requests')} requests; ran {summary['duration_s']} s",
        f"- load average at start: {run.get('load_start', '?')}",
        f"- load average at end: {run.get('load_end', '?')}",
        "",
        table(summary),
        "",
        f"Goal p95 <= {GOAL_RATIO:g} x baseline: {'met' if met else 'NOT met'} ({ratios}).",
        "",
        "Refusals (business answers, not failures) and skipped steps:",
        "",
    ]
    for journey, figures in summary["journeys"].items():
        if figures.get("refusals") or figures.get("skipped"):
            parts.append(
                f"- {journey}: refused {figures.get('refusals') or {}}, "
                f"skipped {figures.get('skipped') or {}}"
            )
    server = result["server_log"]
    parts += [
        "",
        f"Server log: {server['serialization']} serialization retries "
        f"({server['retried_statements']} statements failed on a concurrent update), "
        f"{server['deadlock']} deadlocks, {server['lock_not_available']} lock timeouts, "
        f"{server['errors']} other ERROR entries (failed requests are logged there).",
        f"PostgreSQL log: {result.get('pg_log') or 'not read'}.",
        "",
        "Invariants: "
        + ", ".join(f"{key}: {len(value)}" for key, value in result["invariants"].items()),
    ]
    for key, value in result["invariants"].items():
        parts += [f"- {key}: {line}" for line in value[:20]]
    if summary["errors"]:
        parts += ["", "Failures:", ""]
        parts += [f"- {e['count']} x {e['name']}: {e['error'][:200]}" for e in summary["errors"]]
    parts += ["", "## Steps (client side, queueing included)", "", steps_table(summary), ""]
    if result.get("routes"):
        parts += [
            "## Server time per route (from the access log, queueing excluded)",
            "",
            routes_table(result["routes"]),
            "",
        ]
    return "\n".join(parts)


def collect(db, summary_path, server_log, pg_log=None, run=None):
    summary = json.loads(Path(summary_path).read_text())
    log_text = Path(server_log).read_text(errors="replace")
    counts, errors = server_log_counts(log_text)
    result = {
        "routes": route_times(log_text),
        "run": run or {},
        "locust": summary,
        "server_log": counts,
        "server_errors": errors[:50],
        "pg_log": pg_log_counts(Path(pg_log).read_text(errors="replace"), db) if pg_log else None,
        "invariants": invariants(db),
        "database": database_facts(db),
    }
    result["ratios"], result["goal_met"] = goals(summary)
    return result


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("--database", required=True)
    parser.add_argument("--summary", required=True, help="locust's JSON summary")
    parser.add_argument("--server-log", required=True)
    parser.add_argument("--pg-log")
    parser.add_argument("--run", default="{}", help="JSON facts about the run")
    parser.add_argument("--out", required=True, help="path prefix of the .json and .md")
    args = parser.parse_args(argv)
    result = collect(
        args.database, args.summary, args.server_log, args.pg_log, json.loads(args.run)
    )
    Path(f"{args.out}.json").write_text(json.dumps(result, indent=2))
    text = markdown(result)
    Path(f"{args.out}.md").write_text(text)
    print(text)
    if problems(result):
        return 1
    return 0 if result["goal_met"] else 2


def problems(result):
    """What makes a run fail, whatever its speed."""
    found = []
    if result["locust"]["total"]["failures"]:
        found.append(f"{result['locust']['total']['failures']} failed requests")
    if result["server_log"]["errors"]:
        found.append(f"{result['server_log']['errors']} server errors")
    deadlocks = result["server_log"]["deadlock"] + ((result["pg_log"] or {}).get("deadlock") or 0)
    if deadlocks:
        found.append(f"{deadlocks} deadlocks")
    found += [f"{key}: {len(value)}" for key, value in result["invariants"].items() if value]
    return found


if __name__ == "__main__":
    sys.exit(main())
