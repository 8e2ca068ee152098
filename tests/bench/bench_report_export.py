"""XLSX exports of the reports add-on (issue 6) against bare xlsxwriter.

A leader (who reads every archive) exports the guest archive register, and a
CS manager the consumption summary, for all N rows, through the report
action: search as the user, batched fetch, typed cells, access-log rows for
every confidential or top-secret archive exported. The floor is bare
xlsxwriter in ``constant_memory`` mode writing the same cells, fetched
beforehand by one SQL query, in the same run.

Time and memory are measured in separate passes (tracing slows Python down).
Memory is the Python peak (tracemalloc) and the process's resident peak
(VmHWM, reset before each pass), both above what the process held before.
"""

import io
import os

import xlsxwriter

from odoo.addons.base.tests.common import DISABLED_MAIL_CONTEXT

from .run import Figure, timer

REGISTER = "customer_service_reports.cs_guest_archive_register_report"
SUMMARY = "customer_service_reports.cs_consumption_summary_report"
LEVELS = ("secret", "confidential", "top_secret")
STAFF = 10
BATCH = 5000
GUESTS = 1000
# The resident-memory goal: no more than this above bare xlsxwriter's peak.
RSS_ALLOWANCE_MB = 200
TRACE_MEMORY = os.environ.get("BENCH_TRACE_MEMORY", "1") != "0"


def _user(env, login, group):
    Users = env["res.users"].with_context(no_reset_password=True)
    user = Users.search([("login", "=", login)])
    if not user:
        user = Users.create(
            {"name": login, "login": login, "group_ids": [(6, 0, env.ref(group).ids)]}
        )
    return user


def _staff(env):
    return [
        _user(env, f"bench_report_staff_{i:02d}", "customer_service.group_cs_user")
        for i in range(STAFF)
    ]


def populate(env, n):
    """Bring the database to n archives and n consumptions (one item each).

    Archives go through the ORM, as in bench_archive_list. Consumptions are
    inserted by SQL with their stored computed values: they are the export's
    input here, and the ingestion bench measures how they are created.
    """
    env = env(context=dict(env.context, **DISABLED_MAIL_CONTEXT))
    staff = _staff(env)
    _user(env, "bench_report_leader", "customer_service.group_cs_leader")
    _user(env, "bench_report_manager", "customer_service.group_cs_manager")
    Archive = env["cs.guest.archive"].with_context(active_test=False)
    existing = Archive.search_count([])
    for start in range(existing, n, BATCH):
        size = min(BATCH, n - start)
        partners = env["res.partner"].create(
            [{"name": f"Bench report guest {start + i}"} for i in range(size)]
        )
        Archive.create(
            [
                {
                    "partner_id": partner.id,
                    "confidentiality_level": LEVELS[(start + i) % len(LEVELS)],
                    "owner_id": staff[(start + i) % STAFF].id,
                    "vip_level": "gold" if (start + i) % 4 == 0 else "none",
                }
                for i, partner in enumerate(partners)
            ]
        )
        env.cr.commit()
        env.invalidate_all()
    cr = env.cr
    cr.execute("SELECT count(*) FROM cs_consumption")
    have = cr.fetchone()[0]
    if have < n:
        cr.execute(
            """
            WITH guests AS (
                SELECT partner_id, owner_id, row_number() OVER (ORDER BY id) - 1 AS k
                  FROM cs_guest_archive ORDER BY id LIMIT %(guests)s
            ), departments AS (
                SELECT id, row_number() OVER (ORDER BY id) - 1 AS k FROM cs_service_department
            ), counts AS (
                SELECT (SELECT count(*) FROM guests) AS g, (SELECT count(*) FROM departments) AS d
            ), rows AS (
                SELECT s AS i,
                       timestamp '2026-01-01 08:00' + (s %% 300) * interval '1 day'
                           + (s %% 600) * interval '1 minute' AS at
                  FROM generate_series(%(have)s, %(n)s - 1) s
            )
            INSERT INTO cs_consumption (name, company_id, partner_id, department_id,
                                        consumption_date, amount_total, source,
                                        create_uid, create_date, write_uid, write_date)
            SELECT 'BENCH/' || lpad(r.i::text, 7, '0'), %(company)s, g.partner_id, dep.id,
                   r.at, 100 + (r.i %% 900), 'import',
                   1, now(), 1, now()
              FROM rows r
        CROSS JOIN counts c
              JOIN guests g ON g.k = r.i %% c.g
              JOIN departments dep ON dep.k = r.i %% c.d
            """,
            {"guests": GUESTS, "have": have, "n": n, "company": env.company.id},
        )
        # One closed visit per consumption (called back, or not needed), so
        # that the summary has callback columns to write. None is pending:
        # the partial unique index allows one pending visit per guest.
        cr.execute(
            """
            CREATE TEMP TABLE bench_visit ON COMMIT DROP AS
            SELECT nextval('cs_visit_id_seq') AS visit_id, c.id AS consumption_id,
                   c.partner_id, c.company_id, c.consumption_date, c.amount_total,
                   a.owner_id, c.id % 3 AS k
              FROM cs_consumption c
         LEFT JOIN cs_guest_archive a ON a.partner_id = c.partner_id
             WHERE c.name LIKE 'BENCH/%' AND c.visit_id IS NULL;
            INSERT INTO cs_visit (id, partner_id, company_id, date_start, date_end, amount_total,
                                  callback_deadline, callback_state, callback_on_time,
                                  callback_user_id, create_uid, create_date, write_uid,
                                  write_date)
            SELECT visit_id, partner_id, company_id, consumption_date, consumption_date,
                   amount_total, consumption_date + interval '3 days',
                   CASE WHEN k = 0 THEN 'not_needed' ELSE 'done' END, k = 1, owner_id,
                   1, now(), 1, now()
              FROM bench_visit;
            UPDATE cs_consumption c SET visit_id = b.visit_id
              FROM bench_visit b WHERE b.consumption_id = c.id;
            """
        )
        cr.execute(
            """
            INSERT INTO cs_consumption_line (consumption_id, sequence, company_id, name,
                                             quantity, price_unit, price_subtotal,
                                             create_uid, create_date, write_uid, write_date)
            SELECT c.id, 10, c.company_id, 'Set dinner', 1, c.amount_total, c.amount_total,
                   1, now(), 1, now()
              FROM cs_consumption c
             WHERE c.name LIKE 'BENCH/%'
               AND NOT EXISTS (SELECT 1 FROM cs_consumption_line l WHERE l.consumption_id = c.id)
            """
        )
        cr.execute("ANALYZE cs_consumption; ANALYZE cs_consumption_line; ANALYZE cs_visit")
    cr.execute("ANALYZE cs_guest_archive")


