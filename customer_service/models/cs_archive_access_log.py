from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from ..cron import batches

DEFAULT_RETENTION_DAYS = 730


class CsArchiveAccessLog(models.Model):
    """Who opened, exported or printed a confidential or top-secret archive (R12).

    Rows are written by the archive itself and can be neither edited nor
    deleted; only the retention cron purges rows older than the period set
    in Settings.
    """

    _name = "cs.archive.access.log"
    _description = "Guest Archive Access Log"
    _order = "create_date desc, id desc"
    _log_access = True

    archive_id = fields.Many2one(
        "cs.guest.archive", required=True, ondelete="cascade", index=True, readonly=True
    )
    archive_code = fields.Char(related="archive_id.code", string="Archive Code")
    user_id = fields.Many2one(
        "res.users", required=True, ondelete="restrict", index=True, readonly=True
    )
    access_type = fields.Selection(
        [("open", "Opened"), ("export", "Exported"), ("print", "Printed")],
        required=True,
        readonly=True,
    )
    confidentiality_level = fields.Selection(
        related="archive_id.confidentiality_level", string="Level"
    )

    def write(self, vals):  # pylint: disable=method-required-super
        raise UserError(self.env._("The archive access log cannot be changed."))

    def unlink(self):
        if not (self.env.su and self.env.context.get("cs_access_log_purge")):
            raise UserError(self.env._("The archive access log cannot be deleted."))
        return super().unlink()

    @api.model
    def _log_rows(self, archives, access_type):
        """Append one row per archive for the current user, in one INSERT.

        An export of the register logs tens of thousands of archives: the
        rows have no computed field, rule or chatter to run, so they go in
        as one statement instead of one ORM record each.
        """
        if access_type not in dict(self._fields["access_type"].selection):
            raise UserError(self.env._("Unknown access type: %(type)s", type=access_type))
        if not archives:
            return
        now = self.env.cr.now()
        self.env.cr.execute(
            SQL(
                "INSERT INTO %s (archive_id, user_id, access_type,"
                " create_uid, create_date, write_uid, write_date)"
                " SELECT archive_id, %s, %s, %s, %s, %s, %s FROM unnest(%s::int[]) AS archive_id",
                SQL.identifier(self._table),
                self.env.uid,
                access_type,
                self.env.uid,
                now,
                self.env.uid,
                now,
                list(archives.ids),
            )
        )

    @api.model
    def _cron_purge(self):
        """Delete rows older than the retention period (Settings, in days)."""
        days = int(
            self.env["ir.config_parameter"]
            .sudo()
            .get_param("customer_service.access_log_retention_days", DEFAULT_RETENTION_DAYS)
        )
        if days <= 0:
            return 0
        limit = fields.Datetime.now() - relativedelta(days=days)
        old = self.sudo().search([("create_date", "<", limit)])
        for batch in batches(self.env, old, size=10000):
            batch.with_context(cs_access_log_purge=True).unlink()
        return len(old)
