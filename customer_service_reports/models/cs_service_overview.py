from datetime import datetime, time, timedelta

import pytz

from odoo import api, fields, models


class CsServiceOverview(models.TransientModel):
    """The "Customer Service Overview" dashboard: the department's headline KPIs.

    Nothing is stored: each opening computes the figures for the chosen
    period, as the manager who opens it, and its buttons open the analyses
    on the same period.
    """

    _name = "cs.service.overview"
    _description = "Customer Service Overview"

    date_from = fields.Date(
        string="From",
        required=True,
        default=lambda self: fields.Date.context_today(self).replace(day=1),
    )
    date_to = fields.Date(
        string="To", required=True, default=lambda self: fields.Date.context_today(self)
    )
    currency_id = fields.Many2one(
        "res.currency", default=lambda self: self.env.company.currency_id, readonly=True
    )
    consumption_count = fields.Integer(string="Consumptions", compute="_compute_kpis")
    consumption_amount = fields.Monetary(compute="_compute_kpis")
    callbacks_due = fields.Integer(
        compute="_compute_kpis",
        help="Guest visits that began in the period and owe a callback: one per stay, "
        "whatever the departments it went through.",
    )
    callbacks_on_time_rate = fields.Float(string="Callbacks in Time", compute="_compute_kpis")
    members_called_rate = fields.Float(string="Members Called Back", compute="_compute_kpis")
    contact_weeks_rate = fields.Float(string="Member Weeks with a Contact", compute="_compute_kpis")
    callbacks_overdue = fields.Integer(
        string="Overdue Callbacks",
        compute="_compute_kpis",
        help="Guest visits whose callback is pending past its deadline, now.",
    )
    dissatisfied_count = fields.Integer(string="Dissatisfied Guests", compute="_compute_kpis")
    reviews_due = fields.Integer(
        string="Archives Due for Review",
        compute="_compute_kpis",
        help="Archives you may read whose quarterly re-verification is due (R13).",
    )

    def _compute_display_name(self):
        # A transient record has no name of its own: the breadcrumb shows this.
        for overview in self:
            overview.display_name = self.env._("Customer Service Overview")

    @api.depends("date_from", "date_to")
    def _compute_kpis(self):
        Consumption = self.env["cs.consumption"]
        # A stay owes one callback, whatever its departments: count visits.
        overdue = self.env["cs.visit"].search_count([("callback_overdue", "=", True)])
        reviews = self.env["cs.guest.archive"].search_count(
            [("next_review_date", "<=", fields.Date.context_today(self))]
        )
        for overview in self:
            overview.callbacks_overdue = overdue
            overview.reviews_due = reviews
            if not (overview.date_from and overview.date_to) or (
                overview.date_to < overview.date_from
            ):
                overview.update(
                    dict.fromkeys(
                        [
                            "consumption_count",
                            "consumption_amount",
                            "callbacks_due",
                            "callbacks_on_time_rate",
                            "members_called_rate",
                            "contact_weeks_rate",
                            "dissatisfied_count",
                        ],
                        0,
                    )
                )
                continue
            start, end = overview._utc_bounds()
            period = [("consumption_date", ">=", start), ("consumption_date", "<", end)]
            [(count, amount)] = Consumption._read_group(period, [], ["__count", "amount_total:sum"])
            kpis = self.env["cs.leader.digest"]._team_kpis(start, end)
            overview.consumption_count = count
            overview.consumption_amount = amount or 0.0
            overview.callbacks_due = kpis["callbacks_due"]
            overview.callbacks_on_time_rate = kpis["on_time_rate"]
            overview.members_called_rate = kpis["members_called_rate"]
            overview.contact_weeks_rate = kpis["contact_weeks_rate"]
            overview.dissatisfied_count = self.env["cs.contact.log"].search_count(
                [
                    ("is_dissatisfied", "=", True),
                    ("contact_date", ">=", start),
                    ("contact_date", "<", end),
                ]
            )

    def _utc_bounds(self):
        self.ensure_one()
        tz = pytz.timezone(self.env.context.get("tz") or self.env.user.tz or "UTC")

        def to_utc(day):
            return (
                tz.localize(datetime.combine(day, time.min))
                .astimezone(pytz.utc)
                .replace(tzinfo=None)
            )

        return to_utc(self.date_from), to_utc(self.date_to + timedelta(days=1))

    # ------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------

    def _open(self, xmlid, date_field=None):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(xmlid)
        if date_field and self.date_from and self.date_to:
            start, end = self._utc_bounds()
            action["domain"] = [
                (date_field, ">=", fields.Datetime.to_string(start)),
                (date_field, "<", fields.Datetime.to_string(end)),
            ]
        return action

    def action_open_consumption_analysis(self):
        return self._open(
            "customer_service_reports.cs_consumption_analysis_action", "consumption_date"
        )

    def action_open_callback_analysis(self):
        return self._open("customer_service_reports.cs_callback_analysis_action", "date_start")

    def action_open_archive_analysis(self):
        return self._open("customer_service_reports.cs_guest_archive_analysis_action")

    def action_open_overdue_callbacks(self):
        """The callback queue, on the visits the overdue count counts."""
        action = self._open("customer_service.cs_visit_action")
        action["domain"] = [("callback_overdue", "=", True)]
        # The domain is the count's: no default filter of the queue on top.
        action["context"] = {"create": False}
        return action

    def action_open_report_wizard(self):
        action = self._open("customer_service_reports.cs_report_wizard_action")
        action["context"] = {
            "default_date_from": fields.Date.to_string(self.date_from),
            "default_date_to": fields.Date.to_string(self.date_to),
        }
        return action
