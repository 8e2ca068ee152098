from . import cs_service_overview
