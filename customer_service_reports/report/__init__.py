from . import cs_report_xlsx_base
from . import cs_guest_archive_register_xlsx
from . import cs_callback_kpi_xlsx
from . import cs_consumption_summary_xlsx
from . import cs_complaint_statistics_xlsx
from . import cs_consumption_analysis
from . import cs_callback_analysis
from . import cs_complaint_analysis
