from odoo import fields, models, tools
from odoo.tools import SQL

from odoo.addons.customer_service.models.cs_compensation import COMPENSATION_TYPES

# How a compensation was authorised (R11), as the ledger and the analysis show it.
AUTHORITY_PATHS = [
    ("within_limit", "Within Limit"),
    ("approved_first", "Approved First"),
    ("countersign_pending", "Consulted, Countersign Pending"),
    ("countersign_done", "Consulted, Countersigned"),
]


def authority_path(countersign_state, signer, authority):
    """The authority path of one signed compensation (the SQL below says the same)."""
    if countersign_state == "pending":
        return "countersign_pending"
    if countersign_state == "done":
        return "countersign_done"
    if authority and authority != signer:
        return "approved_first"
    return "within_limit"


class CsCompensationAnalysis(models.Model):
    """Signed compensation for pivot and graph views: one row per compensation (R5, R11).

    Money and points are kept apart: ``amount`` is the value of every type
    but points, ``points`` the points redeemed. ``booked_amount`` is what
    the compensation's posted journal entries book, so that a pivot shows
    at a glance whether the two tie. Readable by managers and finance, as
    compensation itself is.
    """

    _name = "cs.compensation.analysis"
    _description = "Compensation Analysis"
    _order = "sign_date desc, id desc"
    _auto = False
    _rec_name = "compensation_id"

    compensation_id = fields.Many2one("cs.compensation", readonly=True)
    sign_date = fields.Date(string="Signed On", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Guest", readonly=True)
    complaint_id = fields.Many2one("cs.complaint", readonly=True)
    compensation_type = fields.Selection(COMPENSATION_TYPES, string="Type", readonly=True)
    signer_id = fields.Many2one("res.users", readonly=True)
    approver_id = fields.Many2one("res.users", string="Leader", readonly=True)
    authority_user_id = fields.Many2one("res.users", string="On the Authority of", readonly=True)
    authority_path = fields.Selection(AUTHORITY_PATHS, readonly=True)
    countersign_state = fields.Selection(
        [("none", "Not Needed"), ("pending", "To Countersign"), ("done", "Countersigned")],
        readonly=True,
    )
    amount = fields.Float(readonly=True, aggregator="sum", digits=(16, 2))
    points = fields.Float(string="Points Redeemed", readonly=True, aggregator="sum")
    booked_amount = fields.Float(string="Booked", readonly=True, aggregator="sum", digits=(16, 2))
    compensation_count = fields.Integer(string="Compensations", readonly=True, aggregator="sum")

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                """CREATE OR REPLACE VIEW %s AS (
                    SELECT c.id,
                           c.id AS compensation_id,
                           c.sign_date,
                           c.company_id,
                           c.partner_id,
                           c.complaint_id,
                           c.compensation_type,
                           c.signer_id,
                           c.approver_id,
                           c.authority_user_id,
                           c.countersign_state,
                           CASE WHEN c.countersign_state = 'pending' THEN 'countersign_pending'
                                WHEN c.countersign_state = 'done' THEN 'countersign_done'
                                WHEN c.authority_user_id IS NOT NULL
                                 AND c.authority_user_id != c.signer_id THEN 'approved_first'
                                ELSE 'within_limit'
                           END AS authority_path,
                           CASE WHEN c.compensation_type = 'points' THEN 0
                                ELSE c.amount END AS amount,
                           CASE WHEN c.compensation_type = 'points' THEN c.amount
                                ELSE 0 END AS points,
                           COALESCE(b.booked, 0) AS booked_amount,
                           1 AS compensation_count
                      FROM cs_compensation c
                 LEFT JOIN LATERAL (
                           SELECT SUM(ABS(m.amount_total_signed)) AS booked
                             FROM account_move m
                            WHERE m.cs_compensation_id = c.id
                              AND m.state = 'posted'
                              AND m.id IS DISTINCT FROM c.reversal_move_id) b ON TRUE
                     WHERE c.state = 'done'
                )""",
                SQL.identifier(self._table),
            )
        )
