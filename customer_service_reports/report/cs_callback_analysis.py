from odoo import fields, models, tools
from odoo.tools import SQL

from odoo.addons.customer_service.models.cs_contact_log import SATISFACTION
from odoo.addons.customer_service.models.cs_visit import CALLBACK_STATES


class CsCallbackAnalysis(models.Model):
    """Callbacks for pivot and graph views: one row per visit due one (R15).

    A guest's stay owes one call, whatever the departments it went through,
    so the rows are ``cs.visit``'s, as ``cs.visit._callback_kpis`` counts
    them: every visit but those that need no callback.

    Readable by CS staff only. Of the archive it holds one flag, whether the
    guest is a member, as the team KPIs use it; nothing else of the archive.
    """

    _name = "cs.callback.analysis"
    _description = "Callback Analysis"
    _order = "date_start desc, id desc"
    _auto = False
    _rec_name = "visit_id"

    visit_id = fields.Many2one("cs.visit", string="Guest Visit", readonly=True)
    date_start = fields.Datetime(string="Visit Date", readonly=True)
    date_end = fields.Datetime(string="Visit End", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Guest", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    department_id = fields.Many2one(
        "cs.service.department",
        string="First Department",
        readonly=True,
        help="The department of the visit's first consumption.",
    )
    # Searching on every department of the visit, not only the first.
    department_ids = fields.Many2many(related="visit_id.department_ids")
    department_count = fields.Integer(
        string="Number of Departments", readonly=True, aggregator="avg"
    )
    consumption_count = fields.Integer(string="Consumptions", readonly=True, aggregator="sum")
    amount_total = fields.Monetary(readonly=True, aggregator="sum")
    callback_deadline = fields.Datetime(readonly=True)
    callback_user_id = fields.Many2one("res.users", string="Calls Back", readonly=True)
    callback_state = fields.Selection(CALLBACK_STATES, readonly=True)
    callback_on_time = fields.Boolean(string="Called Back in Time", readonly=True)
    is_member = fields.Boolean(string="Member", readonly=True)
    first_callback_date = fields.Datetime(
        string="First Call",
        readonly=True,
        help="The first call to the guest about this visit, answered or not.",
    )
    callback_date = fields.Datetime(string="Called Back On", readonly=True)
    delay_hours = fields.Float(
        string="Hours to Callback",
        readonly=True,
        aggregator="avg",
        digits=(16, 1),
        help="From the visit's first consumption to the call that reached the guest.",
    )
    callback_count = fields.Integer(
        string="Call Attempts",
        readonly=True,
        aggregator="sum",
        help="Callback records logged for the visit, including those that did not reach the guest.",
    )
    satisfaction = fields.Selection(SATISFACTION, readonly=True)

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                """CREATE OR REPLACE VIEW %s AS (
                    SELECT v.id,
                           v.id AS visit_id,
                           v.date_start,
                           v.date_end,
                           v.partner_id,
                           v.company_id,
                           company.currency_id,
                           c.first_department AS department_id,
                           COALESCE(c.departments, 0) AS department_count,
                           COALESCE(c.consumptions, 0) AS consumption_count,
                           COALESCE(v.amount_total, 0) AS amount_total,
                           v.callback_deadline,
                           v.callback_user_id,
                           v.callback_state,
                           COALESCE(v.callback_on_time, FALSE) AS callback_on_time,
                           EXISTS (SELECT 1
                                     FROM cs_guest_archive a
                                    WHERE a.partner_id = v.partner_id
                                      AND a.company_id = v.company_id
                                      AND a.vip_level != 'none') AS is_member,
                           cb.first_date AS first_callback_date,
                           v.callback_date,
                           EXTRACT(EPOCH FROM v.callback_date - v.date_start) / 3600.0
                               AS delay_hours,
                           COALESCE(cb.attempts, 0) AS callback_count,
                           v.satisfaction
                      FROM cs_visit v
                      JOIN res_company company ON company.id = v.company_id
                 LEFT JOIN LATERAL (
                           SELECT COUNT(*) AS consumptions,
                                  COUNT(DISTINCT cc.department_id) AS departments,
                                  (ARRAY_AGG(cc.department_id
                                             ORDER BY cc.consumption_date, cc.id))[1]
                                      AS first_department
                             FROM cs_consumption cc
                            WHERE cc.visit_id = v.id) c ON TRUE
                 LEFT JOIN LATERAL (
                           SELECT MIN(l.contact_date) AS first_date,
                                  COUNT(*) AS attempts
                             FROM cs_contact_log l
                            WHERE l.visit_id = v.id
                              AND l.contact_type = 'callback') cb ON TRUE
                     WHERE v.callback_state != 'not_needed'
                )""",
                SQL.identifier(self._table),
            )
        )
