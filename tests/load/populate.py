"""Grow an installed customer-service database to load-test size, in SQL.

Adds guests (a partner and an archive each, in the main hotel), their past
stays (visits, called back, with the contact record of the call), the
consumption of each stay and three items per consumption::

    python tests/load/populate.py -d cs_load --archives 100000 --lines 1000000

Why not ``odoo-bin populate``: Odoo 19's populate multiplies every row of a
model (the users' and companies' partners included) and speeds up only as a
PostgreSQL superuser (``session_replication_role``), which the odoo role is
not. Here each row is written once, complete: the stored computes (amounts,
visit dates, names) are computed in the same ``INSERT ... SELECT
generate_series``, ids come from the tables' own sequences, and every unique
key holds by construction: one archive per guest and company, one pending
visit per guest, outlet references left empty. What the business path adds
and the load does not need is left out: chatter messages, callback
activities, loyalty points (no card, so points still equal their history).

Deterministic: guest ``g`` is confidential when ``g % 20`` is 1 or 2, top
secret when it is 3, owned by the CS staff in turn; one guest in 50 has a
stay still waiting for its callback.
"""

import argparse
import os
import sys
import time

import psycopg2

ROUNDS_PER_STAY = 2  # consumptions of a guest per stay
PENDING_EVERY = 50  # one guest in this many has a pending callback
ITEMS = 3  # items per consumption
ATTEMPTS = 3


def connect(db):
    return psycopg2.connect(
        dbname=db,
        host=os.environ.get("PGHOST", "127.0.0.1"),
        port=os.environ.get("PGPORT", "5432"),
        user=os.environ.get("PGUSER", "odoo"),
        password=os.environ.get("PGPASSWORD", "odoo"),
    )


def one(cr, query, params=()):
    cr.execute(query, params)
    row = cr.fetchone()
    return row and row[0]


