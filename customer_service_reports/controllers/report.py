from odoo.http import route

from odoo.addons.report_xlsx.controllers.main import ReportController

# Reports that write while they render: the guest register logs each
# confidential or top-secret archive it exports.
WRITING_REPORTS = frozenset({"customer_service_reports.guest_archive_register"})


def _report_readonly(controller, rule, args):
    """Odoo 19 serves /report/<converter>/<name> on a read-only cursor (a read
    replica when ``db_replica_host`` is set). A report that writes must get a
    read/write cursor at once, not fail on the replica and be served again."""
    return args.get("reportname") not in WRITING_REPORTS


class CsReportController(ReportController):
    @route(readonly=_report_readonly)
    def report_routes(self, reportname, docids=None, converter=None, **data):
        return super().report_routes(reportname, docids=docids, converter=converter, **data)
