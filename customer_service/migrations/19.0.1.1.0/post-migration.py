"""19.0.1.1.0: callbacks move from each consumption to the guest's visit.

Up to 19.0.1.0.0 every consumption owed its own callback, with its own
deadline, caller, activity and escalation. Now a ``cs.visit`` owes one call
for the stay and its consumptions follow it. On the database of the previous
version this script:

1. gives every consumption a visit. The pending ones (old stored
   ``callback_state``) fold by the visit's rule, one pending visit per guest
   and company, whose deadline is the earliest of their old deadlines and
   whose caller is the earliest one's. A called-back consumption becomes a
   closed visit of its own, with its old callback record. A credit note joins
   the visit of what it takes back, or gets a visit with no callback;
2. points the contact records of a consumption at its visit;
3. moves the open callback and overdue activities onto the visits, one per
   visit (one per visit and manager for the overdue ones), and closes the
   others, so that no per-consumption callback stays open;
4. switches the ``noupdate`` data that the update leaves alone: both
   activity types and the escalation cron now work on ``cs.visit``, and the
   returning-guest program keeps one card per guest (after merging the
   duplicate cards an old race could open).

The update has already added the new columns, and left the old consumption
columns (``callback_state``, ``callback_deadline``, ``callback_user_id``,
``callback_on_time``, ``callback_escalated``) as they were: Odoo recomputes a
stored field only when it creates its column, and drops the column of a
removed field only once every module is loaded. They are read here, before
the related fields take their visit's values.

Running it again does nothing: it works only on consumptions without a visit
and on activities still open on ``cs.consumption``. It reads in bulk and
writes in batches, so that tens of thousands of consumptions cost a few dozen
queries per batch, not a few per consumption.
"""

import logging
from collections import defaultdict

from odoo import SUPERUSER_ID, api
from odoo.tools import SQL, split_every
from odoo.tools.sql import column_exists

_logger = logging.getLogger(__name__)

BATCH = 2000
# The outcomes of a call that reached the guest (cs_contact_log.py). Frozen
# here: this script must keep meaning what 19.0.1.1.0 meant.
CLOSING_OUTCOMES = ("reached", "refused")
CALLBACK_TYPE = "customer_service.mail_activity_type_callback"
OVERDUE_TYPE = "customer_service.mail_activity_type_callback_overdue"
ESCALATION_CRON = "customer_service.ir_cron_cs_consumption_callback_escalation"
RETURNING_GUEST = "customer_service.loyalty_program_returning_guest"
# Written once, at the upgrade, in the feedback of the activities it closes.
# Not through _(): a term only an upgrade shows would be one more to
# translate for nothing (and the translation test reads this file too).
FOLDED_FEEDBACK = "Folded into the visit's callback when consumption callbacks became visits."


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(
        cr,
        SUPERUSER_ID,
        {
            "tracking_disable": True,
            "mail_create_nolog": True,
            "mail_create_nosubscribe": True,
            "mail_notrack": True,
            "mail_activity_quick_update": True,
            "loyalty_no_mail": True,
        },
    )
    # The update may still hold computations of the new columns in memory:
    # write them before SQL reads or changes the same rows.
    env.flush_all()
    _switch_noupdate_data(env)
    _assign_visits(env)
    _link_contact_logs(env)
    _move_activities(env)
    _one_card_per_guest(env)
    env.flush_all()


# ----------------------------------------------------------------------
# noupdate data
# ----------------------------------------------------------------------


def _switch_noupdate_data(env):
    for xmlid in (CALLBACK_TYPE, OVERDUE_TYPE):
        activity_type = env.ref(xmlid, raise_if_not_found=False)
        if activity_type and activity_type.res_model != "cs.visit":
            activity_type.res_model = "cs.visit"
    cron = env.ref(ESCALATION_CRON, raise_if_not_found=False)
    if cron and cron.model_id.model != "cs.visit":
        cron.model_id = env["ir.model"]._get("cs.visit")


# ----------------------------------------------------------------------
# Visits
# ----------------------------------------------------------------------


