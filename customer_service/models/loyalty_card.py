import math

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, float_compare, float_is_zero

from ..concurrency import create_or_retry
from ..cron import batches

PROGRAM_XMLID = "customer_service.loyalty_program_returning_guest"
# The expiry cron's history lines point at the card itself: reports tell
# expired points from used ones by it, whatever the language of the line.
EXPIRY_ORDER_MODEL = "loyalty.card"


class LoyaltyCard(models.Model):
    """Returning-guest points (R4) on the "Returning guest points" program.

    Every change of points is a ``loyalty.history`` line (issued or used),
    and the card's ``points`` change by the same amount in the same
    transaction, after the card rows are locked (``_cs_apply_points``): two
    sessions never spend the same points, the balance never goes below zero,
    and a card's points always equal the sum of its history.
    """

    _inherit = "loyalty.card"

    # Core loyalty has no such index: two first earnings at the same instant
    # would open two cards. The second now meets the index and is retried.
    _cs_partner_program_unique = models.UniqueIndex(
        "(partner_id, program_id)"
        " WHERE cs_one_card_per_partner AND active AND partner_id IS NOT NULL",
        "A guest holds one card of this program.",
    )

    # Precomputed, so that the INSERT itself meets the index, inside the
    # savepoint that turns the clash into a retry.
    cs_one_card_per_partner = fields.Boolean(
        related="program_id.cs_one_card_per_partner", store=True, precompute=True
    )

    @api.model
    def _cs_program(self):
        return self.env.ref(PROGRAM_XMLID).sudo()

    @api.model
    def _cs_cards(self, partners, create=True):
        """The program's card of each (commercial) partner, created on first earning."""
        program = self._cs_program()
        partners = partners.commercial_partner_id
        cards = self.sudo().search(
            [("program_id", "=", program.id), ("partner_id", "in", partners.ids)], order="id"
        )
        by_partner = {}
        for card in cards:
            by_partner.setdefault(card.partner_id, card)
        missing = partners.filtered(lambda p: p not in by_partner)
        if missing and create:
            new = create_or_retry(
                # Cards open by the thousand on a first import: no "created"
                # note or tracking on each.
                self.sudo().with_context(loyalty_no_mail=True, tracking_disable=True),
                [{"program_id": program.id, "partner_id": p.id, "points": 0} for p in missing],
                "loyalty_card_cs_partner_program_unique",
            )
            by_partner.update({card.partner_id: card for card in new})
        return by_partner

    @api.model
    def _cs_apply_points(self, changes):
        """Apply point changes under lock and log each one in the history.

        ``changes``: dicts with ``card``, ``delta`` (negative takes points),
        ``description``, optional ``order`` (the record the change comes from)
        and ``partial`` (take what is left rather than refuse). Returns the
        history lines created, in the order of ``changes`` (skipping zeros).
        """
        if not changes:
            return self.env["loyalty.history"]
        cards = self.sudo().browse(sorted({change["card"].id for change in changes}))
        cards.flush_recordset(["points"])
        cr = self.env.cr
        # Lock in id order. Under REPEATABLE READ a row another session has
        # changed since our snapshot raises a serialization error: Odoo
        # retries, and the retry reads the current balance.
        cr.execute(
            SQL(
                "SELECT id, points FROM loyalty_card WHERE id IN %s ORDER BY id FOR NO KEY UPDATE",
                tuple(cards.ids),
            )
        )
        balance = dict(cr.fetchall())
        history_vals = []
        for change in changes:
            card, delta = change["card"], change["delta"]
            if float_compare(balance[card.id] + delta, 0.0, precision_digits=2) < 0:
                if not change.get("partial"):
                    raise UserError(
                        self.env._(
                            "%(partner)s has %(points)s points, fewer than the %(needed)s needed.",
                            partner=card.partner_id.name,
                            points=balance[card.id],
                            needed=-delta,
                        )
                    )
                delta = -balance[card.id]
            if float_is_zero(delta, precision_digits=2):
                continue
            balance[card.id] += delta
            vals = {"card_id": card.id, "description": change["description"]}
            vals.update({"issued": delta} if delta > 0 else {"used": -delta})
            if change.get("order"):
                vals.update({"order_model": change["order"]._name, "order_id": change["order"].id})
            history_vals.append(vals)
        values = SQL(", ").join(SQL("(%s, %s)", card_id, pts) for card_id, pts in balance.items())
        cr.execute(
            SQL(
                "UPDATE loyalty_card AS c SET points = v.points::float8"
                " FROM (VALUES %s) AS v(id, points) WHERE c.id = v.id",
                values,
            )
        )
        cards.invalidate_recordset(["points"])
        return self.env["loyalty.history"].sudo().create(history_vals)

    # ------------------------------------------------------------------
    # Earning, redeeming, expiring
    # ------------------------------------------------------------------

    @api.model
    def _cs_award_consumption_points(self, consumptions, new=False):
        """Book the points a guest earns for consumptions, once per consumption.

        Points are the consumption's amount times its department's rate,
        rounded down. A negative consumption (a credit note) takes points
        back, as far as the balance goes. Calling it again for the same
        consumption does nothing. A batch is one pass: one card look-up, one
        locked update of the cards and one history ``create`` (``new``: the
        consumptions were just created, so none has points yet).
        """
        consumptions = consumptions.sudo().filtered(lambda c: c.partner_id)
        if not consumptions:
            return self.env["loyalty.history"]
        done = (
            set()
            if new
            else set(
                self.env["loyalty.history"]
                .sudo()
                .search(
                    [("order_model", "=", "cs.consumption"), ("order_id", "in", consumptions.ids)]
                )
                .mapped("order_id")
            )
        )
        to_award = []
        for consumption in consumptions:
            if consumption.id in done:
                continue
            rate = consumption.department_id.points_per_amount
            amount = consumption.amount_total * rate
            points = math.floor(amount) if amount >= 0 else -math.floor(-amount)
            if points:
                to_award.append((consumption, points))
        if not to_award:
            return self.env["loyalty.history"]
        cards = self._cs_cards(self.env["res.partner"].union(*(c.partner_id for c, __ in to_award)))
        return self._cs_apply_points(
            [
                {
                    "card": cards[consumption.partner_id.commercial_partner_id],
                    "delta": points,
                    "description": self.env._(
                        "Consumption %(name)s (%(department)s)",
                        name=consumption.name,
                        department=consumption.department_id.name,
                    ),
                    "order": consumption,
                    "partial": points < 0,
                }
                for consumption, points in to_award
            ]
        )

    @api.model
    def _cs_redeem_points(self, compensation):
        """Take a points compensation's amount off the guest's card."""
        card = self._cs_cards(compensation.partner_id, create=False).get(
            compensation.partner_id.commercial_partner_id
        )
        if not card:
            raise UserError(
                self.env._(
                    "%(partner)s has no returning-guest points yet.",
                    partner=compensation.partner_id.name,
                )
            )
        return self._cs_apply_points(
            [
                {
                    "card": card,
                    "delta": -compensation.amount,
                    "description": self.env._("Redeemed: %(name)s", name=compensation.name),
                    "order": compensation,
                }
            ]
        )

    @api.model
    def _cs_restore_points(self, compensation):
        """Give back the points of a cancelled points compensation."""
        history = compensation.sudo().loyalty_history_id
        return self._cs_apply_points(
            [
                {
                    "card": history.card_id,
                    "delta": history.used,
                    "description": self.env._("Cancelled: %(name)s", name=compensation.name),
                    "order": compensation,
                }
            ]
        )

    @api.model
    def _cs_cron_expire_points(self):
        """Expire points not spent within the validity period, oldest first.

        Spending uses the oldest points first, so what expires on a card is
        what it earned before the cut-off minus everything it has used (and
        already lost to expiry) since it opened.
        """
        days = int(
            self.env["ir.config_parameter"]
            .sudo()
            .get_param("customer_service.points_validity_days", 730)
            or 0
        )
        if days <= 0:
            return
        cutoff = fields.Datetime.subtract(fields.Datetime.now(), days=days)
        History = self.env["loyalty.history"].sudo()
        program_domain = [("card_id.program_id", "=", self._cs_program().id)]
        old_issued = dict(
            History._read_group(
                [*program_domain, ("create_date", "<", cutoff)], ["card_id"], ["issued:sum"]
            )
        )
        used = dict(
            History._read_group(
                [*program_domain, ("card_id", "in", [c.id for c in old_issued])],
                ["card_id"],
                ["used:sum"],
            )
        )
        changes = []
        for card, issued in old_issued.items():
            expired = issued - used.get(card, 0.0)
            if float_compare(expired, 0.0, precision_digits=2) > 0:
                changes.append(
                    {
                        "card": card,
                        "delta": -expired,
                        "description": self.env._("Points expired"),
                        "order": card,
                        "partial": True,
                    }
                )
        # What is used includes what expired before, so a batch redone after
        # a crash finds nothing left to expire on the cards it did.
        for batch in batches(self.env, changes):
            self._cs_apply_points(batch)
