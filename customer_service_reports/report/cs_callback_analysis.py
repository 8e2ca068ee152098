from odoo import fields, models, tools
from odoo.tools import SQL

from odoo.addons.customer_service.models.cs_consumption import CALLBACK_STATES
from odoo.addons.customer_service.models.cs_contact_log import SATISFACTION


class CsCallbackAnalysis(models.Model):
    """Callbacks for pivot and graph views: one row per consumption due one (R15).

    Readable by CS staff only. Of the archive it holds one flag, whether the
    guest is a member, as the team KPIs use it; nothing else of the archive.
    """

    _name = "cs.callback.analysis"
    _description = "Callback Analysis"
    _order = "consumption_date desc, id desc"
    _auto = False
    _rec_name = "consumption_id"

    consumption_id = fields.Many2one("cs.consumption", readonly=True)
    consumption_date = fields.Datetime(readonly=True)
    callback_deadline = fields.Datetime(readonly=True)
    department_id = fields.Many2one("cs.service.department", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Guest", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    callback_user_id = fields.Many2one("res.users", string="Calls Back", readonly=True)
    callback_state = fields.Selection(CALLBACK_STATES, readonly=True)
    callback_on_time = fields.Boolean(string="Called Back in Time", readonly=True)
    is_member = fields.Boolean(string="Member", readonly=True)
    first_callback_date = fields.Datetime(readonly=True)
    delay_hours = fields.Float(
        string="Hours to Callback", readonly=True, aggregator="avg", digits=(16, 1)
    )
    callback_count = fields.Integer(string="Callbacks", readonly=True, aggregator="sum")
    satisfaction = fields.Selection(SATISFACTION, readonly=True)

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                """CREATE OR REPLACE VIEW %s AS (
                    SELECT c.id,
                           c.id AS consumption_id,
                           c.consumption_date,
                           c.callback_deadline,
                           c.department_id,
                           c.partner_id,
                           c.company_id,
                           c.callback_user_id,
                           c.callback_state,
                           COALESCE(c.callback_on_time, FALSE) AS callback_on_time,
                           EXISTS (SELECT 1
                                     FROM cs_guest_archive a
                                    WHERE a.partner_id = c.partner_id
                                      AND a.company_id = c.company_id
                                      AND a.vip_level != 'none') AS is_member,
                           cb.first_date AS first_callback_date,
                           EXTRACT(EPOCH FROM cb.first_date - c.consumption_date) / 3600.0
                               AS delay_hours,
                           COALESCE(cb.callbacks, 0) AS callback_count,
                           cb.satisfaction
                      FROM cs_consumption c
                 LEFT JOIN LATERAL (
                           SELECT MIN(l.contact_date) AS first_date,
                                  COUNT(*) AS callbacks,
                                  (ARRAY_AGG(l.satisfaction ORDER BY l.contact_date DESC)
                                       FILTER (WHERE l.satisfaction IS NOT NULL))[1]
                                      AS satisfaction
                             FROM cs_contact_log l
                            WHERE l.consumption_id = c.id
                              AND l.contact_type = 'callback') cb ON TRUE
                     WHERE c.callback_state != 'not_needed'
                )""",
                SQL.identifier(self._table),
            )
        )
