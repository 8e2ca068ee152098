from odoo import fields, models


class ResUsers(models.Model):
    _inherit = "res.users"

    cs_digest_sent_until = fields.Date(
        string="Digest Sent Until",
        readonly=True,
        copy=False,
        groups="base.group_system",
        help="The last day of the last weekly digest mailed to this leader.",
    )

    def _cs_home_action(self):
        """The first screen of the user's role when they open Customer Service."""
        self.ensure_one()
        for group, xmlid, context in self._cs_home_actions():
            if self.has_group(group):
                # Any kind of action: the managers' overview is a client action.
                action = self.env["ir.actions.actions"]._for_xml_id(xmlid)
                if context:
                    action["context"] = context
                return action
        return self.env["ir.actions.act_window"]._for_xml_id(
            "customer_service.cs_consumption_action"
        )

    def _cs_home_actions(self):
        """(group, action, context): the first group the user holds decides.

        Staff start on their own callbacks, finance on collections, a
        department liaison on a blank consumption report. The reports add-on
        puts the managers' overview first.
        """
        return [
            (
                "customer_service.group_cs_user",
                "customer_service.cs_visit_action",
                {"search_default_pending": 1, "search_default_my_callbacks": 1},
            ),
            (
                "customer_service.group_cs_finance",
                "customer_service.cs_collection_task_action",
                None,
            ),
            (
                "customer_service.group_cs_liaison",
                "customer_service.cs_consumption_action_quick_entry",
                None,
            ),
        ]