def _assign_visits(env):
    cr = env.cr
    escalated = (
        SQL("COALESCE(c.callback_escalated, FALSE)")
        if column_exists(cr, "cs_consumption", "callback_escalated")
        else SQL("FALSE")
    )
    cr.execute(
        SQL(
            """SELECT c.id, c.partner_id, c.company_id, COALESCE(c.callback_state, 'pending'),
                      c.callback_deadline, c.consumption_date, c.callback_user_id,
                      COALESCE(c.callback_on_time, FALSE), %s, c.reversed_id
                 FROM cs_consumption c
                WHERE c.visit_id IS NULL""",
            escalated,
        )
    )
    rows = cr.fetchall()
    if not rows:
        return
    delay = env["cs.visit"]._callback_delay()
    consumptions = {}
    for cid, partner, company, state, deadline, date, user, on_time, esc, reversed_id in rows:
        consumptions[cid] = {
            "id": cid,
            "key": (partner, company),
            "state": state,
            # The old deadline was editable and is kept; a missing one is the rule's.
            "deadline": deadline or date + delay,
            "user_id": user,
            "on_time": on_time,
            "escalated": esc,
            "reversed_id": reversed_id,
        }
    ordered = sorted(consumptions.values(), key=lambda c: (c["deadline"], c["id"]))

    visit_of = {}  # consumption id -> visit id, or an index into new_vals
    new_vals = []

    # Pending: one visit per guest and company, joining one already open.
    pending = defaultdict(list)
    for consumption in ordered:
        if consumption["state"] == "pending":
            pending[consumption["key"]].append(consumption)
    open_visits = _open_visits(env, pending)
    for key, group in pending.items():
        if key in open_visits:
            target = open_visits[key]
        else:
            target = ("new", len(new_vals))
            new_vals.append(
                {
                    "partner_id": key[0],
                    "company_id": key[1],
                    "callback_state": "pending",
                    "callback_deadline": group[0]["deadline"],
                    "callback_user_id": next((c["user_id"] for c in group if c["user_id"]), False),
                    "callback_escalated": any(c["escalated"] for c in group),
                }
            )
        for consumption in group:
            visit_of[consumption["id"]] = target

    # Called back: a closed visit each, with its old callback record.
    done = [c for c in ordered if c["state"] == "done"]
    logs = _callback_logs(env, [c["id"] for c in done])
    for consumption in done:
        log_id, log_date = logs.get(consumption["id"], (False, False))
        visit_of[consumption["id"]] = ("new", len(new_vals))
        new_vals.append(
            {
                "partner_id": consumption["key"][0],
                "company_id": consumption["key"][1],
                "callback_state": "done",
                "callback_deadline": consumption["deadline"],
                "callback_user_id": consumption["user_id"],
                "callback_log_id": log_id,
                "callback_date": log_date,
                # The old KPI stays what it was reported as: the first
                # callback came before the deadline.
                "callback_on_time": consumption["on_time"],
                "callback_escalated": consumption["escalated"],
            }
        )

    # No callback (credit notes): the visit of what they take back.
    rest = [c for c in ordered if c["id"] not in visit_of]
    reversed_visits = _current_visits(
        env, {c["reversed_id"] for c in rest if c["reversed_id"]} - consumptions.keys()
    )
    for consumption in rest:
        target = _reversed_target(consumption, consumptions, visit_of, reversed_visits)
        if target is None:
            target = ("new", len(new_vals))
            new_vals.append(
                {
                    "partner_id": consumption["key"][0],
                    "company_id": consumption["key"][1],
                    "callback_state": "not_needed",
                    "callback_deadline": consumption["deadline"],
                    "callback_user_id": consumption["user_id"],
                    "callback_escalated": consumption["escalated"],
                }
            )
        visit_of[consumption["id"]] = target

    Visit = env["cs.visit"]
    new_ids = []
    for vals_list in split_every(BATCH, new_vals, list):
        new_ids.extend(Visit.create(vals_list).ids)
        env.flush_all()
    pairs = [
        (cid, new_ids[target[1]] if isinstance(target, tuple) else target)
        for cid, target in visit_of.items()
    ]
    _write_visit_ids(env, pairs)
    _logger.info(
        "cs.visit: %s consumptions in %s new visits (%s pending)",
        len(pairs),
        len(new_ids),
        sum(1 for vals in new_vals if vals["callback_state"] == "pending"),
    )


def _open_visits(env, pending):
    """The pending visit of each (partner, company) key that already has one."""
    if not pending:
        return {}
    visits = env["cs.visit"].search_fetch(
        [
            ("callback_state", "=", "pending"),
            ("partner_id", "in", list({partner for partner, __ in pending})),
        ],
        ["partner_id", "company_id"],
    )
    return {(v.partner_id.id, v.company_id.id): v.id for v in visits}


