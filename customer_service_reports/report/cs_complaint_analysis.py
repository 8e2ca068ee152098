from odoo import fields, models, tools
from odoo.tools import SQL

from odoo.addons.customer_service.models.cs_complaint import COMPLAINT_STATES, DONE_STATES
from odoo.addons.customer_service.models.cs_contact_log import CHANNELS

SLA_OUTCOMES = [
    ("met", "Met"),
    ("missed", "Missed"),
    ("pending", "Awaiting Response"),
]


class CsComplaintAnalysis(models.Model):
    """Complaints for pivot and graph views, and the complaint statistics (R14).

    One row per complaint. The first response is the complaint's own
    ``first_response_date``: the moment it left "registered", judged valid or
    invalid (the guest then has an answer). Its SLA outcome:

    - met: answered by the ``response_deadline`` (48 hours by default);
    - missed: answered after it, or still unanswered with the deadline past;
    - awaiting response: unanswered, the deadline still ahead.

    The outcome flags are 0/1 integers so that a pivot or a ``_read_group``
    sums them. Readable by CS staff only, as complaints are: the view holds
    no more than the complaint list shows, and a company rule keeps
    companies apart.
    """

    _name = "cs.complaint.analysis"
    _description = "Complaint Analysis"
    _order = "complaint_date desc, id desc"
    _auto = False
    _rec_name = "name"

    name = fields.Char(string="Reference", readonly=True)
    complaint_id = fields.Many2one("cs.complaint", readonly=True)
    complaint_date = fields.Datetime(string="Complained On", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Guest", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    user_id = fields.Many2one("res.users", string="Handled By", readonly=True)
    category_id = fields.Many2one("cs.complaint.category", readonly=True)
    department_id = fields.Many2one(
        "cs.service.department", string="Responsible Department", readonly=True
    )
    severity = fields.Selection([("normal", "Normal"), ("major", "Major")], readonly=True)
    channel = fields.Selection(CHANNELS, readonly=True)
    state = fields.Selection(COMPLAINT_STATES, readonly=True)
    response_deadline = fields.Datetime(readonly=True)
    first_response_date = fields.Datetime(readonly=True)
    closed_date = fields.Datetime(readonly=True)
    sla_outcome = fields.Selection(SLA_OUTCOMES, string="SLA", readonly=True)
    sla_met_count = fields.Integer(string="SLA Met", readonly=True, aggregator="sum")
    sla_missed_count = fields.Integer(string="SLA Missed", readonly=True, aggregator="sum")
    sla_pending_count = fields.Integer(string="Awaiting Response", readonly=True, aggregator="sum")
    invalid_count = fields.Integer(string="Invalid", readonly=True, aggregator="sum")
    closed_count = fields.Integer(string="Closed", readonly=True, aggregator="sum")
    response_hours = fields.Float(
        string="Hours to First Response", readonly=True, aggregator="avg", digits=(16, 1)
    )
    resolution_hours = fields.Float(
        string="Hours to Close", readonly=True, aggregator="avg", digits=(16, 1)
    )

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        # "Now" is the transaction's, in UTC as the Datetime columns are.
        self.env.cr.execute(
            SQL(
                """CREATE OR REPLACE VIEW %(view)s AS (
                    SELECT c.id,
                           c.id AS complaint_id,
                           c.name,
                           c.complaint_date,
                           c.partner_id,
                           c.company_id,
                           c.user_id,
                           c.category_id,
                           c.department_id,
                           c.severity,
                           c.channel,
                           c.state,
                           c.response_deadline,
                           c.first_response_date,
                           c.closed_date,
                           sla.outcome AS sla_outcome,
                           (sla.outcome = 'met')::int AS sla_met_count,
                           (sla.outcome = 'missed')::int AS sla_missed_count,
                           (sla.outcome = 'pending')::int AS sla_pending_count,
                           (c.state = 'invalid')::int AS invalid_count,
                           (c.state IN %(done)s)::int AS closed_count,
                           EXTRACT(EPOCH FROM c.first_response_date - c.complaint_date)
                               / 3600.0 AS response_hours,
                           EXTRACT(EPOCH FROM c.closed_date - c.complaint_date)
                               / 3600.0 AS resolution_hours
                      FROM cs_complaint c
                CROSS JOIN LATERAL (
                           SELECT CASE
                                  WHEN c.first_response_date IS NOT NULL
                                   AND (c.response_deadline IS NULL
                                        OR c.first_response_date <= c.response_deadline)
                                      THEN 'met'
                                  WHEN c.first_response_date IS NOT NULL
                                      THEN 'missed'
                                  WHEN c.response_deadline < (NOW() AT TIME ZONE 'UTC')
                                      THEN 'missed'
                                  ELSE 'pending'
                                  END AS outcome) sla
                )""",
                view=SQL.identifier(self._table),
                done=tuple(DONE_STATES),
            )
        )
