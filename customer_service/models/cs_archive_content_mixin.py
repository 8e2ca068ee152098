from odoo import fields, models
from odoo.fields import Domain
from odoo.tools import SQL


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
        wanted = set(value) if operator in ("in", "not in") else {bool(value)}
        positive = (True in wanted) == (operator in ("=", "in"))
        archives = self.env["cs.guest.archive"].with_user(self.env.uid)

        def to_sql(model, alias, query):
            # A correlated EXISTS, not "archive_id IN (SELECT ...)": PostgreSQL
            # then checks each row's own archive through its primary key,
            # even under an OR, instead of reading every archive to hash it.
            readable = archives.with_context(active_test=False)._search([])
            readable.add_where(
                SQL(
                    "%s = %s",
                    SQL.identifier(readable.table, "id"),
                    model._field_to_sql(alias, "archive_id", query),
                )
            )
            exists = SQL("EXISTS(%s)", readable.select(SQL("1")))
            return exists if positive else SQL("NOT %s", exists)

        return Domain.custom(
            to_sql=to_sql,
            predicate=lambda record: record.archive_readable == positive,
        )
