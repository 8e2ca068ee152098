from odoo import api, fields, models
from odoo.tools import SQL


class CsAuthorityBudget(models.Model):
    """One row per signer, updated whenever their authority is spent.

    Odoo runs transactions in REPEATABLE READ: a sum read after merely waiting
    for a lock would still miss what the other session committed meanwhile.
    Updating this row makes the later of two concurrent signers fail with a
    serialization error instead; Odoo retries the request, which then sees
    the first signature and counts it.
    """

    _name = "cs.authority.budget"
    _description = "Compensation Authority Budget Lock"
    _log_access = False

    _user_unique = models.UniqueIndex("(user_id)", "One budget row per user.")

    user_id = fields.Many2one("res.users", required=True, ondelete="cascade", readonly=True)
    sign_count = fields.Integer(readonly=True)

    @api.model
    def _lock(self, users):
        """Lock (and bump) the budget rows of ``users``, in id order."""
        user_ids = sorted(set(users.ids))
        if not user_ids:
            return
        cr = self.env.cr
        cr.execute(
            SQL(
                "INSERT INTO cs_authority_budget (user_id, sign_count)"
                " SELECT unnest(%s::int[]), 0 ON CONFLICT (user_id) DO NOTHING",
                user_ids,
            )
        )
        cr.execute(
            SQL(
                "SELECT id FROM cs_authority_budget WHERE user_id = ANY(%s)"
                " ORDER BY user_id FOR NO KEY UPDATE",
                user_ids,
            )
        )
        cr.execute(
            SQL(
                "UPDATE cs_authority_budget SET sign_count = sign_count + 1"
                " WHERE user_id = ANY(%s)",
                user_ids,
            )
        )