def _callback_logs(env, consumption_ids):
    """{consumption id: (log id, date)}: the callback that closed it.

    The first callback that reached the guest, else the first attempt (the
    previous version closed on any callback record): its satisfaction is the
    one the visit reports.
    """
    result = {}
    for ids in split_every(BATCH * 5, consumption_ids, list):
        env.cr.execute(
            SQL(
                """SELECT DISTINCT ON (consumption_id) consumption_id, id, contact_date
                     FROM cs_contact_log
                    WHERE consumption_id = ANY(%s) AND contact_type = 'callback'
                 ORDER BY consumption_id, outcome IN %s DESC, contact_date, id""",
                ids,
                CLOSING_OUTCOMES,
            )
        )
        result.update({cid: (log_id, date) for cid, log_id, date in env.cr.fetchall()})
    return result


def _current_visits(env, consumption_ids):
    """{consumption id: visit id} for consumptions that already have a visit."""
    if not consumption_ids:
        return {}
    env.cr.execute(
        SQL(
            "SELECT id, visit_id FROM cs_consumption WHERE id = ANY(%s) AND visit_id IS NOT NULL",
            list(consumption_ids),
        )
    )
    return dict(env.cr.fetchall())


def _reversed_target(consumption, consumptions, visit_of, reversed_visits):
    """The visit a credit note joins: that of what it reverses, through chains."""
    seen = set()
    reversed_id = consumption["reversed_id"]
    while reversed_id and reversed_id not in seen:
        seen.add(reversed_id)
        if reversed_id in visit_of:
            return visit_of[reversed_id]
        if reversed_id in reversed_visits:
            return reversed_visits[reversed_id]
        reversed_id = consumptions.get(reversed_id, {}).get("reversed_id")
    return None


def _write_visit_ids(env, pairs):
    """Set cs_consumption.visit_id in bulk, then let the ORM recompute what follows.

    One UPDATE per batch instead of a write per visit. ``modified`` then
    marks what depends on the link: the consumptions' related callback
    fields and the visits' dates and totals, computed at the flush.
    """
    Consumption = env["cs.consumption"]
    for chunk in split_every(BATCH, pairs, list):
        env.cr.execute(
            SQL(
                """UPDATE cs_consumption AS c SET visit_id = v.visit_id
                     FROM (VALUES %s) AS v(id, visit_id)
                    WHERE c.id = v.id AND c.visit_id IS NULL""",
                SQL(", ").join(SQL("(%s, %s)", cid, vid) for cid, vid in chunk),
            )
        )
        env.invalidate_all()
        Consumption.browse([cid for cid, __ in chunk]).modified(["visit_id"])
        env.flush_all()
        env.invalidate_all()


def _link_contact_logs(env):
    env.cr.execute(
        SQL(
            """UPDATE cs_contact_log AS l SET visit_id = c.visit_id
                 FROM cs_consumption AS c
                WHERE l.consumption_id = c.id AND l.visit_id IS NULL AND c.visit_id IS NOT NULL
            RETURNING l.id"""
        )
    )
    log_ids = [log_id for (log_id,) in env.cr.fetchall()]
    env.invalidate_all()
    for ids in split_every(BATCH, log_ids, list):
        env["cs.contact.log"].browse(ids).modified(["visit_id"])
        env.flush_all()


# ----------------------------------------------------------------------
# Activities
# ----------------------------------------------------------------------


