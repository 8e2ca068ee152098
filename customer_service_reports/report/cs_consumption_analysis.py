from odoo import fields, models, tools
from odoo.tools import SQL

from odoo.addons.customer_service.models.cs_visit import CALLBACK_STATES


class CsConsumptionAnalysis(models.Model):
    """Consumption for pivot and graph views: one row per consumption (R6).

    Readable by CS staff only (they read every consumption): the view holds
    no archive content, and a company rule keeps companies apart.
    """

    _name = "cs.consumption.analysis"
    _description = "Consumption Analysis"
    _order = "consumption_date desc, id desc"
    _auto = False
    _rec_name = "name"

    name = fields.Char(string="Reference", readonly=True)
    consumption_id = fields.Many2one("cs.consumption", readonly=True)
    consumption_date = fields.Datetime(readonly=True)
    department_id = fields.Many2one("cs.service.department", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Guest", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    source = fields.Selection(
        [("manual", "Quick Entry"), ("import", "Import"), ("invoice", "Invoice")],
        readonly=True,
    )
    callback_state = fields.Selection(CALLBACK_STATES, readonly=True)
    callback_user_id = fields.Many2one("res.users", string="Calls Back", readonly=True)
    item_count = fields.Integer(string="Items", readonly=True, aggregator="sum")
    quantity = fields.Float(readonly=True, aggregator="sum")
    amount_total = fields.Monetary(readonly=True, aggregator="sum")

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                """CREATE OR REPLACE VIEW %s AS (
                    SELECT c.id,
                           c.id AS consumption_id,
                           c.name,
                           c.consumption_date,
                           c.department_id,
                           c.partner_id,
                           c.company_id,
                           company.currency_id,
                           c.source,
                           v.callback_state,
                           v.callback_user_id,
                           COALESCE(l.item_count, 0) AS item_count,
                           COALESCE(l.quantity, 0) AS quantity,
                           COALESCE(c.amount_total, 0) AS amount_total
                      FROM cs_consumption c
                      JOIN res_company company ON company.id = c.company_id
                 LEFT JOIN cs_visit v ON v.id = c.visit_id
                 LEFT JOIN (SELECT consumption_id,
                                   COUNT(*) AS item_count,
                                   SUM(quantity) AS quantity
                              FROM cs_consumption_line
                          GROUP BY consumption_id) l ON l.consumption_id = c.id
                )""",
                SQL.identifier(self._table),
            )
        )
