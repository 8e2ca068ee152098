from odoo import fields, models
from odoo.fields import Domain


class CsArchiveContentMixin(models.AbstractModel):
    """Records that belong to a guest archive and must be no easier to read.

    Record rules are turned into SQL as superuser, so a rule such as
    ``[('archive_id.confidentiality_level', ...)]`` would not apply the
    archive's own rules. Rules on these models use ``archive_readable``
    instead: its search runs the archive's rules as the real user, on every
    query, so the archive's rules stay the only place that decides.
    """

    _name = "cs.archive.content.mixin"
    _description = "Guest Archive Content"

    archive_readable = fields.Boolean(
        compute="_compute_archive_readable", search="_search_archive_readable"
    )

    def _compute_archive_readable(self):
        readable = self._filtered_access("read")
        for record in self:
            record.archive_readable = record in readable

    def _search_archive_readable(self, operator, value):
        archives = self.env["cs.guest.archive"].with_user(self.env.uid)
        query = archives.with_context(active_test=False)._search([])
        wanted = set(value) if operator in ("in", "not in") else {bool(value)}
        positive = (True in wanted) == (operator in ("=", "in"))
        return Domain("archive_id", "in" if positive else "not in", query)