def _move_activities(env):
    """One open callback activity per pending visit, one overdue per visit and manager.

    The earliest-due open activity of each (on a tie, the visit caller's)
    moves to the visit: ``res_id`` and ``res_model_id`` are written, and
    ``res_model``, its stored related field, follows (written itself, it
    would write the ``ir.model``). The others are closed as ``_action_done``
    leaves them: archived, with a done date and a feedback. ``_action_done``
    itself would also post a chatter message on each consumption, a template
    rendering and a few queries per activity, for activities nobody did: at
    tens of thousands that would be most of the upgrade.
    """
    callback = env.ref(CALLBACK_TYPE, raise_if_not_found=False)
    overdue = env.ref(OVERDUE_TYPE, raise_if_not_found=False)
    type_ids = [t.id for t in (callback, overdue) if t]
    if not type_ids:
        return
    cr = env.cr
    cr.execute(
        SQL(
            """SELECT a.id, a.activity_type_id, a.user_id, c.visit_id, v.callback_state
                 FROM mail_activity a
                 JOIN cs_consumption c ON c.id = a.res_id
                 JOIN cs_visit v ON v.id = c.visit_id
                WHERE a.res_model = 'cs.consumption' AND a.active
                  AND a.activity_type_id = ANY(%s)
             ORDER BY a.date_deadline, a.user_id IS DISTINCT FROM v.callback_user_id, a.id""",
            type_ids,
        )
    )
    rows = cr.fetchall()
    if not rows:
        return
    # What the visits already hold (a second run, or a visit opened since).
    cr.execute(
        SQL(
            """SELECT activity_type_id, user_id, res_id FROM mail_activity
                WHERE res_model = 'cs.visit' AND active AND activity_type_id = ANY(%s)
                  AND res_id = ANY(%s)""",
            type_ids,
            list({row[3] for row in rows}),
        )
    )
    taken = {_activity_key(callback, t, u, v) for t, u, v in cr.fetchall()}
    moves, closes = [], []
    for activity_id, type_id, user_id, visit_id, state in rows:
        key = _activity_key(callback, type_id, user_id, visit_id)
        if key in taken or (callback and type_id == callback.id and state != "pending"):
            closes.append(activity_id)
        else:
            taken.add(key)
            moves.append((activity_id, type_id, visit_id))

    Activity = env["mail.activity"]
    model_id = env["ir.model"]._get_id("cs.visit")
    for chunk in split_every(BATCH, moves, list):
        # One recordset, so that the writes share one prefetch; the visits'
        # names first, as mail.activity reads its res_name one record at a time.
        activities = Activity.browse([activity_id for activity_id, __, __ in chunk])
        activities.fetch(["res_model_id", "res_id", "user_id", "date_deadline", "active"])
        env["cs.visit"].browse([visit_id for __, __, visit_id in chunk]).mapped("display_name")
        for activity, (__, __, visit_id) in zip(activities, chunk, strict=True):
            # One value each: written in the cache, flushed in batched UPDATEs.
            activity.write({"res_model_id": model_id, "res_id": visit_id})
        env.flush_all()
    for ids in split_every(BATCH, closes, list):
        Activity.browse(ids).write({"active": False, "feedback": FOLDED_FEEDBACK})
        env.flush_all()

    # Like mail.activity.create: whoever holds an activity follows its record.
    moved = Activity.browse([activity_id for activity_id, __, __ in moves])
    by_user = defaultdict(set)
    for activity in moved:
        if activity.user_id:
            by_user[activity.user_id].add(activity.res_id)
    for user, visit_ids in by_user.items():
        for ids in split_every(BATCH, visit_ids, list):
            env["cs.visit"].browse(ids).message_subscribe(partner_ids=user.partner_id.ids)
    # The callback's summary now names the whole stay (its departments and
    # total), as it does for a consumption that joins a visit.
    if callback:
        called = [visit_id for __, type_id, visit_id in moves if type_id == callback.id]
        for ids in split_every(BATCH, called, list):
            env["cs.visit"].browse(ids)._sync_callback_activities(env["cs.visit"])
            env.flush_all()
    _logger.info(
        "cs.visit: %s callback activities moved to visits, %s folded ones closed",
        len(moves),
        len(closes),
    )


def _activity_key(callback, type_id, user_id, visit_id):
    # One callback per visit, whoever holds it; one overdue per visit and manager.
    if callback and type_id == callback.id:
        return (type_id, visit_id)
    return (type_id, visit_id, user_id)


# ----------------------------------------------------------------------
# Loyalty: one card per guest
# ----------------------------------------------------------------------


def _one_card_per_guest(env):
    """Merge a guest's duplicate returning-guest cards, then switch the flag on.

    The unique index on (partner, program) of active one-card programs was
    built while the flag was still False everywhere, so it stands; turning
    the flag on would fail on the first guest whose two first earnings raced
    and opened two cards. Those points are the guest's, so the duplicates
    are merged rather than reported and left: each guest keeps the oldest
    card (the one the previous version credited ever after), which takes the
    others' history lines and points; the others are emptied and archived,
    so that their codes still resolve. Each merge is logged as a warning.
    """
    program = env.ref(RETURNING_GUEST, raise_if_not_found=False)
    if not program:
        return
    Card = env["loyalty.card"]
    groups = Card._read_group(
        [("program_id", "=", program.id), ("partner_id", "!=", False)],
        ["partner_id"],
        ["id:array_agg"],
        having=[("__count", ">", 1)],
    )
    for partner, card_ids in groups:
        cards = Card.browse(sorted(card_ids))
        keep, others = cards[0], cards[1:]
        env["loyalty.history"].search([("card_id", "in", others.ids)]).write({"card_id": keep.id})
        keep.points += sum(others.mapped("points"))
        others.write({"points": 0.0, "active": False})
        _logger.warning(
            "Guest %s (id %s) held %s returning-guest cards: merged %s into %s",
            partner.display_name,
            partner.id,
            len(cards),
            ", ".join(others.mapped("code")),
            keep.code,
        )
    if not program.cs_one_card_per_partner:
        # The cards' stored related flag follows through the ORM.
        program.cs_one_card_per_partner = True
