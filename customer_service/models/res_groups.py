from odoo import models


class ResGroups(models.Model):
    _inherit = "res.groups"

    def _cs_active_users(self, company=None):
        """The active internal users who hold one of these groups.

        Members through an implying group count too (``all_user_ids``: a
        leader is a CS manager), but archived and portal users do not, since
        ``all_user_ids`` lists those as well. With ``company``, only the users
        who may work in it: a hotel group has several companies. Read as
        superuser: who holds a role is not for the caller's rights to hide.
        """
        users = self.sudo().all_user_ids.filtered(lambda u: u.active and not u.share)
        if company:
            users = users.filtered(lambda u: company in u.company_ids)
        return users.with_env(self.env)
