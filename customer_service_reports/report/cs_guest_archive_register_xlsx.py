from odoo import models
from odoo.fields import Domain
from odoo.tools.translate import LazyTranslate

from .cs_report_xlsx_base import BATCH_SIZE, Column

_lt = LazyTranslate(__name__)

# Levels whose rows are flagged (and whose export is logged, R12).
FLAGGED_LEVELS = ("confidential", "top_secret")
COLUMNS = (
    Column(_lt("Code"), "text", 14),
    Column(_lt("Guest"), "text", 28),
    Column(_lt("Guest Type"), "text", 12),
    Column(_lt("Confidentiality"), "text", 14),
    Column(_lt("Classified Until"), "date", 14),
    Column(_lt("Customer Class"), "text", 14),
    Column(_lt("Credit Class"), "text", 10),
    Column(_lt("VIP Level"), "text", 10),
    Column(_lt("Permanent Customer"), "bool", 11),
    Column(_lt("Owner"), "text", 20),
    Column(_lt("Registered On"), "date", 14),
    Column(_lt("Next Review"), "date", 14),
)
LEVEL_COLUMN = 3
FIELDS = [
    "code",
    "name",
    "guest_type",
    "confidentiality_level",
    "classified_until",
    "customer_class",
    "credit_class",
    "vip_level",
    "is_permanent",
    "owner_id",
    "create_date",
    "next_review_date",
]


class ReportCsGuestArchiveRegister(models.AbstractModel):
    """The guest archive register (R1, R12): the archives the user may read, one per row.

    Rows come from a search as the user, never as superuser, so the record
    rules decide what the file holds. Exporting a confidential or top-secret
    archive is written to its access log, as opening it is.
    """

    _name = "report.customer_service_reports.guest_archive_register"
    _description = "Guest Archive Register (XLSX)"
    _inherit = "report.customer_service_reports.xlsx_base"

    def _cs_model(self):
        return "cs.guest.archive"

    def _cs_title(self):
        return self.env._("Guest Archive Register")

    def _cs_domain(self, filters, records):
        domain = self._cs_filter_domain(filters, "create_date", "owner_id", records=records)
        if filters["confidentiality_level"]:
            domain &= Domain("confidentiality_level", "=", filters["confidentiality_level"])
        return domain

    def _cs_generate(self, workbook, filters, records):
        # As the user: the record rules (level, owner, borrows, company) apply.
        Archive = self.env["cs.guest.archive"].with_context(active_test=True)
        archive_ids = Archive.search(self._cs_domain(filters, records)).ids
        formats = self._cs_formats(workbook)
        table = self._cs_add_table(
            workbook,
            formats,
            self.env._("Archives"),
            COLUMNS,
            self._cs_filter_lines(filters, applied=("period", "users", "level")),
        )
        labels = {
            name: self._cs_selection_labels("cs.guest.archive", name)
            for name in (
                "guest_type",
                "confidentiality_level",
                "customer_class",
                "credit_class",
                "vip_level",
            )
        }
        flag = {LEVEL_COLUMN: formats["flag"]}
        local = self._cs_local_converter()
        for offset in range(0, len(archive_ids), BATCH_SIZE):
            batch = Archive.browse(archive_ids[offset : offset + BATCH_SIZE])
            batch.fetch(FIELDS)
            owners = {user.id: user.name for user in batch.owner_id}
            for archive in batch:
                level = archive.confidentiality_level
                table.write_row(
                    (
                        archive.code,
                        archive.name,
                        labels["guest_type"].get(archive.guest_type),
                        labels["confidentiality_level"].get(level),
                        archive.classified_until,
                        labels["customer_class"].get(archive.customer_class),
                        labels["credit_class"].get(archive.credit_class),
                        labels["vip_level"].get(archive.vip_level),
                        archive.is_permanent,
                        owners.get(archive.owner_id.id),
                        local(archive.create_date).date(),
                        archive.next_review_date,
                    ),
                    highlight=flag if level in FLAGGED_LEVELS else None,
                )
            # R12: every export of a confidential or top-secret archive is logged.
            batch._log_access("export")
            self.env.flush_all()
            self.env.invalidate_all()
        table.finish()
