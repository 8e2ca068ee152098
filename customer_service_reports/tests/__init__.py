from . import test_archive_register
from . import test_consumption_summary
from . import test_callback_kpi
from . import test_report_wizard
from . import test_analysis
from . import test_report_download
from . import test_complaint_statistics
from . import test_reports_tour
