from odoo import models


class ResUsers(models.Model):
    _inherit = "res.users"

    def _cs_home_actions(self):
        # Managers and leaders start on the overview of their hotel.
        return [
            (
                "customer_service.group_cs_manager",
                "customer_service_reports.cs_service_overview_action",
                None,
            ),
            *super()._cs_home_actions(),
        ]