def populate(cr, archives, lines, log=print):
    consumptions = max(1, lines // ITEMS)
    company_id = one(cr, "SELECT company_id FROM res_users WHERE login = 'cs_staff'")
    owners = [
        one(cr, "SELECT id FROM res_users WHERE login = %s", [login])
        for login in ("cs_staff", "cs_staff2")
    ]
    if not company_id or not all(owners):
        raise SystemExit("the demo users cs_staff and cs_staff2 are missing: install with demo")
    cr.execute("SELECT id FROM cs_service_department WHERE active ORDER BY id")
    departments = [row[0] for row in cr.fetchall()]
    reporter = one(cr, "SELECT id FROM res_users WHERE login = 'cs_liaison_fo'")
    offset = one(cr, "SELECT count(*) FROM cs_guest_archive WHERE code LIKE 'LD%%'") or 0
    params = {
        "n": archives,
        "c": consumptions,
        "off": offset,
        "company": company_id,
        "owners": owners,
        "departments": departments,
        "reporter": reporter,
        "rounds": ROUNDS_PER_STAY,
        "pending": PENDING_EVERY,
    }

    def step(label, query):
        started = time.monotonic()
        cr.execute(query, params)
        log(f"  {label}: {cr.rowcount} rows in {time.monotonic() - started:.1f} s")

    # Guests: g = 1..n, with the ids their rows get.
    step(
        "guest ids",
        """CREATE TEMP TABLE load_guest ON COMMIT DROP AS
           SELECT g, nextval('res_partner_id_seq')::int AS partner_id,
                  nextval('cs_guest_archive_id_seq')::int AS archive_id,
                  (%(owners)s::int[])[1 + g %% cardinality(%(owners)s::int[])] AS owner_id
             FROM generate_series(%(off)s + 1, %(off)s + %(n)s) g""",
    )
    step(
        "res.partner",
        """INSERT INTO res_partner (id, name, complete_name, commercial_partner_id, type,
                  active, is_company, partner_share, lang, tz, email, email_normalized,
                  autopost_bills, color, message_bounce, supplier_rank, customer_rank,
                  create_uid, write_uid, create_date, write_date)
           SELECT partner_id, 'Load Guest ' || g, 'Load Guest ' || g, partner_id, 'contact',
                  true, false, true, 'zh_CN', 'Asia/Shanghai', 'load' || g || '@example.com',
                  'load' || g || '@example.com', 'ask', 0, 0, 0, 0, 1, 1,
                  now() at time zone 'utc', now() at time zone 'utc'
             FROM load_guest""",
    )
    step(
        "cs.guest.archive",
        """INSERT INTO cs_guest_archive (id, partner_id, company_id, owner_id, code, name,
                  guest_type, vip_level, confidentiality_level, customer_class, credit_class,
                  active, is_permanent, is_lunar_birthday, lang, next_review_date,
                  create_uid, write_uid, create_date, write_date)
           SELECT archive_id, partner_id, %(company)s, owner_id, 'LD' || lpad(g::text, 7, '0'),
                  'Load Guest ' || g, 'individual',
                  (ARRAY['none', 'none', 'none', 'silver', 'gold', 'platinum'])[1 + g %% 6],
                  CASE WHEN g %% 20 IN (1, 2) THEN 'confidential'
                       WHEN g %% 20 = 3 THEN 'top_secret' ELSE 'secret' END,
                  'normal', 'b', true, false, false, 'zh_CN',
                  (now() at time zone 'utc')::date + (g %% 90),
                  1, 1, now() at time zone 'utc', now() at time zone 'utc'
             FROM load_guest""",
    )
    # Consumption k = 1..c goes to guest 1 + (k-1) %% n, in round (k-1) / n;
    # ROUNDS_PER_STAY rounds make one stay. Dates run back from now.
    step(
        "consumption plan",
        """CREATE TEMP TABLE load_consumption ON COMMIT DROP AS
           SELECT k, lg.partner_id, lg.owner_id, lg.g,
                  ((k - 1) / %(n)s) / %(rounds)s AS stay,
                  (%(departments)s::int[])[1 + k %% cardinality(%(departments)s::int[])]
                      AS department_id,
                  (now() at time zone 'utc')
                      - make_interval(mins => ((%(c)s - k) * 5 + 60)::int) AS consumption_date,
                  nextval('cs_consumption_id_seq')::int AS id
             FROM generate_series(1, %(c)s) k
             JOIN load_guest lg ON lg.g = %(off)s + 1 + (k - 1) %% %(n)s""",
    )
    step(
        "amounts",
        """ALTER TABLE load_consumption ADD COLUMN amount numeric;
           UPDATE load_consumption SET amount =
               (SELECT sum((1 + (k + i) %% 3) * (20 + (k * 7 + i * 13) %% 180)::numeric)
                  FROM generate_series(1, 3) i)""",
    )
    # The last stay of one guest in PENDING_EVERY waits for its callback.
    step(
        "visit plan",
        """CREATE TEMP TABLE load_visit ON COMMIT DROP AS
           SELECT partner_id, stay, min(owner_id) AS owner_id, min(g) AS g,
                  min(consumption_date) AS date_start, max(consumption_date) AS date_end,
                  sum(amount) AS amount_total,
                  (min(g) %% %(pending)s = 0 AND stay = max(stay) OVER (PARTITION BY partner_id))
                      AS pending,
                  nextval('cs_visit_id_seq')::int AS id,
                  nextval('cs_contact_log_id_seq')::int AS log_id
             FROM load_consumption GROUP BY partner_id, stay""",
    )
    # The visit and its call point at each other: the visit's foreign key is
    # set aside while both are inserted, then checked again in one scan.
    cr.execute(
        """SELECT pg_get_constraintdef(oid) FROM pg_constraint
            WHERE conname = 'cs_visit_callback_log_id_fkey'"""
    )
    visit_log_fkey = cr.fetchone()[0]
    cr.execute("ALTER TABLE cs_visit DROP CONSTRAINT cs_visit_callback_log_id_fkey")
    step(
        "cs.visit",
        """INSERT INTO cs_visit (id, company_id, partner_id, callback_user_id, callback_log_id,
                  callback_state, satisfaction, amount_total, callback_on_time,
                  callback_escalated, date_start, date_end, callback_deadline, callback_date,
                  create_uid, write_uid, create_date, write_date)
           SELECT id, %(company)s, partner_id, owner_id,
                  CASE WHEN pending THEN NULL ELSE log_id END,
                  CASE WHEN pending THEN 'pending' ELSE 'done' END,
                  CASE WHEN pending THEN NULL
                       ELSE (ARRAY['satisfied', 'satisfied', 'average', 'dissatisfied'])[1 + g %% 4]
                  END,
                  amount_total, NOT pending AND g %% 10 <> 0, false, date_start, date_end,
                  CASE WHEN pending THEN (now() at time zone 'utc')
                           + make_interval(hours => (g %% 96) - 24)
                       ELSE date_start + interval '3 days' END,
                  CASE WHEN pending THEN NULL ELSE date_start + interval '1 day' END,
                  1, 1, date_start, date_end
             FROM load_visit""",
    )
    step(
        "cs.contact.log",
        """INSERT INTO cs_contact_log (id, company_id, partner_id, visit_id, user_id,
                  contact_type, channel, outcome, satisfaction, is_dissatisfied, contact_date,
                  create_uid, write_uid, create_date, write_date)
           SELECT v.log_id, %(company)s, v.partner_id, v.id, v.owner_id, 'callback', 'phone',
                  'reached', vis.satisfaction, vis.satisfaction = 'dissatisfied',
                  vis.callback_date, v.owner_id, v.owner_id, vis.callback_date, vis.callback_date
             FROM load_visit v JOIN cs_visit vis ON vis.id = v.id
            WHERE NOT v.pending""",
    )
    cr.execute(
        "ALTER TABLE cs_visit ADD CONSTRAINT cs_visit_callback_log_id_fkey " + visit_log_fkey
    )
    step(
        "cs.consumption",
        """INSERT INTO cs_consumption (id, company_id, partner_id, department_id,
                  reported_by_id, visit_id, name, source, amount_total, consumption_date,
                  create_uid, write_uid, create_date, write_date)
           SELECT c.id, %(company)s, c.partner_id, c.department_id, %(reporter)s, v.id,
                  'LD/' || lpad(c.k::text, 8, '0'), 'import', c.amount, c.consumption_date,
                  1, 1, c.consumption_date, c.consumption_date
             FROM load_consumption c
             JOIN load_visit v ON v.partner_id = c.partner_id AND v.stay = c.stay""",
    )
    step(
        "cs.consumption.line",
        """INSERT INTO cs_consumption_line (consumption_id, sequence, company_id, name,
                  quantity, price_unit, price_subtotal, create_uid, write_uid, create_date,
                  write_date)
           SELECT c.id, 10 * i, %(company)s, 'Item ' || i, 1 + (c.k + i) %% 3,
                  20 + (c.k * 7 + i * 13) %% 180,
                  (1 + (c.k + i) %% 3) * (20 + (c.k * 7 + i * 13) %% 180),
                  1, 1, c.consumption_date, c.consumption_date
             FROM load_consumption c CROSS JOIN generate_series(1, 3) i""",
    )
    return {"archives": archives, "consumptions": consumptions, "lines": consumptions * ITEMS}


def _populate_once(args):
    conn = connect(args.database)
    try:
        with conn, conn.cursor() as cr:
            counts = populate(cr, args.archives, args.lines)
        conn.autocommit = True
        with conn.cursor() as cr:
            cr.execute("ANALYZE")
        return counts
    finally:
        conn.close()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--archives", type=int, default=100_000)
    parser.add_argument("--lines", type=int, default=1_000_000)
    args = parser.parse_args(argv)
    started = time.monotonic()
    for attempt in range(1, ATTEMPTS + 1):
        try:
            counts = _populate_once(args)
            break
        except (psycopg2.OperationalError, psycopg2.InterfaceError) as exc:
            # One transaction: a server that went away (a restart) left
            # nothing behind, and the whole population can simply run again.
            if attempt == ATTEMPTS:
                raise
            print(f"  lost the database ({exc}); again in 15 s", file=sys.stderr)
            time.sleep(15)
    print(
        f"populated {args.database}: {counts['archives']} archives, "
        f"{counts['consumptions']} consumptions, {counts['lines']} lines "
        f"in {time.monotonic() - started:.0f} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