# ------------------------------------------------------------
# Bare xlsxwriter: the same cells, fetched beforehand
# ------------------------------------------------------------


def _register_cells(env):
    env.cr.execute(
        """
        SELECT a.code, a.name, a.guest_type, a.confidentiality_level, a.classified_until,
               a.customer_class, a.credit_class, a.vip_level, COALESCE(a.is_permanent, FALSE),
               p.name, a.create_date::date, a.next_review_date
          FROM cs_guest_archive a
     LEFT JOIN res_users u ON u.id = a.owner_id
     LEFT JOIN res_partner p ON p.id = u.partner_id
         WHERE a.active
      ORDER BY a.code DESC, a.id DESC
        """
    )
    return env.cr.fetchall(), ("s", "s", "s", "s", "d", "s", "s", "s", "b", "s", "d", "d")


def _summary_cells(env):
    env.cr.execute(
        """
        SELECT c.name, c.consumption_date, d.name->>'en_US', p.name, 1, c.amount_total,
               c.source, v.callback_state, up.name, COALESCE(v.callback_on_time, FALSE)
          FROM cs_consumption c
     LEFT JOIN cs_visit v ON v.id = c.visit_id
          JOIN cs_service_department d ON d.id = c.department_id
          JOIN res_partner p ON p.id = c.partner_id
     LEFT JOIN res_users u ON u.id = v.callback_user_id
     LEFT JOIN res_partner up ON up.id = u.partner_id
      ORDER BY c.consumption_date DESC, c.id DESC
        """
    )
    return env.cr.fetchall(), ("s", "t", "s", "s", "n", "n", "s", "s", "s", "b")


