from . import cs_report_wizard