def _bare(rows, kinds):
    """Write the rows as typed cells, constant_memory, with a frozen header."""
    out = io.BytesIO()
    workbook = xlsxwriter.Workbook(out, {"constant_memory": True})
    sheet = workbook.add_worksheet("Bare")
    date_fmt = workbook.add_format({"num_format": "yyyy-mm-dd"})
    time_fmt = workbook.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    number_fmt = workbook.add_format({"num_format": "#,##0.00"})
    header = workbook.add_format({"bold": True})
    writers = {
        "s": (sheet.write_string, None),
        "d": (sheet.write_datetime, date_fmt),
        "t": (sheet.write_datetime, time_fmt),
        "n": (sheet.write_number, number_fmt),
        "b": (sheet.write_boolean, None),
    }
    plan = [writers[kind] for kind in kinds]
    for col in range(len(kinds)):
        sheet.write_string(0, col, f"Column {col}", header)
    sheet.freeze_panes(1, 0)
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row):
            if value is None:
                continue
            write, fmt = plan[c]
            write(r, c, value, fmt)
    sheet.autofilter(0, 0, len(rows), len(kinds) - 1)
    workbook.close()
    return out.getvalue()


# ------------------------------------------------------------
# Measures
# ------------------------------------------------------------


def _rss_kb(field):
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field):
                return int(line.split()[1])
    return 0


def _reset_rss_peak():
    # Linux: writing 5 resets the resident peak (VmHWM) to the current size.
    try:
        with open("/proc/self/clear_refs", "w") as refs:
            refs.write("5")
        return True
    except OSError:
        return False


def _measure(fn):
    """(seconds, python peak MB, resident peak MB above the start) of fn().

    The resident pass comes first (it also warms the caches up): once a pass
    has grown the heap, the next ones reuse it and show no growth.
    """
    rss_peak = python_peak = 0.0
    if _reset_rss_peak():
        start = _rss_kb("VmRSS:")
        fn()
        rss_peak = (_rss_kb("VmHWM:") - start) / 1024
    else:
        fn()
    with timer() as timing:
        fn()
    if TRACE_MEMORY:
        with timer(trace_memory=True) as traced:
            fn()
        python_peak = traced["peak_mb"]
    return timing["seconds"], python_peak, rss_peak


def _figures(label, rows, report_fn, bare_fn):
    seconds, python_peak, rss_peak = _measure(report_fn)
    bare_seconds, bare_python, bare_rss = _measure(bare_fn)
    figures = [
        Figure(
            f"{label}: rows per second",
            rows / seconds if seconds else 0.0,
            rows / bare_seconds if bare_seconds else 0.0,
            "r/s",
            "bare xlsxwriter (higher is faster)",
        ),
        Figure(
            f"{label}: seconds, {rows} rows",
            seconds,
            bare_seconds,
            "s",
            "bare xlsxwriter, constant_memory",
            goal=2,
        ),
    ]
    if TRACE_MEMORY:
        figures.append(
            Figure(
                f"{label}: Python peak",
                python_peak,
                bare_python,
                "MB",
                "bare xlsxwriter (tracemalloc)",
            )
        )
    figures.append(
        Figure(
            f"{label}: resident peak above bare",
            max(0.0, rss_peak - bare_rss),
            RSS_ALLOWANCE_MB,
            "MB",
            f"allowance of {RSS_ALLOWANCE_MB} MB (VmHWM)",
            goal=1,
        )
    )
    return figures


def run(env, n):
    env = env(context=dict(env.context, **DISABLED_MAIL_CONTEXT))
    leader = _user(env, "bench_report_leader", "customer_service.group_cs_leader")
    manager = _user(env, "bench_report_manager", "customer_service.group_cs_manager")
    Report = env["ir.actions.report"]
    env.flush_all()

    archive_count = env["cs.guest.archive"].with_user(leader).search_count([])
    register_rows, register_kinds = _register_cells(env)

    def register():
        # Each pass logs its exports: roll them back so that passes are alike.
        with env.cr.savepoint(flush=False):
            Report.with_user(leader).with_context(lang="en_US")._render(REGISTER, [], {})
        env.invalidate_all()

    consumption_count = env["cs.consumption"].search_count([])
    summary_rows, summary_kinds = _summary_cells(env)

    def summary():
        Report.with_user(manager).with_context(lang="en_US")._render(SUMMARY, [], {})
        env.invalidate_all()

    figures = _figures(
        "archive register",
        archive_count,
        register,
        lambda: _bare(register_rows, register_kinds),
    )
    figures += _figures(
        "consumption summary",
        consumption_count,
        summary,
        lambda: _bare(summary_rows, summary_kinds),
    )
    return figures
